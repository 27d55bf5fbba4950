"""Badges as PDFs, read as a printer and a door scanner read them: page sizes from the
PDF itself, every QR code decoded from the rendered pages, and the text pulled out."""

import secrets

import pytest

from summit.services.badges.render import LAYOUTS, Badge, render_badges
from tests import pdf

LONG_FIRST = "Åsa-Märta-Öjvor"
LONG_LAST = "Ödegaard-Ståhlbrandt von Ängelholm Lindqvist"  # 60 with the first name
LONG_ORG = "Riksförbundet för Äldres Ålderdomshem och Östgötsk Samverkan i Skåne ekonomisk f"
PAGE = {
    "a6": (105.0, 148.0),
    "a6x4": (210.0, 297.0),
    "a7x8": (210.0, 297.0),
    "durable-54x90": (210.0, 297.0),
    "ql-62": (62.0, 100.0),
}
PER_PAGE = {"a6": 1, "a6x4": 4, "a7x8": 8, "durable-54x90": 10, "ql-62": 1}


def make_badges(count: int) -> list[Badge]:
    roles = ["deltagare", "talare", "arrangör", "press", "personal"]
    people = [
        Badge(
            first_name=f"Anna{i}",
            last_name="Andersson",
            organisation="Mötesplats Social Innovation",
            role=roles[i % len(roles)],
            role_label=roles[i % len(roles)].capitalize(),
            event_name="Mötesplats Social Innovation 2027",
            event_dates="18–20 maj 2027",
            secret=secrets.token_urlsafe(32),
        )
        for i in range(count - 1)
    ]
    people.insert(
        count // 2,
        Badge(
            LONG_FIRST, LONG_LAST, LONG_ORG, "talare", "Talare", "MSI", "18–20 maj 2027", "long-x"
        ),
    )
    return people


