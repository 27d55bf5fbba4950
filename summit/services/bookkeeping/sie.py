"""The bookkeeping export as an SIE 4 file (SIE typ 4, "SIE filformat ver 4B"), the
Swedish standard every accounting program reads.

A file is lines of a #LABEL and its fields, separated by spaces, in IBM PC 8-bit
(#FORMAT PC8: code page 437). Texts are in quotation marks, a quotation mark inside
preceded by a backslash; there are no control characters in them. An object list (the
event as a project, dimension 6) is in braces. Amounts are kronor with two decimals
and a point, debit positive, credit negative. Each voucher (#VER) holds its
transactions (#TRANS) between braces on lines of their own.

A voucher that does not balance to the öre is never written: UnbalancedVoucher.
"""

import unicodedata
from datetime import date

from ..billing import seller
from .accounts import account_type
from .vouchers import Book, Voucher

PROGRAM = ("summit", "1.0")
CHART = "BAS2014"
PROJECT_DIMENSION = 6  # SIE's reserved dimension "Projekt"


class UnbalancedVoucher(AssertionError):
    """A voucher whose debits and credits differ: a fault of ours, never written."""


def text(value: str) -> str:
    """A text field: quoted, in code page 437. A character outside it becomes its base
    letter (ł → l) or "?"; a control character a space; a backslash a slash (a reader
    would take one before the closing quotation mark for an escape)."""
    out = []
    for char in value:
        if unicodedata.category(char) == "Cc":
            char = " "
        elif char == "\\":
            char = "/"
        elif char == '"':
            char = '\\"'
        elif not _in_cp437(char):
            base = unicodedata.normalize("NFKD", char)
            char = "".join(c for c in base if _in_cp437(c) and not unicodedata.combining(c))
            char = char or "?"
        out.append(char)
    return '"' + "".join(out) + '"'


def _in_cp437(char: str) -> bool:
    try:
        char.encode("cp437")
    except UnicodeEncodeError:
        return False
    return True


def amount(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor}.{rest:02d}"


def day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _record(label: str, *fields: str) -> str:
    return " ".join((f"#{label}", *fields))


def _voucher(voucher: Voucher) -> list[str]:
    if not voucher.lines or voucher.balance != 0:
        raise UnbalancedVoucher(
            f"{voucher.series} {voucher.number}: off by {voucher.balance} öre"
            if voucher.lines
            else f"{voucher.series} {voucher.number}: no transactions"
        )
    objects = "{" + f"{PROJECT_DIMENSION} {text(voucher.event.slug)}" + "}"
    when = day(voucher.date)
    return [
        _record("VER", voucher.series, str(voucher.number), when, text(voucher.text)),
        "{",
        *(
            "   " + _record("TRANS", account, objects, amount(ore), when)
            for account, ore in voucher.lines
        ),
        "}",
    ]


def _years(first: date, last: date) -> list[str]:
    """#RAR for each calendar year the period touches: 0 the last, -1 the one before."""
    return [
        _record("RAR", str(year - last.year), f"{year}0101", f"{year}1231")
        for year in range(last.year, first.year - 1, -1)
    ]


def sie_file(book: Book, generated_on: date) -> bytes:
    """The book as an SIE 4 file, in code page 437 with CR LF line ends."""
    company = seller()
    currencies = {e.currency.upper() for e in book.events} or {"SEK"}
    if len(currencies) != 1:
        raise ValueError("events in different currencies cannot share one file")
    lines = [
        _record("FLAGGA", "0"),
        _record("PROGRAM", *(text(p) for p in PROGRAM)),
        _record("FORMAT", "PC8"),
        _record("GEN", day(generated_on)),
        _record("SIETYP", "4"),
        _record("PROSA", text(f"Bokföring {day(book.first)}-{day(book.last)}")),
        *([_record("ORGNR", text(company.org_number))] if company.org_number else []),
        _record("FNAMN", text(company.name)),
        *_years(book.first, book.last),
        _record("KPTYP", CHART),
        _record("VALUTA", currencies.pop()),
    ]
    for account, name in book.names.items():
        lines.append(_record("KONTO", account, text(name)))
        lines.append(_record("KTYP", account, account_type(account)))
    lines.append(_record("DIM", str(PROJECT_DIMENSION), text("Projekt")))
    for event in book.events:
        lines.append(
            _record("OBJEKT", str(PROJECT_DIMENSION), text(event.slug), text(event.name_sv))
        )
    for voucher in book.vouchers:
        lines += _voucher(voucher)
    return ("\r\n".join(lines) + "\r\n").encode("cp437")


def file_name(slug: str, first: date, last: date) -> str:
    return f"{slug}-{first.isoformat()}-{last.isoformat()}.se"
