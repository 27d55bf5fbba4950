"""Payments from the bank: a BgMax file read in, each payment matched to an invoice and
applied, and what needs a person listed until someone settles it.

Guarantees:
- A file that is not whole and consistent (bgmax.parse) changes nothing.
- The same file twice changes nothing (its SHA-256 is kept), and says so; a payment
  that comes in two files (its BGC serial number and date) is taken once.
- A file is taken in one unit of work, under the bank-file lock and the sales lock of
  every event whose invoice it pays: all of it or nothing.
- Matching: by the OCR reference (it must be an invoice's own, read back to its number);
  else by what the payer wrote (an invoice or order number) when the amount is exactly
  what that invoice still asks for. Paying what is owed pays the order; less is
  recorded and the rest still owed; more pays it and the surplus is to be paid back.
  Part, over and unmatched payments, deductions and payments to invoices that ask for
  nothing (credited, cancelled, already paid) wait for a person.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ...config import SELLER_DEFAULTS
from ...database import unit_of_work
from ...extensions import db
from ...models import Invoice, Order, OrderStatus, User, utcnow
from ...models.bank import BankFile, BankOutcome, BankPayment
from ...models.billing import DocumentKind
from ...models.privacy import BOOKKEEPING_YEARS
from .. import locks
from ..payments import core as payments
from ..payments.ocr import invoice_number
from ..refusal import Refusal
from . import bgmax
from .issue import seller

# The bank's days, as Bankgirot dates payments.
STOCKHOLM = ZoneInfo("Europe/Stockholm")

# What a page shows at most per list; older settled payments are in the files kept.
PAGE = 200


class BankRefused(Refusal):
    messages = {
        "no_invoice": lambda p: _(
            "There is no invoice number %(number)s.", number=p.get("number", "")
        ),
        "nothing_owed": lambda p: _(
            "Invoice %(number)s asks for nothing now (paid, credited or cancelled).",
            number=p.get("number", ""),
        ),
        "settled": lambda p: _("Someone settled this payment already."),
        "not_matchable": lambda p: _("Only a payment without an invoice can be matched."),
        "note_required": lambda p: _("Say in a note what was done."),
    }


@dataclass
class ImportResult:
    """What reading a file in did: `already_imported` when the very file was read
    before (nothing changed); the counts of its payments by outcome, and `duplicates`,
    the payments taken before from another file."""

    file: BankFile | None
    already_imported: bool = False
    counts: dict[BankOutcome, int] = field(default_factory=dict)
    duplicates: int = 0
    rows: list[BankPayment] = field(default_factory=list)

    def count(self, outcome: BankOutcome) -> int:
        return self.counts.get(outcome, 0)


def our_bankgiros() -> list[str]:
    """The bankgiros payments to us come into: the seller's now, and those invoices were
    issued with (a bankgiro changed since still brings their payments)."""
    now = seller()
    configured = current_app.config.get("SELLER_BANKGIRO") or SELLER_DEFAULTS["SELLER_BANKGIRO"]
    issued = db.session.scalars(
        select(Invoice.pay_to_account).where(Invoice.pay_to_scheme == "bankgiro").distinct()
    ).all()
    found = [now.pay_to_account if now.pay_to_scheme == "bankgiro" else "", configured, *issued]
    return [b for b in dict.fromkeys(found) if bgmax.digits_of(b)]


def import_file(data: bytes, filename: str = "", user: User | None = None) -> ImportResult:
    """Read a BgMax file in (see the module's guarantees). BankFileError when it is not
    one we can take; nothing is stored then."""
    parsed = bgmax.parse(data, our_bankgiros())
    digest = hashlib.sha256(data).hexdigest()
    now = utcnow()
    with unit_of_work(locks.bank_files()):
        known = db.session.scalar(select(BankFile).where(BankFile.sha256 == digest))
        if known is not None:
            return ImportResult(file=known, already_imported=True)
        stored = BankFile(
            sha256=digest,
            filename=(filename or "")[:255],
            written_at=parsed.written_at,
            payments=len(parsed.payments),
            total=sum(d.total for d in parsed.deposits),
            uploaded_by=user,
            content=bytes(data),
        )
        db.session.add(stored)
        result = ImportResult(file=stored)
        fresh, seen = [], set()
        for payment in parsed.payments:
            key = (payment.serial, payment.paid_on)
            if key in seen or _taken_before(*key):
                result.duplicates += 1
            else:
                seen.add(key)
                fresh.append((payment, _match(payment)))
        # The events whose orders change, locked in the order of their ids.
        for event_id in sorted({i.order.event_id for _p, i in fresh if i is not None}):
            locks.sales(event_id).take()
        for payment, invoice in fresh:
            row = _row(stored, payment)
            db.session.add(row)
            _apply(row, invoice, now)
            result.counts[row.outcome] = result.counts.get(row.outcome, 0) + 1
            result.rows.append(row)
        db.session.flush()
    return result


def _taken_before(serial: str, paid_on: date) -> bool:
    return (
        db.session.scalar(
            select(BankPayment.id).where(
                BankPayment.serial == serial, BankPayment.paid_on == paid_on
            )
        )
        is not None
    )


def _row(stored: BankFile, payment: bgmax.Payment) -> BankPayment:
    extra = [
        ("-" if r.negative else "") + f"{r.reference} ({r.amount / 100:.2f})"
        for r in payment.extra_references
    ]
    place = " ".join(p for p in (payment.payer_postcode, payment.payer_city) if p)
    return BankPayment(
        file=stored,
        serial=payment.serial,
        paid_on=payment.paid_on,
        amount=payment.amount,
        currency=payment.currency,
        deduction=payment.deduction,
        sender_bankgiro=payment.sender_bankgiro.lstrip("0"),
        reference=payment.reference,
        reference_code=payment.reference_code,
        channel=payment.channel,
        information="\n".join(extra + payment.information),
        payer_name=" ".join(n for n in (payment.payer_name, payment.payer_extra_name) if n)[:200],
        payer_org_number=_org_number(payment.payer_org_number),
        payer_address="\n".join(
            p for p in (payment.payer_address, place, payment.payer_country) if p
        ),
        outcome=BankOutcome.UNMATCHED,  # until _apply says what it did
    )


def _org_number(digits: str) -> str:
    """Bankgirot's twelve digits (the century or two zeros first) as NNNNNN-NNNN."""
    return f"{digits[-10:-4]}-{digits[-4:]}" if len(digits) >= 10 else digits


# Matching ------------------------------------------------------------------------------


def _invoice_numbered(number: int | None) -> Invoice | None:
    if number is None or number > 2**31 - 1:
        return None
    return db.session.scalar(
        select(Invoice).where(Invoice.number == number, Invoice.kind == DocumentKind.INVOICE)
    )


def by_ocr(reference: str) -> Invoice | None:
    """The invoice whose OCR reference this is (with or without a length digit, as the
    invoice was issued)."""
    reference = (reference or "").strip()
    for length_digit in (None, True, False):
        invoice = _invoice_numbered(invoice_number(reference, length_digit))
        if invoice is not None and invoice.ocr == reference:
            return invoice
    return None


_NUMBER = re.compile(r"\d+")
_ORDER_REFERENCE = re.compile(r"\b[A-HJ-NP-Z2-9]{8}\b")


def by_text(texts: list[str], amount: int) -> Invoice | None:
    """The one invoice the payer's words name (its number, its OCR, or its order's
    number) that still asks for exactly `amount`; None when none or several do."""
    numbers, references = set(), set()
    for text in texts:
        for token in _NUMBER.findall(text):
            if len(token) <= 10:
                numbers.add(int(token))
            if by_ocr(token) is not None:
                numbers.add(by_ocr(token).number)
        references.update(_ORDER_REFERENCE.findall(text.upper()))
    found = set()
    if numbers:
        found.update(
            db.session.scalars(
                select(Invoice).where(
                    Invoice.number.in_([n for n in numbers if n <= 2**31 - 1]),
                    Invoice.kind == DocumentKind.INVOICE,
                )
            ).all()
        )
    if references:
        found.update(
            db.session.scalars(
                select(Invoice)
                .join(Order, Order.id == Invoice.order_id)
                .where(Order.reference.in_(references), Invoice.kind == DocumentKind.INVOICE)
            ).all()
        )
    owed = [
        i
        for i in found
        if i.order.status is OrderStatus.INVOICED and payments.still_owed(i.order) == amount
    ]
    return owed[0] if len(owed) == 1 else None


def _match(payment: bgmax.Payment) -> Invoice | None:
    invoice = by_ocr(payment.reference)
    if invoice is None and not payment.deduction:
        invoice = by_text(payment.texts, payment.amount)
    return invoice


def _paid_at(row: BankPayment, order: Order) -> datetime:
    """The day the money arrived, as a moment: its start in the event's time zone."""
    return datetime.combine(row.paid_on, time(0, 0), tzinfo=order.event.tz)


def _apply(row: BankPayment, invoice: Invoice | None, now: datetime) -> None:
    """What the payment does to its invoice's order (under the event's sales lock)."""
    row.invoice = invoice
    if row.deduction:
        row.outcome = BankOutcome.DEDUCTION
        return
    if invoice is None or invoice.currency.upper() != row.currency.upper():
        row.outcome = BankOutcome.UNMATCHED
        row.invoice = None
        return
    order = invoice.order
    db.session.refresh(order)
    owed = payments.still_owed(order)
    if order.status is not OrderStatus.INVOICED or owed <= 0:
        row.outcome = BankOutcome.NOT_OWED
        return
    row.applied = min(row.amount, owed)
    if row.applied <= 0:
        row.outcome = BankOutcome.NOT_OWED
        return
    row.payment = payments.record_invoice_payment(order, row.applied, _paid_at(row, order))
    if row.amount == owed:
        row.outcome = BankOutcome.PAID
    elif row.amount < owed:
        row.outcome = BankOutcome.PARTIAL
    else:
        row.outcome = BankOutcome.OVERPAID
    if row.outcome is BankOutcome.PAID:
        row.settled_at = now
    if order.status is OrderStatus.PAID:
        # Paid in full: its part payments need nobody any more.
        for earlier in _open_rows_of(invoice):
            if earlier.outcome is BankOutcome.PARTIAL:
                earlier.settled_at = now


def _open_rows_of(invoice: Invoice) -> list[BankPayment]:
    return list(
        db.session.scalars(
            select(BankPayment).where(
                BankPayment.invoice_id == invoice.id, BankPayment.settled_at.is_(None)
            )
        )
    )


# A person settles ----------------------------------------------------------------------


def unsettled(limit: int = PAGE) -> list[BankPayment]:
    """The payments waiting for a person, oldest first."""
    return list(
        db.session.scalars(
            select(BankPayment)
            .where(BankPayment.settled_at.is_(None))
            .order_by(BankPayment.paid_on, BankPayment.id)
            .limit(limit)
        )
    )


def unsettled_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(BankPayment).where(BankPayment.settled_at.is_(None))
    )


