"""A fake camera for Chromium: a YUV4MPEG2 video of a ticket's QR code, as a phone held
over a printed ticket would see it (Chromium loops it with
--use-file-for-fake-video-capture)."""

from pathlib import Path

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M


def qr_frame(text: str, width: int = 640, height: int = 480, size: int = 300) -> Image.Image:
    """A grey-scale frame: the QR code of `text`, `size` pixels wide, on a light grey
    background (paper under venue light, not pure white)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image().convert("L")
    image = image.resize((size, size), Image.Resampling.NEAREST)
    frame = Image.new("L", (width, height), 215)
    frame.paste(image, ((width - size) // 2, (height - size) // 2))
    return frame


def qr_video(text: str, path: Path, seconds: float = 3, fps: int = 10) -> Path:
    """Write a .y4m (4:2:0, grey: the chroma planes are neutral) showing the QR code of
    `text` for `seconds`; returns the path."""
    frame = qr_frame(text)
    width, height = frame.size
    luma = frame.tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    picture = b"FRAME\n" + luma + chroma + chroma
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(max(1, round(seconds * fps))):
            out.write(picture)
    return path
