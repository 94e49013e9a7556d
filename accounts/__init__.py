"""Staff accounts: the second factor (TOTP and recovery codes, django-otp) that follows the password."""
