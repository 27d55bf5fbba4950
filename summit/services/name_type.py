"""Names set so that no word is broken: type sizes measured with the font that prints them.

A printed badge cannot be fixed at the door, so "Mohamme / d" must never happen. The
size of a name is chosen from the advance widths of the very font WeasyPrint draws it
with (asked of Pango with the documents' font list, read with fontTools), so the longest
word fits its line. Only a word wider than its line at the smallest size (MIN_PT) may
wrap, and then hyphenated: soft hyphens are put in, and WeasyPrint draws a hyphen at the
break. A word with a place the line breaker would break at anyway ("Öberg-Lindqvist",
"</script>") is kept whole in a no-wrap span.
"""

import io
import unicodedata
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup, escape

# The documents' font list (badges.html, documents.css), bold as names are printed.
FAMILIES = "Liberation Sans,DejaVu Sans,Arial,Helvetica,sans-serif"
MIN_PT = 7.0  # still legible up close; below this a word wraps, hyphenated
PT_MM = 25.4 / 72
# Kerning, shaping and rounding in the renderer: a word is given this much less room
# than its line, so a measured fit is a fit on paper.
SLACK = 0.97
SOFT_HYPHEN = "\u00ad"
NO_WRAP_CLASS = "w"  # the documents' CSS: .w { white-space: nowrap }


@dataclass(frozen=True)
class SetName:
    """A text set to fit: its size in points, its HTML (escaped, words kept whole) and
    how many lines it takes."""

    pt: float
    html: Markup
    lines: int = 1


def fit_name(
    text: str, width_mm: float, largest: float, smallest: float, *, bold: bool = True
) -> SetName:
    """`text` set for lines `width_mm` wide: on one line at the largest size up to
    `largest` pt if that is at least `smallest`; else wrapped between words at
    `smallest`, or smaller until its longest word fits (never below MIN_PT, or
    `smallest` if that is lower). Sizes are rounded down to half points. A word that
    does not fit even then gets soft hyphens, so it wraps with a printed hyphen."""
    words = text.split()
    floor = min(MIN_PT, smallest)
    if not words:
        return SetName(_half_down(largest), Markup(""), 0)
    room = width_mm * SLACK
    one_line = room / (em_width(" ".join(words), bold) * PT_MM)
    if one_line >= smallest:
        size = min(largest, one_line)
    else:
        longest = max(em_width(word, bold) for word in words)
        size = max(min(smallest, room / (longest * PT_MM)), floor)
    pt = max(_half_down(size), floor)
    room_em = room / (pt * PT_MM)
    return SetName(pt, _markup(words, room_em, bold), line_count(words, room_em, bold))


def line_count(words: list[str], room_em: float, bold: bool = True) -> int:
    """The lines `words` take on lines `room_em` wide, broken between words as the
    renderer breaks them (a word too long for a line takes as many as it needs)."""
    space = em_width(" ", bold)
    lines, used = 0, None
    for word in words:
        width = em_width(word, bold)
        if used is not None and used + space + width <= room_em:
            used += space + width
            continue
        whole = max(1, -int(-width // room_em))  # lines the word needs by itself
        lines += whole
        used = width - (whole - 1) * room_em
    return lines


def _half_down(pt: float) -> float:
    return int(pt * 2) / 2


def _markup(words: list[str], room_em: float, bold: bool) -> Markup:
    parts = []
    for word in words:
        if em_width(word, bold) > room_em:
            parts.append(escape(_hyphenate(word, room_em, bold)))
        elif _breakable(word):
            parts.append(Markup('<span class="%s">%s</span>') % (NO_WRAP_CLASS, word))
        else:
            parts.append(escape(word))
    return Markup(" ").join(parts)


def _breakable(word: str) -> bool:
    """Whether the line breaker could break inside `word`: anything but letters and
    their accents (hyphens, slashes, brackets), or ideographs, which break anywhere."""
    for char in word:
        if unicodedata.east_asian_width(char) in "WF":
            return True
        if not (char.isalpha() or unicodedata.category(char).startswith("M")):
            return True
    return False


def _hyphenate(word: str, room_em: float, bold: bool) -> str:
    """`word` with soft hyphens where it may break: at its syllables (Swedish rules),
    and wherever a stretch between two of them, with its hyphen, would not fit."""
    places = set(_syllables().positions(word))
    hyphen = em_width("\u2010", bold)
    breaks, start = set(places), 0
    for end in range(1, len(word) + 1):
        if end - 1 > start and em_width(word[start:end], bold) + hyphen > room_em:
            # From the last break to here does not fit: break at the last syllable
            # before here, or, without one, just before this character.
            start = max((p for p in places if start < p < end), default=end - 1)
            breaks.add(start)
    cuts = [0, *sorted(breaks), len(word)]
    return SOFT_HYPHEN.join(word[a:b] for a, b in zip(cuts, cuts[1:], strict=False))


@cache
def _syllables():
    import pyphen

    return pyphen.Pyphen(lang="sv")


def em_width(text: str, bold: bool = True) -> float:
    """The advance width of `text` in ems of the documents' font; characters the font
    lacks (another font draws them) count as a full em."""
    widths = _advances(bold)
    return sum(widths.get(ord(char), 1.0) for char in text)


@cache
def _advances(bold: bool) -> dict[int, float]:
    """Each character's advance in ems, in the font Pango picks for the documents' font
    list, read from the font file itself. Made once per process."""
    from .pdf import rendering

    with rendering() as renderer:
        return _advances_in(renderer.fonts.font_map, bold)


def _advances_in(font_map, bold: bool) -> dict[int, float]:
    from fontTools.ttLib import TTFont
    from weasyprint.text.ffi import TO_UNITS, ffi, gobject, harfbuzz, pango
    from weasyprint.text.fonts import get_hb_object_data, get_pango_font_hb_face

    context = pango.pango_font_map_create_context(font_map)
    description = pango.pango_font_description_new()
    try:
        pango.pango_font_description_set_family(description, FAMILIES.encode())
        pango.pango_font_description_set_weight(description, 700 if bold else 400)
        pango.pango_font_description_set_absolute_size(description, 12 * TO_UNITS)
        font = pango.pango_font_map_load_font(font_map, context, description)
        if font == ffi.NULL:
            return {}
        face = get_pango_font_hb_face(font)
        data = get_hb_object_data(face)
        index = harfbuzz.hb_face_get_index(face)
        gobject.g_object_unref(font)
    finally:
        pango.pango_font_description_free(description)
        gobject.g_object_unref(context)
    if not data:
        return {}
    ttfont = TTFont(io.BytesIO(data), fontNumber=index, lazy=True)
    units = ttfont["head"].unitsPerEm
    metrics = ttfont["hmtx"].metrics
    return {
        code: metrics[glyph][0] / units
        for code, glyph in ttfont.getBestCmap().items()
        if glyph in metrics
    }
