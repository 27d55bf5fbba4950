"""An event's logo and accent colour: checked and re-encoded on upload, and seen where
people see them: on every badge layout, on the ticket PDF, as page images."""

import base64
import io

import pytest
from PIL import Image

from summit.services import branding
from summit.services.badges.render import LAYOUTS, Badge, render_badges
from summit.services.branding import Brand, BrandingError, contrast
from summit.services.tickets import documents
from tests import pdf
from tests.images import image_bytes
from tests.unit.test_documents import make_order  # noqa: F401  (fixture)

ACCENT = "#a3264f"
LOGO_RGB = (255, 140, 0)  # a colour found nowhere else on a badge or ticket


def logo_png(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, LOGO_RGB).save(out, "PNG")
    return out.getvalue()


def near(pixel, rgb, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], rgb, strict=True))


def share_of(image, rgb, box=None) -> float:
    """The share of the pixels of `image` (or of `box` in it) close to `rgb`."""
    part = image.crop(box) if box else image
    pixels = list(part.get_flattened_data())
    return sum(near(p, rgb) for p in pixels) / len(pixels)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


# The upload --------------------------------------------------------------------------


def test_a_logo_is_re_encoded_from_its_pixels_without_metadata():
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    cleaned, content_type = branding.clean_logo(image_bytes("JPEG", (2400, 1200), exif=exif))
    assert content_type == "image/jpeg"
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.size == (800, 400)  # at most LOGO_SIDE each way, aspect kept
        assert not image.getexif()
    png, content_type = branding.clean_logo(image_bytes("PNG", mode="RGBA"))
    assert content_type == "image/png"
    with Image.open(io.BytesIO(png)) as image:
        assert image.mode == "RGBA"  # a transparent logo stays transparent
    webp, content_type = branding.clean_logo(image_bytes("WEBP"))
    assert content_type == "image/png" and webp.startswith(b"\x89PNG")


def test_a_phone_photo_of_a_logo_is_turned_the_way_its_exif_says():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was held turned 90°
    cleaned, _ = branding.clean_logo(image_bytes("JPEG", (400, 200), exif=exif))
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.size == (200, 400) and not image.getexif()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "logo_empty"),
        (b"not an image at all", "logo_type"),
        (SVG, "logo_type"),
        (b"GIF89a" + b"\x00" * 100, "logo_type"),
        (image_bytes("PNG")[:200], "logo_type"),  # truncated
        (b"\x89PNG" + b"\x00" * (2 * 1024 * 1024), "logo_too_large"),
    ],
)
def test_anything_but_a_real_image_is_refused(data, reason):
    with pytest.raises(BrandingError) as refused:
        branding.clean_logo(data)
    assert refused.value.reason == reason and refused.value.field == "logo"


@pytest.mark.parametrize("value", ["red", "#12345", "#1234567", "#gggggg", "", None, "0b5a5a"])
def test_a_colour_must_be_hash_and_six_hex_digits(value):
    with pytest.raises(BrandingError):
        branding.clean_accent(value)
    assert branding.clean_accent(" #A3264F ") == "#a3264f"


@pytest.mark.parametrize(
    "accent", ["#000000", "#ffffff", "#ffd700", "#777777", "#767676", "#0b5a5a", "#00ff00"]
)
def test_text_on_and_beside_any_accent_keeps_aa_contrast(accent):
    brand = Brand(accent)
    assert contrast(brand.on_accent, accent) >= 4.5
    assert contrast(brand.ink, "#ffffff") >= 4.5


def test_nothing_is_stored_when_the_logo_or_colour_is_refused(db, make_event):
    event = make_event()
    with pytest.raises(BrandingError):
        branding.save_branding(event, "#123456", logo=b"<svg/>")
    with pytest.raises(BrandingError):
        branding.save_branding(event, "blue", logo=logo_png())
    db.session.rollback()
    db.session.refresh(event)
    assert event.accent_color == "#0b5a5a" and event.logo_token is None


def test_the_demo_summit_has_a_logo_and_an_accent(db, make_event):
    from summit.demo.branding import ACCENT as DEMO_ACCENT
    from summit.demo.branding import create_demo_branding

    event = make_event(slug="summit2027")
    create_demo_branding(event)
    db.session.refresh(event)
    assert event.accent_color == DEMO_ACCENT and event.logo_content_type == "image/png"
    assert branding.logo_by_token("summit2027", event.logo_token)[0] == event.logo
    assert create_demo_branding(event) == []  # once


# On the badges -----------------------------------------------------------------------


