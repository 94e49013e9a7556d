"""Work phone numbers: validated and stored in E.164, shown the way Quebec writes them."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_REGION = "CA"


def normalise_phone(value: str) -> str:
    """E.164 form of a phone number typed any usual way, or ValidationError naming the problem."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="invalid_phone", params={"value": text}
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number (check the area code and the number of digits)."),
            code="invalid_phone",
            params={"value": text},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """450 555-0123 for North American numbers (the Quebec style), international form for the rest."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, DEFAULT_REGION)
    if number.country_code == 1:
        digits = str(number.national_number)
        display = f"{digits[:3]} {digits[3:6]}-{digits[6:]}"
        if number.extension:
            display += f", {_('ext.')} {number.extension}"
        return display
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