def recent_files(limit: int = 20) -> list[BankFile]:
    return list(db.session.scalars(select(BankFile).order_by(BankFile.id.desc()).limit(limit)))


def of_order(order: Order) -> list[BankPayment]:
    """The bank payments that went to an order's invoice, in the order they came."""
    return list(
        db.session.scalars(
            select(BankPayment)
            .join(Invoice, Invoice.id == BankPayment.invoice_id)
            .where(Invoice.order_id == order.id)
            .order_by(BankPayment.paid_on, BankPayment.id)
        )
    )


def get(row_id: int) -> BankPayment | None:
    return db.session.get(BankPayment, row_id)


def match_to_invoice(row_id: int, number: int, user: User | None) -> BankPayment:
    """A person says which invoice an unmatched payment is for: it is applied as if
    matched by its OCR (paid, part or over). Refused when the payment was settled
    meanwhile, is not unmatched, or the invoice asks for nothing."""
    now = utcnow()
    invoice = _invoice_numbered(number)
    if invoice is None:
        raise BankRefused("no_invoice", "invoice_number", number=number)
    with unit_of_work(locks.bank_files(), locks.sales(invoice.order.event_id)):
        row = db.session.get(BankPayment, row_id, populate_existing=True)
        if row is None or row.settled_at is not None:
            raise BankRefused("settled")
        if row.outcome is not BankOutcome.UNMATCHED:
            raise BankRefused("not_matchable")
        _apply(row, invoice, now)
        if row.outcome is BankOutcome.NOT_OWED:
            raise BankRefused("nothing_owed", "invoice_number", number=number)
        row.settled_by = user
        row.note = _("Matched by hand to invoice %(number)s.", number=number)
    return row


