"""Officer photos: checked by content, stripped of metadata, resized for the public page."""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # far above any camera's, far below a decompression bomb's
MIN_SIDE = 160
# Longest side in pixels. "original" replaces the upload itself: what is kept never carries its metadata.
SIZES = {"original": 1200, "small": 160, "medium": 480}
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


def check_photo(upload) -> None:
    """Refuse anything that is not a reasonable JPEG, PNG or WebP photo, judged by its content."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The photo is %(size)s MB; the limit is %(limit)s MB."),
            code="photo_too_large",
            params={"size": f"{upload.size / 1e6:.1f}", "limit": MAX_BYTES // 1_000_000},
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."), code="photo_too_many_pixels")
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("“%(name)s” is not an image (JPEG, PNG or WebP)."),
            code="not_an_image",
            params={"name": upload.name},
        ) from error
    finally:
        upload.seek(0)
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("“%(name)s” is a %(format)s image; send a JPEG, PNG or WebP photo."),
            code="photo_format",
            params={"name": upload.name, "format": image_format},
        )
    if min(width, height) < MIN_SIDE:
        raise ValidationError(
            _("The photo is %(width)s×%(height)s pixels; it needs at least %(min)s pixels on each side."),
            code="photo_too_small",
            params={"width": width, "height": height, "min": MIN_SIDE},
        )


def resized_versions(source) -> dict[str, ContentFile]:
    """JPEG versions of the photo at each size, upright and without metadata (no GPS position, no camera)."""
    source.seek(0)
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        versions = {}
        for name, side in SIZES.items():
            copy = image.copy()
            copy.thumbnail((side, side), Image.Resampling.LANCZOS)
            buffer = BytesIO()
            copy.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
            versions[name] = ContentFile(buffer.getvalue())
    source.seek(0)
    return versions
