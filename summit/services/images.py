"""Uploaded images made safe to keep and show (speakers' photos, events' logos).

An upload is accepted only when Pillow decodes it as one of the allowed formats, whatever
its name or declared type says, within a size in bytes and in pixels (a small file can
unpack to gigabytes). It is turned the way its EXIF says, shrunk to fit a square, and
re-encoded from its pixels alone: no EXIF (GPS position, camera), ICC profile, comment
or anything hidden in the file survives. Transparency is kept where the format has it.
"""

import io
import warnings
from dataclasses import dataclass, field

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .refusal import Refusal

MAX_PIXELS = 40_000_000
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
UNREADABLE = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
)


class ImageRefused(Refusal):
    """Why an upload is not an image we keep: "empty", "too_large" or "type". Each kind
    of upload says it in its own words (branding.BrandingError, cfp.PhotoError)."""

    messages = {
        "empty": lambda p: _("Choose an image to upload."),
        "too_large": lambda p: _("The image is larger than %(mb)d MB.", mb=p["mb"]),
        "type": lambda p: _("The image must be a JPEG, PNG or WebP image."),
    }


@dataclass(frozen=True)
class ImageRules:
    """What one kind of upload may be: `stored_as` maps each accepted format to the
    format it is stored in; `side` bounds the stored width and height."""

    stored_as: dict[str, str]
    max_bytes: int
    side: int
    quality: int = 85
    max_pixels: int = field(default=MAX_PIXELS)


def reencode(data: bytes, rules: ImageRules) -> tuple[bytes, str]:
    """The image re-encoded from its pixels and its content type; or ImageRefused."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise ImageRefused("empty")
    if len(data) > rules.max_bytes:
        raise ImageRefused("too_large", mb=rules.max_bytes // (1024 * 1024))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(rules.stored_as)) as probe:
                kind = probe.format
                if probe.width * probe.height > rules.max_pixels:
                    raise ImageRefused("type")
                probe.verify()  # the file's structure (e.g. PNG checksums)
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                image.load()  # every pixel: a truncated or broken file fails here
                image = ImageOps.exif_transpose(image)
                image.thumbnail((rules.side, rules.side))
                has_alpha = image.mode in ("RGBA", "LA", "PA") or (
                    image.mode == "P" and "transparency" in image.info
                )
                stored = rules.stored_as[kind]
                mode = "RGBA" if has_alpha and stored != "JPEG" else "RGB"
                pixels = image.convert(mode)
    except UNREADABLE as error:
        raise ImageRefused("type") from error
    # A new image holds only the pixels: none of the original's info, EXIF, ICC or text.
    clean = Image.new(mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if stored == "PNG":
        clean.save(out, "PNG", optimize=True)
    elif stored == "JPEG":
        clean.save(out, "JPEG", quality=rules.quality, optimize=True)
    else:
        clean.save(out, stored, quality=rules.quality)
    return out.getvalue(), CONTENT_TYPES[stored]
