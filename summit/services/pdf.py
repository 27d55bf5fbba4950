"""PDF rendering with WeasyPrint, and the QR codes on tickets, badges and station links.

html_to_pdf() and rendering() share one font configuration, URL fetcher and parsed
documents.css per process; the renderer fetches only data: URLs (no file, no network,
whatever a name typed into a form contains), so every image is embedded: data_uri().

One renderer per process, used by one thread at a time: Pango's font map is not made
for two threads at once, and laying out a document is Python work under the GIL, so
threads taking turns lose nothing. A process keeps one font configuration (not one per
thread, 4 MB each) and, warmed once (badges.arrival.warm_up), is warm for every thread.
"""

import base64
import gc
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

STATIC = Path(__file__).resolve().parent.parent / "static"
STYLESHEET = STATIC / "css" / "documents.css"
# Every PDF we make is PDF/UA-1 (WeasyPrint's variant: tagged, PDF 1.7, the XMP
# pdfuaid:part 1): screen readers get the title, language, headings, tables, reading
# order and each image's alt text. The HTML supplies those: <title>, <html lang>, real
# headings and <th>, alt on every <img>.
PDF_UA = {"pdf_variant": "pdf/ua-1"}
# A fixed mask skips qrcode's trial of all eight (most of the time it takes); any mask
# scans the same.
QR_MASK = 4


def qr_png(secret: str) -> bytes:
    """A QR code carrying only `secret`: one pixel per module with the standard quiet zone
    of four; the document scales it up without smoothing. The image is made from the
    module matrix in one go (qrcode's own image drew each module as a rectangle: most of
    the time a badge run spent on its QR codes)."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=1, border=4, mask_pattern=QR_MASK
    )
    code.add_data(secret)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    out = io.BytesIO()
    Image.frombytes("L", (size, size), pixels).convert("1").save(out, "PNG")
    return out.getvalue()


def html_to_pdf(html: str) -> bytes:
    """A PDF of `html` styled by documents.css, with this thread's shared renderer.
    Only data: URLs are fetched: embed images; a link to a file or a host stays empty."""
    from weasyprint import HTML  # imported on first use: it takes half a second

    with rendering() as renderer, _cyclic_gc_paused():
        return HTML(string=html, base_url=str(STATIC), url_fetcher=renderer.fetcher).write_pdf(
            stylesheets=[renderer.stylesheet],
            font_config=renderer.fonts,
            **PDF_UA,
        )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """WeasyPrint makes a great many short-lived objects; the cyclic garbage collector
    walking them as they come cost a quarter of a receipt's time (bench/mail.py: 79 ms
    CPU a receipt, 60 ms paused). Paused for one document, under the renderer's lock;
    what it left is collected as usual afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class Renderer:
    fonts: object
    fetcher: object
    stylesheet: object


_lock = threading.RLock()
_renderer: Renderer | None = None


@contextmanager
def rendering() -> Iterator[Renderer]:
    """This process's renderer, for this thread alone until the block ends (nested
    blocks of one thread are fine). Everything WeasyPrint does with its fonts (laying out,
    writing the PDF) belongs inside."""
    with _lock:
        yield _shared_renderer()


def _shared_renderer() -> Renderer:
    """The font configuration, URL fetcher and parsed stylesheet, made once per process:
    reusing them saves most of the cost of a small document."""
    global _renderer
    renderer = _renderer
    if renderer is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        fonts = FontConfiguration()
        fetcher = URLFetcher(allowed_protocols={"data"})
        stylesheet = CSS(
            string=_stylesheet_text(), url_fetcher=fetcher, font_config=fonts, base_url=None
        )
        renderer = _renderer = Renderer(fonts, fetcher, stylesheet)
    return renderer


@cache
def _stylesheet_text() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
