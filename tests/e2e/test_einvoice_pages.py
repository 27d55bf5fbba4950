"""Issue 18.1 in a real browser, on a phone: the buyer's order page lists the invoice
and its credit note with their PDFs and e-invoices, the organizer's order page shows
how the sending to the access point went (one sent, one refused), both without serious
accessibility faults (screenshots in test-artifacts/e2e/<test>/)."""

import pytest

from summit.models import Role
from summit.services.billing import delivery
from summit.services.tickets import self_service
from tests import einvoice_world, fake_access_point
from tests.conftest import PASSWORD
from tests.e2e.axe import serious_violations
from tests.e2e.conftest import sign_in_with_password

pytestmark = pytest.mark.e2e


def test_the_documents_on_the_order_pages_on_a_phone(app, db, make_event, make_user, grant, phone):
    event = einvoice_world.summit(make_event)
    regular, _student, dinner = einvoice_world.sale(event)
    order = einvoice_world.bought_on_invoice(event, {regular: 2}, "ALLA10", ((1,), dinner))
    self_service.cancel_ticket(order.tickets[0], einvoice_world.BEFORE)
    with fake_access_point.running(app) as fake:
        delivery.deliver_pending(limit=1, max_batches=1)  # the invoice goes through
        fake.refuse(400, "Receiver 0007:2321000255 does not take credit notes.")
        delivery.deliver_pending()
    grant(make_user("org@example.org"), event, Role.ORGANIZER)
    token, reference = order.token, order.reference

    buyer = phone.new_page()
    buyer.goto(f"/events/summit2027/orders/{token}/")
    documents = buyer.locator("#documents + p + ul")
    assert documents.locator("li").count() == 2
    assert documents.get_by_role("link", name="E-faktura (XML) Kreditfaktura 2").is_visible()
    phone.screenshot(buyer, "buyer-documents")
    assert serious_violations(buyer) == []

    organizer = phone.new_page()
    sign_in_with_password(organizer, "org@example.org", PASSWORD)
    organizer.goto(f"/manage/events/summit2027/orders/{reference}#documents")
    first, second = organizer.locator(".document-1"), organizer.locator(".document-2")
    assert "Skickat" in first.inner_text() and "msg-1" in first.inner_text()
    assert "does not take credit notes" in second.inner_text()
    assert second.get_by_role("button", name="Skicka igen Kreditfaktura 2").is_visible()
    organizer.locator("#documents").scroll_into_view_if_needed()
    phone.screenshot(organizer, "organizer-documents")
    assert serious_violations(organizer) == []
    assert phone.console_errors == []
