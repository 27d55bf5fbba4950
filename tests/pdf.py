"""Reading our PDFs as people and scanners do: each page as an image, the QR codes a
scanner finds on it, the text a reader (or a screen reader) gets out of it, and its PDF/UA tags."""

import io
import math
import re
import shutil
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp

# 150 dpi: about what a phone camera sees of a printed ticket. PDF units are 1/72 in.
SCALE = 150 / 72


def page_count(pdf: bytes) -> int:
    with closing(pdfium.PdfDocument(pdf)) as document:
        return len(document)


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    with closing(pdfium.PdfDocument(pdf)) as document:
        return [
            (round(page.get_width() * 25.4 / 72, 1), round(page.get_height() * 25.4 / 72, 1))
            for page in document
        ]


def page_images(pdf: bytes, scale: float = SCALE) -> list:
    """Every page as a PIL image (RGB, white paper)."""
    with closing(pdfium.PdfDocument(pdf)) as document:
        return [page.render(scale=scale).to_pil().convert("RGB") for page in document]


def qr_codes(image, smallest_px: int = 40) -> list[str]:
    """The text of every QR code on an image, as a door scanner reads it. A "code" under
    `smallest_px` across is a decoder's false find in printed text (seen once in ~10^4
    badge pages: "7438" next to a real code); every code we print is far larger."""
    return [
        code.text
        for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        if _width(code.position) >= smallest_px
    ]


def _width(position) -> float:
    return math.dist(
        (position.top_left.x, position.top_left.y), (position.top_right.x, position.top_right.y)
    )


def page_qr_codes(pdf: bytes) -> list[list[str]]:
    """The QR codes on each page. A short code (a ticket's secret has 43 characters)
    counts only if it is read again with the pages at another resolution: the decoder's
    rare false finds in printed text ("7438", "71300") are not, a printed code is."""
    pages = [qr_codes(image) for image in page_images(pdf)]
    if any(len(code) < 20 for codes in pages for code in codes):
        again = [qr_codes(image) for image in page_images(pdf, scale=200 / 72)]
        pages = [
            [code for code in codes if len(code) >= 20 or code in other]
            for codes, other in zip(pages, again, strict=True)
        ]
    return pages


def pdftoppm_qr_codes(pdf: bytes, dpi: int = 150) -> list[list[str]]:
    """The QR codes on each page, the pages rendered by poppler's pdftoppm (another PDF
    renderer than the one above, as a print shop's RIP would be)."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm is missing: install the Debian package poppler-utils")
    from PIL import Image

    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            # Grey PGM: no PNG compression to spend time on.
            ["pdftoppm", "-r", str(dpi), "-gray", source, Path(directory) / "page"],
            check=True,
            timeout=300,
        )
        pages = sorted(Path(directory).glob("page-*.pgm"), key=lambda p: int(p.stem[5:]))
        codes = []
        for page in pages:
            with Image.open(page) as image:
                codes.append(qr_codes(image))
        return codes


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, with every run of white space (incl. no-break spaces, which
    Swedish number formats use) as one plain space."""
    texts = []
    with closing(pdfium.PdfDocument(pdf)) as document:
        for page in document:
            textpage = page.get_textpage()
            texts.append(normalize(textpage.get_text_range()))
            textpage.close()
    return texts


def text(pdf: bytes) -> str:
    return " ".join(page_texts(pdf))


def normalize(value: str) -> str:
    return re.sub(r"[\s\u00a0\u202f\u2009]+", " ", value).strip()


# PDF/UA: what a validator and a screen reader look for -----------------------------


@dataclass
class Tagged:
    """A PDF's accessibility as read back: the PDF/UA part its XMP claims, whether it
    says it is tagged (MarkInfo/Marked), its language and title, and its structure tree
    as (role, alt text) pairs in reading order, table headers and cells included."""

    ua_part: str | None
    marked: bool
    lang: str
    title: str
    display_title: bool
    elements: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def roles(self) -> list[str]:
        return [role for role, _alt in self.elements]

    def count(self, role: str) -> int:
        return self.roles.count(role)

    @property
    def figures(self) -> list[str | None]:
        """Each Figure's alt text (None where it has none)."""
        return [alt for role, alt in self.elements if role == "Figure"]

    @property
    def headings(self) -> list[str]:
        return [role for role in self.roles if re.fullmatch(r"H[1-6]?", role)]


def tagged(pdf: bytes) -> Tagged:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root
        with document.open_metadata() as xmp:
            ua_part = xmp.get("pdfuaid:part")
            title = xmp.get("dc:title") or ""
        mark = root.get("/MarkInfo")
        prefs = root.get("/ViewerPreferences")
        found = Tagged(
            ua_part=ua_part,
            marked=bool(mark is not None and mark.get("/Marked")),
            lang=str(root.get("/Lang", "")),
            title=str(document.docinfo.get("/Title", "")) or title,
            display_title=bool(prefs is not None and prefs.get("/DisplayDocTitle")),
        )
        tree = root.get("/StructTreeRoot")
        if tree is not None:
            _walk(tree.get("/K"), found.elements, set())
        return found


def _walk(node, out: list, seen: set) -> None:
    import pikepdf

    if isinstance(node, pikepdf.Array):
        for child in node:
            _walk(child, out, seen)
        return
    if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
        return  # a marked-content id or an object reference: content, not structure
    if node.is_indirect:
        if node.objgen in seen:
            return
        seen.add(node.objgen)
    alt = node.get("/Alt")
    out.append((str(node.S)[1:], str(alt) if alt is not None else None))
    _walk(node.get("/K"), out, seen)


def structure_problems(pdf: bytes) -> list[str]:
    """What ties a tagged PDF's marks to its structure and is broken: a page whose
    StructParents key has no parent-tree entry, an entry whose elements lie on another
    page, an element on a page the document does not have, a key used twice."""
    import pikepdf

    problems = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        entries = list(document.Root.StructTreeRoot.ParentTree.Nums)
        keys = [int(key) for key in entries[::2]]
        if len(keys) != len(set(keys)):
            problems.append("a parent-tree key is used twice")
        tree = dict(zip(keys, entries[1::2], strict=True))
        pages = {page.obj.objgen: number for number, page in enumerate(document.pages)}
        for number, page in enumerate(document.pages):
            key = page.obj.get("/StructParents")
            if key is None or int(key) not in tree:
                problems.append(f"page {number + 1}: no parent-tree entry")
                continue
            for element in tree[int(key)]:
                if pages.get(element.Pg.objgen) != number:
                    problems.append(f"page {number + 1}: an element of another page")
                    break
        for value in tree.values():
            for element in value if isinstance(value, pikepdf.Array) else [value]:
                if "/Pg" in element and element.Pg.objgen not in pages:
                    problems.append("an element on a page the document does not have")
    return problems