def _badges(brand: Brand, count: int) -> list[Badge]:
    return [
        Badge(
            "Mohammed",
            "Ängström",
            "Försäkringskassan",
            "deltagare",
            "Deltagare",
            "Social Innovation Summit 2027",
            "18–20 maj 2027",
            f"secret-{n}",
            brand,
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_badge_shows_the_event_logo_and_accent(layout):
    """Seen on the printed page: each badge's header carries the logo, a strip of the
    accent runs along its top edge, and the first name is still the largest thing."""
    from tests.unit.test_badges import _find, _lines, _tags, _text_right

    spec = LAYOUTS[layout]
    brand = Brand(ACCENT, logo_png(), "image/png")
    badges = _badges(brand, spec.per_page)
    document = render_badges(badges, layout)
    scale = 4  # px per mm
    page = pdf.page_images(document, scale=scale * 25.4 / 72)[0]
    (ox, oy), (bw, bh) = spec.origin, spec.badge
    for n in range(spec.per_page):
        left = (ox + (n % spec.columns) * bw) * scale
        top = (oy + (n // spec.columns) * bh) * scale
        header = (left, top, left + bw * scale, top + bh * scale / 4)
        assert share_of(page, LOGO_RGB, header) > 0.02, (layout, n, "logo")
        strip = (left + 2, top + 1, left + bw * scale - 2, top + 3)
        assert share_of(page, hex_rgb(ACCENT), strip) > 0.9, (layout, n, "accent")

    from summit.services.badges.render import badges_document, badges_html

    laid_out = badges_document(badges_html(badges[:1], spec)).pages[0]._page_box
    first = _tags(laid_out, "h1")[0]
    others = _tags(laid_out, "h2") + _tags(laid_out, "p")
    assert all(first.style["font_size"] > box.style["font_size"] for box in others), layout
    # The logo is narrower than the first name as printed (both in CSS px).
    event = _find(laid_out, "event")[0]
    logo_w = event.style["background_size"][0][0].value
    line = next(_lines(first))
    assert logo_w < _text_right(line) - line.position_x, layout


def test_a_pale_accent_gets_dark_text_on_the_badge():
    from summit.services.badges.render import badges_document, badges_html
    from tests.unit.test_badges import _find

    brand = Brand("#ffd700", logo_png(), "image/png")
    laid_out = badges_document(badges_html(_badges(brand, 1), LAYOUTS["a6"])).pages[0]._page_box
    event = _find(laid_out, "event")[0]
    red, green, blue, _alpha = event.style["color"]
    ink = "#" + "".join(f"{round(c * 255):02x}" for c in (red, green, blue))
    assert contrast(ink, "#ffffff") >= 4.5


# On the ticket -----------------------------------------------------------------------


def test_the_ticket_shows_the_event_logo_and_accent(db, make_order):  # noqa: F811
    order = make_order()
    branding.save_branding(order.event, ACCENT, logo=logo_png())

    data = documents.render_document(f"ticket:{order.tickets[0].id}")

    assert pdf.page_count(data) == 1  # the logo fits in the band: still one A6 page
    page = pdf.page_images(data)[0]
    width, height = page.size
    band = (0, 0, width, height // 10)
    assert share_of(page, hex_rgb(ACCENT), band) > 0.5
    assert share_of(page, LOGO_RGB, band) > 0.01
    assert pdf.page_qr_codes(data) == [[order.tickets[0].secret]]
    assert "BILJETT" in pdf.text(data)


def test_the_ticket_logo_is_print_sized_and_opaque_on_white():
    """The stored logo (up to 800 px, with alpha) is what the page shows; the ticket gets
    it at its printed size on its white tile, so the PDF writer does not re-encode 800 px
    with a mask for every ticket."""
    clear = Image.new("RGBA", (800, 400), (0, 0, 0, 0))
    clear.paste(Image.new("RGBA", (400, 400), (*LOGO_RGB, 255)), (0, 0))
    out = io.BytesIO()
    clear.save(out, "PNG")
    brand = Brand(logo=out.getvalue())

    uri = brand.ticket_logo_uri
    assert uri.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(uri.partition(",")[2]))) as printed:
        assert printed.mode == "RGB"
        width, height = printed.size
        assert (width, height) <= branding.TICKET_LOGO_PX and height == 103
        assert abs(width / height - 2.0) < 0.02  # the shape kept
        assert near(printed.getpixel((width // 4, height // 2)), LOGO_RGB, 4)
        assert printed.getpixel((width - 2, height // 2)) == (255, 255, 255)  # was clear
    assert Brand().ticket_logo_uri == ""
