"""An officer's record: checked and saved, with a new photo checked by content, cleaned and resized."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files import File
from django.db import transaction

from ..models import Language, Officer
from ..phones import normalise_phone
from ..photos import check_photo, resized_versions


def officer_save(
    *, officer: Officer, photo: File | None = None, languages: Iterable[Language] | None = None
) -> Officer:
    """Validate and save an officer; a new photo is checked by content, cleaned and resized first."""
    officer.work_phone = normalise_phone(officer.work_phone)
    if photo is not None:
        check_photo(photo)
    officer.full_clean(exclude=["photo", "photo_small", "photo_medium", "languages"])
    with transaction.atomic():
        if photo is not None:
            files = (officer.photo, officer.photo_small, officer.photo_medium)
            replaced = {f.name for f in files if f}
            versions = resized_versions(photo)
            stem = officer.badge_number.replace("/", "-")
            officer.photo.save(f"{stem}.jpg", versions["original"], save=False)
            officer.photo_small.save(f"{stem}.jpg", versions["small"], save=False)
            officer.photo_medium.save(f"{stem}.jpg", versions["medium"], save=False)
            # Old files go only once the new ones are committed (a failed save keeps the old photo), and never
            # a name the new files took over (the old file was already gone).
            stale = replaced - {f.name for f in files}
            transaction.on_commit(lambda: [officer.photo.storage.delete(name) for name in stale])
        officer.save()
        if languages is not None:
            officer.languages.set(languages)
    return officer
