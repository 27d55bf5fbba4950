"""Invoices in a test's world, issued as the shop issues them."""

from datetime import date

from summit.services import billing
from summit.services.payments.ocr import ocr_reference


def numbered_invoice(order, number: int, issued_on: date, due_on: date):
    """The order's invoice as billing issues it, given the number `number` (a world
    that starts where a series already is)."""
    invoice = billing.issue_invoice(order, issued_on, due_on)
    invoice.number, invoice.ocr = number, ocr_reference(number)
    return invoice
