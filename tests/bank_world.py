"""Invoiced orders and their bank payments, for the bank file and reminder tests."""

from datetime import date

from sqlalchemy import func, select

from summit.models import BankFile, BankPayment, Order, Payment
from summit.services.billing import invoice_of
from summit.services.payments import core as payments
from tests.bgmax_samples import bgmax_file, deposit, payment
from tests.fakestripe import reserved_order, ticket_type

MUNICIPALITY = payments.InvoiceDetails(
    "Sölvesborgs kommun", "212000-1124", "Box 1, 294 80 Sölvesborg", "Åsa Öberg-Lindqvist"
)


def invoiced_order(db, event, price=150000, count=1, email="asa@solvesborg.example.se"):
    """An order of `count` tickets at `price` öre bought on invoice by a municipality."""
    kind = ticket_type(db, event, name=f"Ordinarie {price}", price=price)
    order = reserved_order(event, {kind: count}, email=email)
    payments.start_payment(order, payments.PaymentMethod.INVOICE, MUNICIPALITY)
    db.session.refresh(order)
    return order


def paying(order, amount=None, serial="000000000001", **kwargs):
    """A payment of `amount` (what the invoice asks, unless told) with its OCR."""
    invoice = invoice_of(order)
    return payment(invoice.ocr, invoice.amount if amount is None else amount, serial, **kwargs)


def bank_file(*pays, paid_on=date(2027, 4, 2), written="20270402060512123456", **kwargs) -> bytes:
    return bgmax_file([deposit(paid_on, list(pays), **kwargs)], written=written)


def counts(db) -> tuple[int, int, int]:
    """(bank files, bank payments, payments) stored."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (BankFile, BankPayment, Payment)
    )


def state(db, order: Order):
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    return order.status, payments.still_owed(order)
