"""Sending e-invoices through the access point: queued with the document, sent by the
worker, retried with backoff, never twice.

An invoice or credit note issued to an organisation (a Swedish organisation number, its
Peppol id) is queued in the unit of work that issues it, so it is sent exactly when it
exists. Workers claim due deliveries as the mail outbox claims messages (services/
leases.py: a lease and a claim token set by a conditional UPDATE), so one delivery is
only ever held by one worker. The e-invoice is made from the document's snapshot when it
is sent; nothing is held open while the access point is talking.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from ...database import end_reads, unit_of_work
from ...extensions import db
from ...models import DeliveryState, EinvoiceDelivery, Invoice, Order, utcnow
from .. import leases
from ..outbox import backoff
from . import access_point, issue, peppol

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)


def queue(document: Invoice) -> EinvoiceDelivery | None:
    """Queue the document for its buyer's access point, in the caller's unit of work;
    None when the buyer has no organisation number to send it to."""
    receiver = peppol.participant(document.buyer_org_number)
    if not receiver:
        return None
    delivery = EinvoiceDelivery(invoice=document, receiver=receiver)
    db.session.add(delivery)
    return delivery


def deliveries_of(order: Order) -> dict[int, EinvoiceDelivery]:
    """The order's deliveries by the id of their document."""
    rows = db.session.scalars(
        select(EinvoiceDelivery)
        .join(Invoice, Invoice.id == EinvoiceDelivery.invoice_id)
        .where(Invoice.order_id == order.id)
    )
    return {row.invoice_id: row for row in rows}


def forget_receivers(order: Order) -> None:
    """The buyer of the order is forgotten (a sole trader's organisation number is a
    personal number): their Peppol id goes from its deliveries, and what was not sent
    yet is not sent, in the caller's unit of work."""
    for delivery in deliveries_of(order).values():
        delivery.receiver = ""
        if delivery.state is DeliveryState.QUEUED:
            delivery.state = DeliveryState.FAILED
            delivery.last_error = "The buyer's details were erased before it was sent."


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _due(now: datetime):
    return (
        EinvoiceDelivery.state == DeliveryState.QUEUED,
        EinvoiceDelivery.next_attempt_at <= now,
        or_(EinvoiceDelivery.locked_until.is_(None), EinvoiceDelivery.locked_until < now),
    )


def claim_batch(limit: int = 20, lease: timedelta = LEASE) -> list[tuple[int, str]]:
    """Take up to `limit` due deliveries for this worker: (id, claim token) of each."""
    order = (EinvoiceDelivery.next_attempt_at, EinvoiceDelivery.id)
    token = leases.claim(EinvoiceDelivery, _due, order, limit, lease)
    if token is None:
        return []
    claimed = db.session.scalars(
        select(EinvoiceDelivery.id)
        .where(EinvoiceDelivery.claim_token == token)
        .order_by(EinvoiceDelivery.id)
    ).all()
    return [(delivery_id, token) for delivery_id in claimed]


@dataclass(frozen=True)
class _Outgoing:
    """A claimed delivery as it is sent, read once right after the claim."""

    id: int
    claim_token: str
    attempts: int
    lease_ends: datetime
    receiver: str
    sender: str
    number: int
    xml: bytes | None
    error: str = ""


def _prepare(delivery_id: int, token: str) -> _Outgoing:
    delivery = db.session.get(EinvoiceDelivery, delivery_id)
    document = delivery.invoice
    sender = peppol.participant(document.seller_org_number or issue.seller().org_number)
    try:
        xml, error = peppol.ubl(document), ""  # the PDF inside is made once and kept
    except Exception as exc:
        # A document that cannot be written as an e-invoice never will be.
        log.exception("E-invoice %s cannot be made", document.number)
        xml, error = None, f"Cannot make the e-invoice: {exc}"
    delivery = db.session.get(EinvoiceDelivery, delivery_id)  # a PDF made meanwhile commits
    return _Outgoing(
        delivery.id,
        token,
        delivery.attempts,
        delivery.locked_until,
        delivery.receiver,
        sender,
        document.number,
        xml,
        error,
    )


def _write(outgoing: _Outgoing, **values) -> None:
    """Update a delivery we still hold, in its own unit of work."""
    leases.write_held(EinvoiceDelivery, outgoing.id, outgoing.claim_token, **values)


def _failed(outgoing: _Outgoing, error: str, permanent: bool) -> DeliveryState:
    attempts = outgoing.attempts + 1
    give_up = permanent or attempts >= current_app.config.get("EINVOICE_MAX_ATTEMPTS", 10)
    state = DeliveryState.FAILED if give_up else DeliveryState.QUEUED
    _write(
        outgoing,
        state=state,
        attempts=attempts,
        next_attempt_at=utcnow() + backoff(attempts),
        last_error=error[:2000],
    )
    return state


def deliver_pending(
    point: access_point.AccessPoint | None = None,
    limit: int = 20,
    max_batches: int | None = None,
    lease: timedelta = LEASE,
) -> DeliveryReport:
    """Send every due e-invoice once, through `point` (default: the configured one).

    A worker begins no send once half of its lease on a batch is gone, so a slow access
    point cannot make the lease run out and hand a delivery to a second worker while
    the first is still sending it."""
    point = point or access_point.configured()
    report = DeliveryReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        claimed = claim_batch(limit, lease)
        if not claimed:
            break
        batches += 1
        for index, (delivery_id, token) in enumerate(claimed):
            outgoing = _prepare(delivery_id, token)
            end_reads()  # nothing stays open while the access point talks
            if utcnow() > outgoing.lease_ends - lease / 2:
                for rest_id, rest_token in claimed[index:]:  # given back untried
                    leases.write_held(EinvoiceDelivery, rest_id, rest_token)
                return report
            _send(point, outgoing, report)
    return report


def _send(point, outgoing: _Outgoing, report: DeliveryReport) -> None:
    if outgoing.xml is None:
        report.errors.append(outgoing.error)
        _count(report, _failed(outgoing, outgoing.error, permanent=True))
        return
    try:
        reference = point.deliver(outgoing.xml, outgoing.receiver, outgoing.sender, outgoing.number)
    except access_point.AccessPointError as error:
        log.warning("E-invoice %s not delivered: %s", outgoing.number, error)
        report.errors.append(str(error))
        _count(report, _failed(outgoing, str(error), error.permanent))
        return
    _write(
        outgoing,
        state=DeliveryState.SENT,
        attempts=outgoing.attempts + 1,
        sent_at=utcnow(),
        reference=(reference or "")[:300],
        last_error=None,
    )
    report.sent += 1
    log.info("E-invoice %s delivered to %s", outgoing.number, outgoing.receiver)


def _count(report: DeliveryReport, state: DeliveryState) -> None:
    if state is DeliveryState.FAILED:
        report.failed += 1
    else:
        report.retried += 1


def send_again(delivery: EinvoiceDelivery) -> None:
    """An organizer asks for another try of a failed delivery: a fresh round of attempts
    (the last error stays shown until one succeeds)."""
    with unit_of_work():
        db.session.execute(
            update(EinvoiceDelivery)
            .where(
                EinvoiceDelivery.id == delivery.id,
                EinvoiceDelivery.state == DeliveryState.FAILED,
            )
            .values(
                state=DeliveryState.QUEUED,
                attempts=0,
                next_attempt_at=utcnow(),
                locked_until=None,
                claim_token=None,
            )
            .execution_options(synchronize_session=False)
        )
