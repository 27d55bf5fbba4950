"""Every PDF the system makes is a tagged, accessible PDF/UA-1 file, read back as a
validator and a screen reader would: the PDF/UA identification in its XMP metadata
(pdfuaid:part 1), MarkInfo/Marked, a title shown as the window title, the language, and
a structure tree with real headings, tables with header cells, and every image a
Figure with alt text. Badge runs rendered on several processes and joined keep every
badge's structure, tied to its page."""

from datetime import datetime

import pytest

from summit.models import OrderStatus
from summit.services import branding
from summit.services.badges import render
from summit.services.badges.printing import badges_for
from summit.services.certificates import document, issuing
from summit.services.tickets import documents
from tests.certificates_world import LONG_NAME, checked_in, paid_order
from tests.images import image_bytes
from tests.pdf import page_count, structure_problems, tagged
from tests.published_world import published_summit
from tests.unit.test_documents import invoiced_order, make_order  # noqa: F401 (fixtures)


def assert_pdf_ua(pdf: bytes, lang: str, title_has: str, figures: int = 0, tables=False):
    found = tagged(pdf)
    assert found.ua_part == "1"
    assert found.marked
    assert found.display_title
    assert found.lang == lang
    assert title_has in found.title
    assert found.roles[0] == "Document"
    assert "H1" in found.roles, found.roles
    assert len(found.figures) >= figures
    assert all(alt and alt.strip() for alt in found.figures), found.figures
    if tables:
        assert {"Table", "TR", "TH", "TD"} <= set(found.roles)
    assert structure_problems(pdf) == []
    return found


@pytest.fixture
def branded(db, make_order):  # noqa: F811
    order = make_order(lines=((150000, 25, LONG_NAME), (150000, 25, "Kim Ängström")))
    branding.save_branding(order.event, "#0b5a5a", logo=image_bytes("PNG", (300, 100)))
    return order


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_tickets_are_pdf_ua(db, branded, lang):
    branded.locale = lang
    db.session.commit()
    one = assert_pdf_ua(documents.ticket_pdf(branded.tickets[0]), lang, branded.reference, 2)
    # The logo and the QR code, each described.
    words = {"sv": ("Logotyp", "QR-kod"), "en": ("Logo", "QR code")}[lang]
    assert [alt.split()[0] for alt in one.figures] == [w.split()[0] for w in words]
    both = assert_pdf_ua(documents.tickets_pdf(branded), lang, branded.reference, 4)
    assert both.count("H1") == 2


def test_receipts_and_invoices_are_pdf_ua_with_table_headers(db, make_order, invoiced_order):  # noqa: F811
    receipt = make_order()
    assert_pdf_ua(documents.receipt_pdf(receipt), "sv", receipt.reference, tables=True)
    invoice = assert_pdf_ua(documents.invoice_pdf(invoiced_order), "sv", "1042", tables=True)
    assert invoice.count("TH") >= 4


def test_badges_are_pdf_ua_in_their_language(db, branded):
    one = assert_pdf_ua(
        render.render_badges(badges_for([branded.tickets[0]], "en"), "a6"), "en", "Name badges", 1
    )
    assert one.figures == ["QR code for entry"]
    sheet = assert_pdf_ua(
        render.render_badges(badges_for(branded.tickets, "sv"), "a6x4"), "sv", "Namnbrickor", 2
    )
    assert sheet.count("H1") == 2
    assert set(sheet.figures) == {"QR-kod för insläpp"}


def test_a_badge_run_joined_from_several_processes_keeps_every_badge_tagged(
    db, branded, monkeypatch
):
    monkeypatch.setattr(render, "PARALLEL_FROM", 10)
    monkeypatch.setattr(render, "SMALLEST_CHUNK", 4)
    monkeypatch.setattr(render, "CHUNK", 8)
    badges = badges_for(branded.tickets, "sv") * 12  # 24 badges in several chunks
    assert len(render._chunks(badges, 1)) > 2
    pdf = render.render_badges(badges, "a6")
    assert page_count(pdf) == 24
    joined = assert_pdf_ua(pdf, "sv", "Namnbrickor", 24)
    assert joined.count("H1") == 24


def test_the_structure_check_finds_a_page_cut_off_from_its_marks(db, branded):
    import io

    import pikepdf

    pdf = render.render_badges(badges_for(branded.tickets, "sv"), "a6")
    with pikepdf.open(io.BytesIO(pdf)) as broken:
        broken.pages[1].obj.StructParents = 0  # page 2 claims page 1's marks
        out = io.BytesIO()
        broken.save(out)
    assert structure_problems(out.getvalue()) == ["page 2: an element of another page"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_certificates_are_pdf_ua(db, make_event, make_ticket_type, make_user, lang):
    event = make_event(name_sv="Mötesplats 2027", name_en="Summit 2027")
    branding.save_branding(event, "#8c1d18", logo=image_bytes("PNG", (300, 100)))
    order = paid_order(event, make_ticket_type(event), [(LONG_NAME, "asa@malmo.se")])
    checked_in(order.tickets[0], datetime(2027, 5, 18, 9, 0))
    attendance = issuing.issue_attendance(order.tickets[0])
    found = assert_pdf_ua(document.certificate_pdf(attendance, lang), lang, LONG_NAME, 2)
    assert found.count("H2") == 1 and "L" in found.roles  # the event, the list of days
    speaker = published_summit(event, make_user)["asa"]
    presentation = issuing.issue_presentation(event, speaker)
    found = assert_pdf_ua(
        document.certificate_pdf(presentation, lang), lang, "Åsa Öberg", 2, tables=True
    )
    assert found.count("TH") == 2
    assert order.status is OrderStatus.PAID
