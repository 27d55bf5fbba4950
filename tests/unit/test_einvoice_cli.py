"""`flask invoices peppol SLUG --out DIR` (issue 18.1, acceptance 1): the demo summit's
invoices and their credit notes (one ticket of one order cancelled) written one file
each, every one passing the official rules; a wrong slug refused."""

from sqlalchemy import select

from summit.models import Event, Invoice, Order, OrderStatus
from summit.services import billing
from summit.services.tickets import self_service
from tests.peppol import fatal_errors


def test_the_demo_summits_invoices_and_credit_notes_are_written_and_valid(app, db, demo, tmp_path):
    summit = db.session.scalar(select(Event).where(Event.slug == "summit2027"))
    invoiced = db.session.scalars(
        select(Order)
        .where(Order.event_id == summit.id, Order.status == OrderStatus.INVOICED)
        .order_by(Order.id)
    )
    # The demo has one ticket of one invoice cancelled by an organizer (a credit note);
    # an attendee cancels one more, not checked in at the demo's door, within the policy.
    order, ticket = next(
        (o, t) for o in invoiced for t in o.valid_tickets if self_service.terms(t).may_cancel
    )
    self_service.cancel_ticket(ticket)
    documents = db.session.scalars(
        select(Invoice).join(Order).where(Order.event_id == summit.id)
    ).all()
    numbers = [d.number for d in documents]
    notes = {d.number for d in documents if d.is_credit_note}
    assert len(notes) == 2
    assert any(d.is_credit_note for d in billing.documents_of(order))

    result = app.test_cli_runner().invoke(
        args=["invoices", "peppol", "summit2027", "--out", str(tmp_path / "out")]
    )

    assert result.exit_code == 0, result.output
    assert f"{len(numbers)} e-invoices of summit2027 written" in result.output
    expected = {f"kreditfaktura-{n}.xml" if n in notes else f"faktura-{n}.xml" for n in numbers}
    written = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert set(written) == expected and len(expected) > 10
    failing = {name: fatal_errors(xml) for name, xml in written.items()}
    assert {name: errors for name, errors in failing.items() if errors} == {}


def test_an_unknown_or_missing_slug_is_refused(app, db, tmp_path):
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["invoices", "peppol", "nope", "--out", str(tmp_path)])
    assert unknown.exit_code != 0 and "no event 'nope'" in unknown.output
    missing = runner.invoke(args=["invoices", "peppol", "--out", str(tmp_path)])
    assert missing.exit_code != 0 and "Missing argument 'SLUG'" in missing.output
    assert list(tmp_path.iterdir()) == []
