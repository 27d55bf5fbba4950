"""Demo branding: the summit's badge logo, drawn here (no image file to ship), and its
accent colour, so that badges, tickets and the event page show them from the start."""

import io

from PIL import Image, ImageDraw

from ..models import Event
from ..services.branding import save_branding

ACCENT = "#a3264f"  # raspberry: white text on it 7.1:1, as text on white the same


def demo_logo() -> bytes:
    """Three overlapping rings, a meeting place, on transparent ground (PNG, 480 px)."""
    size = 480
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    rings = [((160, 170), (163, 38, 79)), ((320, 170), (11, 90, 90)), ((240, 310), (232, 150, 30))]
    for (x, y), colour in rings:
        draw.ellipse((x - 130, y - 130, x + 130, y + 130), outline=colour + (255,), width=44)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def create_demo_branding(summit: Event) -> list[str]:
    """Give the summit its logo and accent colour, once."""
    if summit.logo_token:
        return []
    save_branding(summit, ACCENT, logo=demo_logo())
    return ["", f"Badge logo and accent colour {ACCENT}: /events/{summit.slug}/"]
