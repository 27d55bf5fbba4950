"""Payment reminders (betalningspåminnelser) for invoices not paid by their due date.

The worker runs send_due_reminders() every round. An invoice still owing money gets its
first reminder the event's `invoice_reminder_days` after its due date, and a second as
many days after the first, each with the invoice PDF, what is still owed and the OCR
reference; after the second it is listed for the organizer (overdue()). Never for an
order that is paid, cancelled or fully credited. Each step is claimed by a conditional
UPDATE of `reminders_sent` in the transaction that queues its mail, so of several
workers exactly one sends it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from ...database import unit_of_work
from ...extensions import db
from ...models import Event, Invoice, Order, OrderStatus, utcnow
from ...models.billing import DocumentKind
from ..mail import Attachment, queue_mail
from ..payments.core import still_owed
from ..tickets.order_mail import order_url

REMINDERS = 2  # then a person takes over


def _today(event: Event, now: datetime) -> date:
    return now.astimezone(event.tz).date()


def due_on(invoice: Invoice, event: Event) -> date | None:
    """The day the invoice's next reminder is due; None when both were sent."""
    days = timedelta(days=event.invoice_reminder_days)
    if invoice.reminders_sent == 0:
        return invoice.due_on + days
    if invoice.reminders_sent < REMINDERS and invoice.reminded_at is not None:
        return _today(event, invoice.reminded_at) + days
    return None


def _candidates(now: datetime) -> list[Invoice]:
    """Invoices of invoiced orders past their due date with a reminder left to send
    (the day is checked per event, in its own time zone)."""
    return list(
        db.session.scalars(
            select(Invoice)
            .join(Order, Order.id == Invoice.order_id)
            .where(
                Invoice.kind == DocumentKind.INVOICE,
                Order.status == OrderStatus.INVOICED,
                Invoice.reminders_sent < REMINDERS,
                Invoice.due_on <= now.date() + timedelta(days=1),
            )
            .order_by(Invoice.id)
        )
    )


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue every reminder that is due; returns how many were queued."""
    now = now or utcnow()
    sent = 0
    for invoice_id in [i.id for i in _candidates(now)]:
        with unit_of_work():
            invoice = db.session.get(Invoice, invoice_id, populate_existing=True)
            order = invoice.order
            db.session.refresh(order)
            step = invoice.reminders_sent
            when = due_on(invoice, order.event)
            if when is None or _today(order.event, now) < when:
                continue
            if order.status is not OrderStatus.INVOICED or still_owed(order) <= 0:
                continue
            claimed = db.session.execute(
                update(Invoice)
                .where(Invoice.id == invoice.id, Invoice.reminders_sent == step)
                .values(reminders_sent=step + 1, reminded_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed:
                payment_reminder(invoice, order, step + 1, now)
                sent += 1
    return sent


def payment_reminder(invoice: Invoice, order: Order, number: int, now: datetime) -> None:
    """The reminder mail: the invoice PDF attached, what is still owed, where to pay and
    the OCR reference, in the invoice's language, to whom it was sent."""
    to = invoice.buyer_email or order.buyer_email
    if not to:
        return
    queue_mail(
        to,
        "invoice_reminder",
        subject=lambda: (
            _("Reminder: invoice %(number)s", number=invoice.number)
            if number == 1
            else _("Second reminder: invoice %(number)s", number=invoice.number)
        ),
        locale=invoice.locale or order.locale,
        attachments=[Attachment.pdf(f"faktura-{invoice.number}.pdf", f"billing:{invoice.id}")],
        invoice=invoice,
        order=order,
        event=order.event,
        number=number,
        owed=still_owed(order),
        link=order_url(order),
    )


@dataclass
class Overdue:
    invoice: Invoice
    owed: int
    days_late: int


def overdue(event: Event, now: datetime | None = None) -> list[Overdue]:
    """The event's unpaid invoices past their due date, those reminded twice first."""
    now = now or utcnow()
    today = _today(event, now)
    invoices = db.session.scalars(
        select(Invoice)
        .join(Order, Order.id == Invoice.order_id)
        .where(
            Order.event_id == event.id,
            Invoice.kind == DocumentKind.INVOICE,
            Order.status == OrderStatus.INVOICED,
            Invoice.due_on < today,
        )
        .order_by(Invoice.reminders_sent.desc(), Invoice.due_on, Invoice.id)
    ).all()
    found = []
    for invoice in invoices:
        owed = still_owed(invoice.order)
        if owed > 0:
            found.append(Overdue(invoice, owed, (today - invoice.due_on).days))
    return found
