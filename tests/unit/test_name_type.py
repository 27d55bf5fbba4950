"""Names set to fit with the printing font's own measures: sizes, words kept whole, and
hyphenation only for a word too long for any size; on tickets as printed."""

import pytest

from summit.services.name_type import MIN_PT, em_width, fit_name
from summit.services.tickets import documents
from tests import pdf
from tests.unit.test_documents import make_order  # noqa: F401  (fixture)


def test_the_font_is_measured_not_guessed():
    # Wide and narrow letters differ in the font; a count of characters cannot tell.
    assert em_width("WWWW") > 2 * em_width("iiii")
    assert em_width("Mohammed") > 8 * 0.62  # wider than the old 0.62 em estimate


def test_a_word_that_fits_is_set_as_large_as_fits():
    word = fit_name("Mohammed", 91, 48, 20)
    assert word.html == "Mohammed"
    assert 20 <= word.pt < 48
    assert em_width("Mohammed") * word.pt * 25.4 / 72 <= 91


def test_words_that_could_break_at_a_hyphen_or_slash_are_held_whole():
    name = fit_name("Anna-Lena Öberg Lindqvist </script>", 40, 16, 9)
    assert '<span class="w">Anna-Lena</span>' in name.html
    assert '<span class="w">&lt;/script&gt;</span>' in name.html
    assert " Öberg Lindqvist " in name.html


@pytest.mark.parametrize("width", [20, 40])
def test_only_a_word_too_long_at_the_smallest_size_gets_soft_hyphens(width):
    endless = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaft"
    name = fit_name(f"Per {endless}", width, 16, 9)
    assert name.pt == MIN_PT
    assert name.html.startswith("Per ") and "\u00ad" in name.html
    room = width * 0.97 / (MIN_PT * 25.4 / 72)
    for piece in name.html.removeprefix("Per ").split("\u00ad"):
        assert em_width(piece + "\u2010") <= room  # every piece fits with its hyphen


def test_names_on_a_ticket_are_never_broken_inside_a_word(make_order):  # noqa: F811
    name = "Mohammed Ängströmsdottir-Kristoffersson Wolfeschlegelsteinhausen"
    organisation = "Riksförbundet för Äldres Ålderdomshem och Östgötsk Samverkan i Skåne"
    order = make_order(lines=[(150000, 25, name)], organisation=organisation)

    data = documents.render_document(f"ticket:{order.tickets[0].id}")

    assert pdf.page_count(data) == 1
    words = pdf.text(data).split()
    for word in (name + " " + organisation).split():
        assert word in words
