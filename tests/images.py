"""Small real images for upload tests."""

import io

from PIL import Image


def image_bytes(kind="JPEG", size=(400, 300), exif=None, mode="RGB") -> bytes:
    """An image of `size` encoded as `kind` (JPEG, PNG, WEBP), optionally with EXIF."""
    out = io.BytesIO()
    image = Image.new(mode, size, (200, 60, 60) if mode == "RGB" else (200, 60, 60, 128))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, kind, **kwargs)
    return out.getvalue()