def settle(row_id: int, note: str, user: User | None) -> BankPayment:
    """A person dealt with a payment (paid a surplus back, asked for the rest, found it
    was not ours ...): it leaves the list, with their note."""
    note = (note or "").strip()
    if not note:
        raise BankRefused("note_required", "note")
    with unit_of_work(locks.bank_files()):
        row = db.session.get(BankPayment, row_id, populate_existing=True)
        if row is None or row.settled_at is not None:
            raise BankRefused("settled")
        row.settled_at = utcnow()
        row.settled_by = user
        row.note = "\n".join(n for n in (row.note, note[:2000]) if n)
    return row


def forget_old_files(now: datetime | None = None) -> int:
    """Bank files are bookkeeping records (Bokföringslagen 7 kap. 2 §): seven years after
    the end of the calendar year of a file's last payment, the payers' names, org.
    numbers and addresses go, and the file as it was read in. What was paid, when, and
    to which invoice stays. Run by the worker with the other retention rules; returns
    how many files it took."""
    now = now or utcnow()
    last_day = date(now.astimezone(STOCKHOLM).year - 1 - BOOKKEEPING_YEARS, 12, 31)
    newer = select(BankPayment.file_id).where(BankPayment.paid_on > last_day)
    due = select(BankFile.id).where(BankFile.content.is_not(None), BankFile.id.not_in(newer))
    # Read without a lock first: most rounds find nothing due, and take no lock.
    if not db.session.scalars(due.limit(1)).first():
        db.session.rollback()
        return 0
    with unit_of_work(locks.bank_files()):
        ids = db.session.scalars(due).all()
        if not ids:
            return 0
        db.session.execute(
            update(BankPayment)
            .where(BankPayment.file_id.in_(ids))
            .values(payer_name="", payer_org_number="", payer_address="")
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(BankFile)
            .where(BankFile.id.in_(ids))
            .values(content=None)
            .execution_options(synchronize_session=False)
        )
    return len(ids)
