"""The bookkeeping export (issue 18.6): the accounts an event books on (accounts.py),
its sales, payments, refunds and invoices as vouchers (vouchers.py), written as an SIE 4
file (sie.py)."""

from datetime import date

from ...models import Event
from .accounts import Accounts, BookkeepingError, accounts_of, save_accounts
from .sie import UnbalancedVoucher, file_name, sie_file
from .vouchers import Book, Voucher, book


def export_sie(events: list[Event], first: date, last: date, generated_on: date) -> bytes:
    """The SIE 4 file of `events`' vouchers dated from `first` to `last`."""
    return sie_file(book(events, first, last), generated_on)


__all__ = [
    "Accounts",
    "Book",
    "BookkeepingError",
    "UnbalancedVoucher",
    "Voucher",
    "accounts_of",
    "book",
    "export_sie",
    "file_name",
    "save_accounts",
    "sie_file",
]
