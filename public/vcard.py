"""An officer's public contact card as a vCard 3.0 file, the version every phone's contacts app reads."""

from __future__ import annotations

import base64

from django.conf import settings

from officers.models import Officer

# RFC 6350 §3.2: lines longer than 75 octets are folded; continuation lines start with a space.
MAX_LINE_OCTETS = 75


def officer_vcard(officer: Officer, *, sector_names: list[str], role_label: str) -> str:
    """Only what the officer consented to publish: name, role, service, work phone and e-mail, photo."""
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_escape(officer.last_name)};{_escape(officer.first_name)};;;",
        f"FN:{_escape(officer.full_name)}",
        f"ORG:{_escape(settings.SERVICE_NAME)}",
        f"TITLE:{_escape(role_label)}",
    ]
    if sector_names:
        lines.append(f"NOTE:{_escape(', '.join(sector_names))}")
    if officer.work_phone:
        lines.append(f"TEL;TYPE=WORK,VOICE,CELL:{officer.work_phone}")
    if officer.work_email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{_escape(officer.work_email)}")
    photo = _photo_base64(officer)
    if photo:
        lines.append(f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}")
    lines.append("END:VCARD")
    return "".join(_fold(line) + "\r\n" for line in lines)


def vcard_filename(officer: Officer) -> str:
    name = "".join(c if c.isascii() and c.isalnum() else "-" for c in officer.full_name).strip("-")
    return f"{name.lower() or 'officer'}.vcf"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    encoded = line.encode("utf-8")
    if len(encoded) <= MAX_LINE_OCTETS:
        return line
    parts, start, limit = [], 0, MAX_LINE_OCTETS
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        # Never cut a UTF-8 character in two: back off to the start of a character.
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:
            end -= 1
        parts.append(encoded[start:end].decode("utf-8"))
        start, limit = end, MAX_LINE_OCTETS - 1  # continuation lines spend one octet on the leading space
    return "\r\n ".join(parts)


def _photo_base64(officer: Officer) -> str:
    if not officer.photo_small:
        return ""
    try:
        with officer.photo_small.open("rb") as photo:
            return base64.b64encode(photo.read()).decode("ascii")
    except OSError:
        return ""  # a missing file must not cost the resident the card