def test_the_long_name_is_sixty_and_the_organisation_eighty_characters():
    assert len(f"{LONG_FIRST} {LONG_LAST}") == 60
    assert len(LONG_ORG) == 80


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_layout_prints_right_sized_pages_with_scannable_codes(layout):
    people = make_badges(12)
    document = render_badges(people, layout)

    # As many pages as the badges need, no more: the long-name badge stays on its page.
    expected_pages = -(-len(people) // PER_PAGE[layout])
    assert pdf.page_count(document) == expected_pages
    width, height = PAGE[layout]
    for page_width, page_height in pdf.page_sizes_mm(document):
        assert abs(page_width - width) < 0.5 and abs(page_height - height) < 0.5

    codes = pdf.page_qr_codes(document)
    assert sorted(code for page in codes for code in page) == sorted(b.secret for b in people)
    if PER_PAGE[layout] == 1:  # each badge on its own page, in order
        assert codes == [[b.secret] for b in people]

    # Wrapped lines may split a word at a hyphen: compare without white space.
    text = pdf.text(document).replace(" ", "").casefold()
    for words in [LONG_FIRST, LONG_LAST, LONG_ORG, "Anna0 Andersson", "Talare"]:
        assert words.replace(" ", "").casefold() in text


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_code_of_a_hundred_badges_decodes_after_pdftoppm(layout):
    """Acceptance: 100 badges, the pages rendered by poppler, every QR code read by
    zxing-cpp gives back its own ticket's secret, on the right page."""
    people = make_badges(100)
    document = render_badges(people, layout)

    # As coarse as a camera may see it: at least three pixels per QR module.
    codes = pdf.pdftoppm_qr_codes(document, dpi=150 if PER_PAGE[layout] > 4 else 100)
    per_page = PER_PAGE[layout]
    assert len(codes) == -(-100 // per_page)
    for number, found in enumerate(codes):
        on_page = {b.secret for b in people[number * per_page : (number + 1) * per_page]}
        assert sorted(found) == sorted(on_page), f"page {number + 1}"


def test_long_names_stay_inside_their_badge():
    """Laid out by WeasyPrint: every line of the names ends inside the name block, which
    is inside the badge and clear of the QR code; the role ribbon ends inside the badge."""
    from summit.services.badges.render import LAYOUTS as layouts
    from summit.services.badges.render import badges_document, badges_html

    person = make_badges(2)[1]
    assert person.first_name == LONG_FIRST
    for name, layout in layouts.items():
        page = badges_document(badges_html([person], layout)).pages[0]
        badge, names, qr, role = (
            _find(page._page_box, css_class)[0] for css_class in ("badge", "names", "qr", "role")
        )
        right, bottom = _right(names), _bottom(names)
        lines = list(_lines(names))
        assert len(lines) >= 4, name  # the long names did wrap
        for line in lines:
            assert line.position_x + line.width <= right + 0.5, name
            assert line.position_y + line.height <= bottom + 0.5, name
        assert names.content_box_x() >= badge.content_box_x(), name
        assert right <= _right(badge) + 0.5 and bottom <= _bottom(badge) + 0.5, name
        if layout.landscape:  # the QR code beside the names
            assert right <= qr.content_box_x() + 0.5, name
        else:  # under them
            assert bottom <= qr.content_box_y() + 0.5, name
        assert _bottom(qr) <= role.content_box_y() + 0.5, name
        assert abs(_bottom(role) - _bottom(badge)) < 1, name  # the ribbon closes the badge


def _right(box):
    return box.content_box_x() + box.width


def _bottom(box):
    return box.content_box_y() + box.height


def _find(box, css_class):
    found = []
    classes = getattr(box, "element", None) is not None and box.element.get("class") or ""
    if css_class in classes.split() and getattr(box, "element_tag", "") != "html":
        found.append(box)
    for child in getattr(box, "children", []):
        found.extend(_find(child, css_class))
    return found


def _lines(box):
    from weasyprint.formatting_structure.boxes import LineBox

    for child in getattr(box, "children", []):
        if isinstance(child, LineBox):
            yield child
        else:
            yield from _lines(child)


# Names are never broken inside a word --------------------------------------------------

# Long single words: the type shrinks until each fits the badge's width on one line.
LONG_WORDS = [
    "Öberg-Lindqvist",
    "Mohammed",
    "Wolfeschlegelsteinhausen",
    "Ängströmsdottir-Kristoffersson",
]
# Longer than any badge is wide even at the smallest type: it may only wrap hyphenated.
ENDLESS = (
    "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessen"
    "schafewarenwohlgepflegeundsorgfaltigkeitbeschutzenvonangreifendurchihrraubgierig"
)
HYPHEN = "\u2010"  # what WeasyPrint draws at a hyphenated line end


def demo_people() -> list[tuple[str, str, str]]:
    """(first name, last name, organisation) covering every first name, every last name
    and every organisation of the demo (attendees are drawn from demo/sales.py's lists;
    organizers, reviewers and speakers are named in the other demo modules), and the
    long words, as first and as last names."""
    import summit.demo as demo
    import summit.demo.cfp as demo_cfp
    import summit.demo.cfp_texts as demo_cfp_texts
    import summit.demo.program_texts as demo_program_texts
    from summit.demo.sales import FIRST, LAST, ORGANISATIONS
    from summit.services.badges.printing import split_name

    named = set()

    def walk(value):  # every (email, "First Last", ...) in the demo's tables
        if isinstance(value, list | tuple):
            email, name = (list(value) + ["", ""])[:2]
            if isinstance(email, str) and "@" in email and isinstance(name, str) and " " in name:
                named.add(split_name(name))
            for item in value:
                walk(item)

    for module in (demo, demo_cfp, demo_cfp_texts, demo_program_texts):
        for name in dir(module):
            if name.isupper():
                walk(getattr(module, name))
    assert len(named) >= 10 and ("Per-Olof", "Nilsson") in named
    firsts = FIRST + [first for first, _ in sorted(named)] + LONG_WORDS
    lasts = LAST + [last for _, last in sorted(named)] + LONG_WORDS
    orgs = [org for org, _ in ORGANISATIONS] + [
        org for entry in demo_cfp_texts.ORGANISATIONS for org in entry[:1]
    ]
    count = max(len(firsts), len(lasts))
    people = [
        (firsts[i % len(firsts)], lasts[i % len(lasts)], orgs[i % len(orgs)]) for i in range(count)
    ]
    people += [(word, word, "") for word in LONG_WORDS]
    assert "Mohammed" in {first for first, _, _ in people}
    return people


def _badge(first, last, org, n):
    return Badge(
        first,
        last,
        org,
        "deltagare",
        "Deltagare",
        "Social Innovation Summit 2027",
        "18–20 maj 2027",
        f"secret-{n}",
    )


def _text_of(box) -> str:
    from weasyprint.formatting_structure.boxes import TextBox

    if isinstance(box, TextBox):
        return box.text
    return "".join(_text_of(child) for child in getattr(box, "children", []))


def _text_right(box) -> float:
    from weasyprint.formatting_structure.boxes import TextBox

    if isinstance(box, TextBox):
        return box.position_x + box.width
    return max((_text_right(child) for child in getattr(box, "children", [])), default=0)


def printed_lines(block) -> list[str]:
    """The lines of a laid-out block as printed, soft hyphens (never drawn) left out."""
    return [_text_of(line).replace("\u00ad", "").strip() for line in _lines(block)]


def rejoin(lines: list[str]) -> tuple[str, int]:
    """The text the lines print, read back: a line ending in a drawn hyphen continues
    the word on the next line; any other line ends a word. And how many hyphenated."""
    text, hyphenated = "", 0
    for line in lines:
        if line.endswith(HYPHEN):
            text, hyphenated = text + line[:-1], hyphenated + 1
        else:
            text += line + " "
    return text.strip(), hyphenated


def test_no_word_of_a_demo_name_is_broken_on_any_layout():
    """Acceptance: every demo name on every layout (a6 and ql-62 are also the arrival
    badge's), each layout one document, read from WeasyPrint's line boxes: each line
    of a name or organisation ends at the end of a word, unhyphenated, and inside the
    names block."""
    from summit.services.badges.render import badges_document, badges_html

    people = demo_people()
    badges = [_badge(first, last, org, n) for n, (first, last, org) in enumerate(people)]
    for name, layout in LAYOUTS.items():
        document = badges_document(badges_html(badges, layout))
        boxes = [box for page in document.pages for box in _find(page._page_box, "badge")]
        assert len(boxes) == len(badges), name
        for badge, box in zip(badges, boxes, strict=True):
            names = _find(box, "names")[0]
            right = names.content_box_x() + names.width
            printed = [(tag, block) for tag in ("h1", "h2") for block in _tags(names, tag)]
            printed += [("org", block) for block in _tags(names, "p")]
            wanted = {"h1": badge.first_name, "h2": badge.last_name, "org": badge.organisation}
            assert {tag for tag, _ in printed} == {t for t, v in wanted.items() if v}, name
            for tag, block in printed:
                lines = printed_lines(block)
                assert rejoin(lines) == (wanted[tag], 0), (name, tag, lines)
                if tag == "h1":  # a first name is one word: one line
                    assert len(lines) == 1, (name, lines)
                for line in _lines(block):
                    assert _text_right(line) <= right + 0.5, (name, tag, _text_of(line))


def test_a_name_too_long_for_any_badge_wraps_with_drawn_hyphens():
    from summit.services.badges.render import badges_document, badges_html

    badges = [_badge(ENDLESS, "Mohammed", "", 0), _badge("Mohammed", ENDLESS, "", 1)]
    for name, layout in LAYOUTS.items():
        document = badges_document(badges_html(badges, layout))
        boxes = [box for page in document.pages for box in _find(page._page_box, "badge")]
        for box, tag in zip(boxes, ("h1", "h2"), strict=True):
            names = _find(box, "names")[0]
            right = names.content_box_x() + names.width
            lines = printed_lines(_tags(names, tag)[0])
            text, hyphenated = rejoin(lines)
            assert text == ENDLESS and hyphenated == len(lines) - 1 >= 1, (name, lines)
            for line in _lines(_tags(names, tag)[0]):
                assert _text_right(line) <= right + 0.5, (name, _text_of(line))
        # The hyphen is really printed: a reader of the PDF finds it at the line ends.
        assert HYPHEN in pdf.text(document.write_pdf()), name


def _tags(box, tag):
    from weasyprint.formatting_structure.boxes import BlockBox

    found = []
    if isinstance(box, BlockBox) and box.element_tag == tag:
        found.append(box)
    for child in getattr(box, "children", []):
        found.extend(_tags(child, tag))
    return found


@pytest.mark.parametrize("layout", ["a6", "ql-62", "durable-54x90"])
def test_the_names_sit_in_the_middle_of_their_room(layout):
    """No bare stretch above or below: the names are centred between the event and
    the QR code (to a millimetre or two), however many lines they take."""
    from summit.services.badges.render import badges_document, badges_html

    people = [
        ("Mohammed", "Ängström", "Försäkringskassan"),
        ("Åsa", "Öberg-Lindqvist", ""),
        (LONG_FIRST, LONG_LAST, LONG_ORG),
    ]
    badges = [_badge(first, last, org, n) for n, (first, last, org) in enumerate(people)]
    document = badges_document(badges_html(badges, LAYOUTS[layout]))
    mm = 96 / 25.4  # CSS px
    for page in document.pages:
        for box in _find(page._page_box, "badge"):
            names = _find(box, "names")[0]
            top = names.position_y + names.border_top_width
            bottom = top + names.border_height() - names.border_top_width
            blocks = [child for child in names.children if child.children]
            above = blocks[0].position_y - top
            below = bottom - (blocks[-1].position_y + blocks[-1].margin_height())
            assert abs(above - below) < 2.5 * mm, (layout, above / mm, below / mm)
