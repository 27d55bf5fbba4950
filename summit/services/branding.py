"""An event's branding: its logo and accent colour, on badges, tickets and its page.

A logo is accepted only when Pillow decodes it as a PNG, JPEG or WebP image of at most
2 MB (whatever its name or declared type says; SVG is refused: a raster image is all a
badge needs, and an SVG can fetch and run things). It is stored re-encoded from its
pixels (PNG, or JPEG for a JPEG), at most LOGO_SIDE on each side, no metadata, under a
new random token, which makes its address. Anything else is refused and nothing stored.

The accent colour is #rrggbb. Text is never left to chance on it: `Brand` gives the
text colour for the accent as a background (black or white, whichever contrasts more:
always at least 4.5:1) and an ink for text on white (the accent where it reaches 4.5:1
on white, else near-black), so a pale accent never makes unreadable text.
"""

import base64
import io
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import gettext as _
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import undefer

from ..database import unit_of_work
from ..extensions import db
from ..models import Event
from ..models.events import DEFAULT_ACCENT
from . import images
from .refusal import Refusal

MAX_LOGO_BYTES = 2 * 1024 * 1024
LOGO_SIDE = 800  # stored at most this wide and high: sharp at 300 dpi on a badge
# A JPEG stays a JPEG; the rest become PNG, which every PDF renderer takes.
LOGO = images.ImageRules(
    stored_as={"PNG": "PNG", "JPEG": "JPEG", "WEBP": "PNG"},
    max_bytes=MAX_LOGO_BYTES,
    side=LOGO_SIDE,
    quality=90,
)
# The logo on a ticket: 6.5 mm high and at most 30 mm wide (documents.css), on a white
# tile; at 400 dpi that is 103 by 473 pixels.
TICKET_LOGO_PX = (473, 103)
ACCENT_RE = re.compile(r"#[0-9a-fA-F]{6}")
DARK = "#1b1b1b"  # the documents' text colour
AA = 4.5  # WCAG 2.1 AA contrast for normal text


class BrandingError(Refusal):
    messages = {
        "logo_empty": lambda p: _("Choose an image to upload."),
        "logo_too_large": lambda p: _("The logo is larger than %(mb)d MB.", mb=p["mb"]),
        "logo_type": lambda p: _("The logo must be a PNG, JPEG or WebP image."),
        "accent_format": lambda p: _("Enter a colour as # and six hex digits, e.g. #0b5a5a."),
    }


def clean_logo(data: bytes) -> tuple[bytes, str]:
    """The logo re-encoded from its pixels (at most LOGO_SIDE each way, metadata
    dropped) and its content type; or BrandingError."""
    try:
        return images.reencode(data, LOGO)
    except images.ImageRefused as refused:
        raise BrandingError(
            f"logo_{refused.reason}", "logo", mb=MAX_LOGO_BYTES // (1024 * 1024)
        ) from refused


def clean_accent(value) -> str:
    """The colour as #rrggbb in lower case; or BrandingError."""
    if not isinstance(value, str) or not ACCENT_RE.fullmatch(value.strip()):
        raise BrandingError("accent_format", "accent_color")
    return value.strip().lower()


def save_branding(
    event: Event, accent_color: str, logo: bytes | None = None, remove_logo: bool = False
) -> Event:
    """Set the event's accent colour and, if given, its logo (or remove it), in one
    commit. Everything is checked first: a refusal stores nothing."""
    accent = clean_accent(accent_color)
    cleaned = clean_logo(logo) if logo is not None else None
    with unit_of_work():
        event.accent_color = accent
        if cleaned is not None:
            event.logo, event.logo_content_type = cleaned
            event.logo_token = secrets.token_urlsafe(16)
        elif remove_logo:
            event.logo = event.logo_content_type = event.logo_token = None
    return event


def logo_by_token(slug: str, token) -> tuple[bytes, str] | None:
    """The logo's bytes and content type for its address, or None."""
    if not isinstance(token, str) or not 10 <= len(token) <= 32:
        return None
    event = db.session.scalar(
        select(Event)
        .where(Event.slug == slug, Event.logo_token == token)
        .options(undefer(Event.logo))
    )
    if event is None or event.logo is None:
        return None
    return event.logo, event.logo_content_type or "image/png"


# Colours -----------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of #rrggbb."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, 1 to 21."""
    a, b = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever reads better on `background` (at least 4.58:1)."""
    return (
        "#ffffff"
        if contrast("#ffffff", background) >= contrast("#000000", background)
        else ("#000000")
    )


def ink_for(accent: str) -> str:
    """The accent for text on white where it is dark enough for that, else DARK."""
    return accent if contrast(accent, "#ffffff") >= AA else DARK


@dataclass(frozen=True)
class Brand:
    """What a document or page needs of an event's branding. `logo` is the image's bytes
    (None: no logo)."""

    accent: str = DEFAULT_ACCENT
    logo: bytes | None = None
    logo_type: str = "image/png"

    @property
    def on_accent(self) -> str:
        return text_on(self.accent)

    @property
    def ink(self) -> str:
        return ink_for(self.accent)

    @property
    def logo_uri(self) -> str:
        if not self.logo:
            return ""
        return f"data:{self.logo_type};base64," + base64.b64encode(self.logo).decode("ascii")

    @property
    def ticket_logo_uri(self) -> str:
        """The logo as printed on a ticket: at most TICKET_LOGO_PX, on white. The stored
        logo is up to 800 pixels a side with an alpha channel, which the PDF writer
        re-encodes for every ticket (a third of a ticket's rendering time); this one is
        small and opaque, made once per logo and process."""
        if not self.logo:
            return ""
        return _ticket_logo(self.logo)

    @property
    def logo_aspect(self) -> float:
        """Width over height of the logo (1 without one)."""
        if not self.logo:
            return 1.0
        with Image.open(io.BytesIO(self.logo)) as image:
            return image.width / max(image.height, 1)


@lru_cache(maxsize=8)
def _ticket_logo(logo: bytes) -> str:
    with Image.open(io.BytesIO(logo)) as image:
        image = image.convert("RGBA")
    image.thumbnail(TICKET_LOGO_PX, Image.Resampling.LANCZOS)
    tile = Image.new("RGB", image.size, "white")
    tile.paste(image, mask=image.getchannel("A"))
    out = io.BytesIO()
    tile.save(out, "PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def brand_of(event: Event) -> Brand:
    accent = event.accent_color if ACCENT_RE.fullmatch(event.accent_color or "") else None
    return Brand(
        accent=(accent or DEFAULT_ACCENT).lower(),
        logo=event.logo if event.logo_token else None,
        logo_type=event.logo_content_type or "image/png",
    )
