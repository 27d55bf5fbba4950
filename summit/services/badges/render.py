"""Name badges as PDFs, rendered by WeasyPrint: one A6 badge per page, sheets of A6, A7
or Durable 54 x 90 mm cards on A4 (with crop marks), or Brother QL 62 mm labels.

render_badges(badges, layout) returns ONE PDF. It needs no app context and no database:
a Badge holds everything printed on it (printing.badges_for makes them from
tickets), so a view, a CLI command, a worker or a bench all get the same document.

Speed (bench/badges.py): WeasyPrint's time goes by the box laid out, so a badge is a
handful of boxes in normal flow, its sizes computed here, and a sheet's crop marks are
one background image. QR codes are tiny PNGs (one pixel per module, fixed mask) scaled
without smoothing. The HTML is laid out in chunks (one document's time grows faster than
its pages); large runs render chunks on two processes, started with WeasyPrint loaded,
and join the chunk PDFs (and their structure trees: every PDF is PDF/UA) with pikepdf.
"""

import base64
import gc
import io
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..branding import Brand
from ..name_type import PT_MM, SetName, em_width, fit_name, line_count
from ..pdf import PDF_UA, data_uri, qr_png, rendering

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

ROLES = ("deltagare", "talare", "arrangör", "press", "personal")  # BadgeRole values

TITLES = {"sv": "Namnbrickor", "en": "Name badges"}  # the PDF's title, before the event
CHUNK = 125  # badges per chunk at most: small enough that layout time stays linear
SMALLEST_CHUNK = 20  # below this a document's own overhead starts to count
PARALLEL_FROM = 300  # fewer badges than this: starting processes costs more than it saves
WORKERS = 2
LINE_HEIGHT = 1.1  # the badge template's, and its first name's
FIRST_LINE_HEIGHT = 1.05


@dataclass(frozen=True)
class Layout:
    """A badge of `badge` (width, height) mm, `columns` x `rows` of them on a `page`
    (width, height) mm, centred; crop marks where a sheet holds more than one."""

    name: str
    page: tuple[float, float]
    badge: tuple[float, float]
    columns: int = 1
    rows: int = 1

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def landscape(self) -> bool:
        return self.badge[0] > self.badge[1]

    @property
    def crop_marks(self) -> bool:
        return self.per_page > 1

    @property
    def origin(self) -> tuple[float, float]:
        """The top left corner of the first badge on the page."""
        return (
            (self.page[0] - self.columns * self.badge[0]) / 2,
            (self.page[1] - self.rows * self.badge[1]) / 2,
        )


LAYOUTS = {
    layout.name: layout
    for layout in (
        Layout("a6", page=(105, 148), badge=(105, 148)),
        Layout("a6x4", page=(210, 297), badge=(105, 148), columns=2, rows=2),
        # A7 is 74 x 105 mm; eight fit on A4 lying down, two across and four down.
        Layout("a7x8", page=(210, 297), badge=(105, 74), columns=2, rows=4),
        # Durable BADGEMAKER inserts: business-card size, 2 x 5 per A4 sheet.
        Layout("durable-54x90", page=(210, 297), badge=(90, 54), columns=2, rows=5),
        # Brother QL 62 mm continuous roll, cut to 100 mm per badge.
        Layout("ql-62", page=(62, 100), badge=(62, 100)),
    )
}


@dataclass(frozen=True)
class Badge:
    """What one badge shows, already in the words to print. `role` is the ribbon's kind
    (a BadgeRole value: its colour), `role_label` its word in the badge's language;
    `secret` is the ticket's secret, the only thing in its QR code; `brand` the event's
    logo and accent colour; `lang` the language its words are in."""

    first_name: str
    last_name: str
    organisation: str
    role: str
    role_label: str
    event_name: str
    event_dates: str
    secret: str
    brand: Brand = Brand()
    lang: str = "sv"  # the language of its words
    qr_label: str = "QR"  # the QR code's alt text, in that language

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown badge role: {self.role!r}")


# Rendering ---------------------------------------------------------------------------


