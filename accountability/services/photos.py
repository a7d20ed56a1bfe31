"""A photo sent by the public, made safe to keep: read with Pillow within limits, re-encoded as a
plain JPEG (no EXIF, GPS, comments or other metadata survive), and scaled down to a sane size.

A file that is not an image, is damaged, or is too large in bytes or pixels is refused with a
message the sender can act on; nothing of it is stored.
"""

from __future__ import annotations

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from core.errors import RuleViolation

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about a 7,700 × 5,200 camera photo
MAX_SIDE = 2048  # kept at most this wide or tall
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
QUALITY = 85


def _refuse(message: str):
    return RuleViolation({"photo": [message]})


def reencode_photo(upload) -> bytes:
    """The upload as a metadata-free JPEG (bytes), or RuleViolation with a translated message."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise _refuse(_("The photo is too large: at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(_("The photo is too large: at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    unreadable = _("This file is not a photo we can read. Send a JPEG, PNG or WebP picture.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
                width, height = probe.size
                if width * height > MAX_PIXELS or width <= 0 or height <= 0:
                    raise _refuse(
                        _("The photo has too many pixels: at most %(mp)s million.") % {"mp": MAX_PIXELS // 10**6}
                    )
                probe.verify()
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                image.load()
                image = ImageOps.exif_transpose(image)  # the orientation applied, then the EXIF dropped
                image = image.convert("RGB")
    except RuleViolation:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _("The photo has too many pixels: at most %(mp)s million.") % {"mp": MAX_PIXELS // 10**6}
        ) from None
    except (OSError, SyntaxError, ValueError, TypeError, EOFError, MemoryError, Image.UnidentifiedImageError):
        raise _refuse(unreadable) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    # A fresh image carries no info: nothing of the original's metadata is written.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
