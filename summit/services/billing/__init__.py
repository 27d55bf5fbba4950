"""Invoices and credit notes (issue.py: numbered, snapshotted, never changed), their sums
(amounts.py) and their PDFs (pdf.py)."""

from .amounts import Rate, Totals, totals
from .issue import (
    BillingError,
    Seller,
    credit,
    credit_everything,
    credit_refund,
    credited,
    document_of,
    documents_of,
    forget_people,
    invoice_of,
    invoiced_balance,
    issue_invoice,
    seller,
    ticket_credit_lines,
)

__all__ = [
    "BillingError",
    "Rate",
    "Seller",
    "Totals",
    "credit",
    "credit_everything",
    "credit_refund",
    "credited",
    "document_of",
    "documents_of",
    "forget_people",
    "invoice_of",
    "invoiced_balance",
    "issue_invoice",
    "seller",
    "ticket_credit_lines",
    "totals",
]