def render_badges(
    badges: list[Badge], layout: str, progress: Callable[[int], None] | None = None
) -> bytes:
    """One PDF with every badge, in order, placed as `layout` (a key of LAYOUTS) says.
    Every page has the layout's page size; a sheet is filled left to right, top to
    bottom. Names are set smaller until their longest word fits (name_type): no word is
    broken, only one too long for the badge at the smallest size wraps, hyphenated.
    Nothing leaves its badge.
    `progress`, if given, is called in this process with the number of badges laid out
    so far, as chunks finish."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown badge layout: {layout!r}")
    if not badges:
        raise ValueError("no badges to render")
    spec = LAYOUTS[layout]
    chunks = [(part, layout) for part in _chunks(badges, spec.per_page)]
    done = 0
    if len(badges) >= PARALLEL_FROM and WORKERS > 1:
        pdfs = []
        with _pool() as pool:
            # Each process makes its chunks' QR codes and HTML too: only Badges travel.
            for pdf, (part, _) in zip(pool.map(_chunk_pdf, chunks), chunks, strict=True):
                pdfs.append(pdf)
                done += len(part)
                if progress:
                    progress(done)
        return _merge(pdfs)
    with rendering():  # the documents keep the renderer's fonts until written
        documents = []
        for part, _ in chunks:
            documents.append(badges_document(badges_html(part, spec)))
            done += len(part)
            if progress:
                progress(done)
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf(**PDF_UA)


def _chunks(badges: list[Badge], per_page: int) -> list[list[Badge]]:
    """The badges cut in chunks of whole sheets (so joining them never leaves a half-empty
    page inside), largest first: each a share of what is left, at most CHUNK badges, so
    the processes finish close together instead of one waiting on the other's last
    big chunk."""
    chunks, start = [], 0
    while start < len(badges):
        share = -(-(len(badges) - start) // (2 * WORKERS))
        size = min(max(share, SMALLEST_CHUNK), CHUNK)
        size = max(size // per_page, 1) * per_page
        chunks.append(badges[start : start + size])
        start += size
    return chunks


def _pool() -> ProcessPoolExecutor:
    """Rendering processes that start with WeasyPrint loaded and its fonts set up: forked
    from this process when it runs no other thread, else from a clean fork server (a
    fork of a process with threads can inherit a lock held by one of them)."""
    with rendering():
        em_width("M")  # the fonts and their measures, made once here for every process
    if threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint", __name__])
    return ProcessPoolExecutor(max_workers=WORKERS, mp_context=context, initializer=_start_worker)


def _start_worker() -> None:
    # WeasyPrint builds a great many short-lived objects; letting the cyclic garbage
    # collector walk them as they come costs a tenth of the time. Each chunk collects
    # once when it is done instead.
    gc.freeze()
    gc.disable()


def _chunk_pdf(chunk: tuple[list[Badge], str]) -> bytes:
    part, layout = chunk
    try:
        with rendering():
            return badges_document(badges_html(part, LAYOUTS[layout])).write_pdf(**PDF_UA)
    finally:
        gc.collect()


def _merge(pdfs: list[bytes]) -> bytes:
    """The pages of these tagged PDFs, in order, in one PDF/UA file: the first chunk's
    file with the others' pages added, their structure elements appended under its
    Document element and their parent-tree entries (one per page, keyed by the page's
    StructParents, then one per annotation) renumbered after its own, so a screen reader
    reads every badge and a validator finds every mark tied to its element."""
    import pikepdf  # here: only a worker joins chunks

    with pikepdf.open(io.BytesIO(pdfs[0])) as merged:
        tree = merged.Root.StructTreeRoot
        document = tree.K[0]
        nums = tree.ParentTree.Nums
        next_key = max(int(key) for key in nums[::2]) + 1
        for pdf in pdfs[1:]:
            with pikepdf.open(io.BytesIO(pdf)) as part:
                part_tree = part.Root.StructTreeRoot
                part_document = part_tree.K[0]
                del part_document["/P"]  # copy its elements, not the other file's tree
                first_page = len(merged.pages)
                merged.pages.extend(part.pages)  # one copier per source: the same objects
                for element in part_document.K:
                    element = merged.copy_foreign(element)
                    element.P = document
                    document.K.append(element)
                entries = list(part_tree.ParentTree.Nums)
                for key, value in zip(entries[::2], entries[1::2], strict=True):
                    nums.append(int(key) + next_key)
                    nums.append(_copied(merged, value, pikepdf))
                for page in merged.pages[first_page:]:
                    _shift_keys(page.obj, next_key)
                next_key += max(int(key) for key in entries[::2]) + 1
        out = io.BytesIO()
        merged.save(out)
        return out.getvalue()


def _copied(merged, value, pikepdf):
    """`value` of another file in `merged`: a parent-tree entry is an element or an
    array of them (copied by the same copier as the pages, so they stay tied)."""
    if value.is_indirect:
        return merged.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copied(merged, item, pikepdf) for item in value])
    return value


def _shift_keys(page, offset: int) -> None:
    if "/StructParents" in page:
        page.StructParents = int(page.StructParents) + offset
    for annotation in page.get("/Annots", []):
        if "/StructParent" in annotation:
            annotation.StructParent = int(annotation.StructParent) + offset


def badges_html(badges: list[Badge], layout: Layout) -> str:
    style = STYLES[layout.name]
    geometry = _geometry(layout)
    sizes, offsets = set(), set()
    brands: dict[Brand, int] = {}  # one per event: the brand's CSS class is its number
    headers: dict[tuple, str] = {}

    def set_name(text: str, sizes_pt: tuple[float, float], bold: bool = True) -> SetName:
        # Measured with the printing font: the longest word fits, none is broken.
        fitted = fit_name(text, geometry.names_w, *sizes_pt, bold=bold)
        sizes.add(int(fitted.pt * 2))
        return fitted

    def offset(mm: float) -> str:
        # Vertical centring as a padding class in half millimetres: a flexbox would
        # centre exactly, but laying it out costs as much as the rest of the badge.
        half_mm = max(int(mm * 2), 0)
        offsets.add(half_mm)
        return f"v{half_mm}"

    def header(badge: Badge) -> str:
        key = (badge.event_name, badge.event_dates, badge.brand)
        if key not in headers:
            logo_w = _logo_box(badge.brand, geometry)[0]
            room = geometry.badge_w - 2 * geometry.padding - (logo_w + 2.5 if logo_w else 0)
            room_em = room / (geometry.event_pt * PT_MM)
            lines = line_count(badge.event_name.split(), room_em)
            lines += line_count(badge.event_dates.split(), room_em)
            text_h = lines * geometry.event_pt * PT_MM * LINE_HEIGHT
            headers[key] = offset((geometry.header - 1.4 - text_h) / 2)
        return headers[key]

    items = []
    for badge in badges:
        first = set_name(badge.first_name, style.first)
        last = set_name(badge.last_name, style.last)
        org = set_name(badge.organisation, style.org, bold=False)  # set in regular
        names_h = first.lines * first.pt * PT_MM * FIRST_LINE_HEIGHT
        if last.lines:
            names_h += 0.6 + last.lines * last.pt * PT_MM * LINE_HEIGHT
        if org.lines:
            names_h += geometry.org_gap + org.lines * org.pt * PT_MM * LINE_HEIGHT
        items.append(
            {
                "badge": badge,
                "brand": f"k{brands.setdefault(badge.brand, len(brands))}",
                "header": header(badge),
                "qr": data_uri(qr_png(badge.secret)),
                "first": first,
                "last": last,
                "org": org,
                "centre": offset((geometry.names_h - names_h) / 2),
            }
        )
    sheets = [items[i : i + layout.per_page] for i in range(0, len(items), layout.per_page)]
    return (
        _environment()
        .get_template("documents/badges.html")
        .render(
            geometry=geometry,
            items=items,
            sheets=sheets,
            sizes=sorted(sizes),
            offsets=sorted(offsets),
            brands=[(f"k{n}", brand, _logo_box(brand, geometry)) for brand, n in brands.items()],
            # The document's language and title (PDF/UA): the first badge's; a badge in
            # another language says so on its own element.
            lang=badges[0].lang,
            title=f"{TITLES.get(badges[0].lang, TITLES['sv'])} – {badges[0].event_name}",
        )
    )


def _logo_box(brand: Brand, geometry: "Geometry") -> tuple[float, float]:
    """The logo's (width, height) in mm at the left of the badge's header: as high as
    the header less a margin, at most a third of the badge wide. (0, 0) without one."""
    if not brand.logo:
        return (0.0, 0.0)
    height = geometry.header - 1.5
    width = min(height * brand.logo_aspect, (geometry.badge_w - 2 * geometry.padding) / 3)
    return (round(width, 2), round(min(height, width / brand.logo_aspect), 2))


@dataclass(frozen=True)
class Style:
    """Sizes on one kind of badge, mm unless named pt. Type: (largest pt, smallest pt).
    The first name is read from two metres: about 12 mm capitals on A6, 7 mm on the
    smallest cards."""

    padding: float
    header: float  # the event's logo, name and dates, at the top
    ribbon: float  # the role, full width at the bottom
    qr: float
    first: tuple[float, float]
    last: tuple[float, float]
    org: tuple[float, float]


@dataclass(frozen=True)
class Geometry:
    """Every size the badge template uses, in mm (pt where named), worked out once per
    layout so that the template needs nothing but normal flow. Top to bottom a badge is:
    the event (name and dates, over a rule), the names block, the QR code (beside the
    names on lying-down badges), the role ribbon."""

    page_w: float
    page_h: float
    badge_w: float
    badge_h: float
    sheet: bool
    landscape: bool
    columns: int
    lefts: tuple[float, ...]
    tops: tuple[float, ...]
    marks: str  # the sheet's crop marks, an SVG data: URI ("" for one badge per page)
    padding: float
    gap: float
    event_top: float
    strip: float  # the accent strip along the top edge, in the room above the event
    header: float
    event_pt: float
    names_w: float
    names_h: float
    org_gap: float
    qr: float
    ribbon: float
    role_pt: float


@cache
def _geometry(layout: Layout) -> Geometry:
    style = STYLES[layout.name]
    (pw, ph), (bw, bh) = layout.page, layout.badge
    gap = 1.5
    event_top = round(style.padding * 0.6, 2)
    above_names = event_top + style.header + gap
    if layout.landscape:  # the QR code beside the names, which reach down to the ribbon
        names_w = bw - 2 * style.padding - style.qr - 3
        names_h = bh - above_names - gap - style.ribbon
    else:  # the QR code centred under the names
        names_w = bw - 2 * style.padding
        names_h = bh - above_names - gap - style.qr - gap - style.ribbon
    ox, oy = layout.origin
    # One badge per page: 0.2 mm short, or rounding would push an empty page after it.
    badge_h = bh if layout.crop_marks else bh - 0.2
    return Geometry(
        page_w=pw,
        page_h=ph,
        badge_w=bw,
        badge_h=round(badge_h, 2),
        sheet=layout.crop_marks,
        landscape=layout.landscape,
        columns=layout.columns,
        lefts=tuple(round(ox + i * bw, 2) for i in range(layout.columns)),
        tops=tuple(round(oy + j * bh, 2) for j in range(layout.rows)),
        marks=_crop_marks_svg(layout),
        padding=style.padding,
        gap=gap,
        event_top=event_top,
        strip=round(event_top / 2, 2),
        header=style.header,
        event_pt=9 if bh > 80 else 7,
        names_w=round(names_w, 2),
        names_h=round(names_h - (0 if layout.crop_marks else 0.2), 2),
        org_gap=2.5 if bh > 80 else 1.2,
        qr=style.qr,
        ribbon=style.ribbon,
        role_pt=round(style.ribbon * 0.55 * 72 / 25.4, 1),
    )


_A6 = Style(7, 19, 12, 36, first=(48, 20), last=(22, 11), org=(13, 8.5))
STYLES = {
    "a6": _A6,
    "a6x4": _A6,
    "a7x8": Style(4, 10, 9, 28, first=(30, 14), last=(14, 8), org=(9, 7)),
    "durable-54x90": Style(3.5, 8, 7, 24, first=(26, 12), last=(12, 7.5), org=(8, 6.5)),
    "ql-62": Style(4, 13, 9, 26, first=(36, 16), last=(16, 9), org=(10, 7.5)),
}


def _crop_marks(layout: Layout) -> list[tuple[float, float, float, float]]:
    """Short hairlines (x1, y1, x2, y2 in mm) at every cut line of a sheet: outside the
    badges where the margin has room for them, otherwise from the paper's edge inwards."""
    if not layout.crop_marks:
        return []
    (pw, ph), (bw, bh) = layout.page, layout.badge
    ox, oy = layout.origin
    length, gap = 5.0, 1.5
    marks = []
    xs = [ox + i * bw for i in range(layout.columns + 1)]
    ys = [oy + j * bh for j in range(layout.rows + 1)]
    outside_y = oy >= length + gap
    outside_x = ox >= length + gap
    if not outside_y:  # a cut along the paper's edge needs no mark
        xs = [x for x in xs if 1 < x < pw - 1]
    if not outside_x:
        ys = [y for y in ys if 1 < y < ph - 1]
    for x in xs:  # vertical cuts: marks above and below the grid
        for top in (
            (oy - gap - length, oy + layout.rows * bh + gap) if outside_y else (0, ph - length)
        ):
            marks.append((x, top, x, top + length))
    for y in ys:  # horizontal cuts: marks left and right of the grid
        for left in (
            (ox - gap - length, ox + layout.columns * bw + gap) if outside_x else (0, pw - length)
        ):
            marks.append((left, y, left + length, y))
    return marks


def _crop_marks_svg(layout: Layout) -> str:
    """The crop marks of a sheet as an SVG image of the whole page, as a data: URI: one
    image drawn on every sheet instead of a box per mark."""
    marks = _crop_marks(layout)
    if not marks:
        return ""
    pw, ph = layout.page
    lines = "".join(
        f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}"/>' for x1, y1, x2, y2 in marks
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{pw:g}mm" height="{ph:g}mm" '
        f'viewBox="0 0 {pw:g} {ph:g}"><g stroke="#000" stroke-width="0.2">{lines}</g></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def badges_document(html: str):
    from weasyprint import HTML

    with rendering() as renderer:
        # No shared stylesheet: the badge template carries its own, sized to the layout.
        return HTML(string=html, base_url=None, url_fetcher=renderer.fetcher).render(
            font_config=renderer.fonts
        )


@cache
def _environment() -> Environment:
    # The badge template needs no request, app or translations: everything it prints is
    # on the Badge. Autoescaped like the app's own templates.
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
