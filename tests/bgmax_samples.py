"""BgMax files for tests, built record by record at the positions of Bankgirot's
technical manual (independently of the parser in summit/services/billing/bgmax.py).

    bgmax_file([deposit(date(2027, 4, 2), [payment("10047", 250000, serial=...)])])

gives the bytes Bankgirot would deliver (ISO-8859-1, CRLF by default).
"""

from dataclasses import dataclass, field
from datetime import date

OUR_BANKGIRO = "1234567"  # the seller's bankgiro of the test configuration (123-4567)


def _field(value, width: int, numeric: bool = False) -> str:
    text = str(value)
    if numeric:
        assert text.isdigit() and len(text) <= width, (value, width)
        return text.rjust(width, "0")
    assert len(text) <= width, (value, width)
    return text.ljust(width)


def record(kind: str, *parts: tuple) -> str:
    """An 80-character record: `parts` are (position, width, value, numeric) from
    position 3 on, in order, with blanks between and after them."""
    line = kind
    for start, width, value, numeric in parts:
        assert len(line) <= start - 1, (kind, start)
        line = line.ljust(start - 1) + _field(value, width, numeric)
    assert len(line) <= 80
    return line.ljust(80)


@dataclass
class Pay:
    reference: str
    amount: int  # öre
    serial: str = "000000000001"
    reference_code: int = 2  # OCR
    channel: str = "1"
    sender_bankgiro: str = "0"
    deduction: bool = False
    information: list[str] = field(default_factory=list)
    extra_references: list[tuple[str, int]] = field(default_factory=list)
    name: str = ""
    org_number: str = ""
    address: tuple[str, str, str] | None = None  # street, postcode, city

    def records(self) -> list[str]:
        # 3-12 sender bankgiro, 13-37 reference (right-justified, as OCR references
        # come), 38-55 amount, 56 reference code, 57 channel, 58-69 BGC serial
        # number, 70 image flag; a deduction (21) adds 71 its code.
        common = (
            (3, 10, self.sender_bankgiro, True),
            (13, 25, self.reference.rjust(25), False),
            (38, 18, self.amount, True),
            (56, 1, self.reference_code, True),
            (57, 1, self.channel, False),
            (58, 12, self.serial, True),
            (70, 1, "0", True),
        )
        lines = [
            record("21", *common, (71, 1, "1", False)) if self.deduction else record("20", *common)
        ]
        for reference, amount in self.extra_references:
            lines.append(
                record(
                    "22",
                    (3, 10, "0", True),
                    (13, 25, reference, False),
                    (38, 18, amount, True),
                    (56, 1, 4, True),
                )
            )
        for text in self.information:
            lines.append(record("25", (3, 50, text, False)))
        if self.name:
            lines.append(record("26", (3, 35, self.name, False)))
        if self.address:
            street, postcode, city = self.address
            lines.append(record("27", (3, 35, street, False), (38, 9, postcode, False)))
            lines.append(
                record("28", (3, 35, city, False), (38, 35, "Sverige", False), (73, 2, "SE", False))
            )
        if self.org_number:
            lines.append(record("29", (3, 12, self.org_number, True)))
        return lines


def payment(reference: str, amount: int, serial: str = "000000000001", **kwargs) -> Pay:
    return Pay(reference, amount, serial=serial, **kwargs)


@dataclass
class Deposit:
    paid_on: date
    payments: list[Pay]
    bankgiro: str = OUR_BANKGIRO
    currency: str = "SEK"
    serial: str = "00001"
    total: int | None = None  # None: the sum, as Bankgirot writes it
    count: int | None = None

    def records(self) -> list[str]:
        lines = [
            record("05", (3, 10, self.bankgiro, True), (23, 3, self.currency, False))
        ]  # 3-12 payee bankgiro, 13-22 plusgiro (blank), 23-25 currency
        for pay in self.payments:
            lines += pay.records()
        total = sum(-p.amount if p.deduction else p.amount for p in self.payments)
        # 3-37 bank account, 38-45 date, 46-50 deposit serial, 51-68 amount,
        # 69-71 currency, 72-79 number of payments, 80 kind.
        lines.append(
            record(
                "15",
                (3, 35, "99123456789", False),
                (38, 8, self.paid_on.strftime("%Y%m%d"), True),
                (46, 5, self.serial, True),
                (51, 18, total if self.total is None else self.total, True),
                (69, 3, self.currency, False),
                (72, 8, len(self.payments) if self.count is None else self.count, True),
            )
        )
        return lines


def deposit(paid_on: date, payments: list[Pay], **kwargs) -> Deposit:
    return Deposit(paid_on, payments, **kwargs)


def bgmax_lines(deposits: list[Deposit], written: str = "20270402060512123456") -> list[str]:
    lines = [record("01", (3, 20, "BGMAX", False), (23, 2, "01", True), (25, 20, written, True))]
    lines[0] = lines[0][:44] + "P" + lines[0][45:]  # 45: production, not a test file
    for one in deposits:
        lines += one.records()
    pays = [p for d in deposits for p in d.payments]
    # 3-10 payments (20), 11-18 deductions (21), 19-26 extra references, 27-34 deposits.
    lines.append(
        record(
            "70",
            (3, 8, sum(not p.deduction for p in pays), True),
            (11, 8, sum(p.deduction for p in pays), True),
            (19, 8, sum(len(p.extra_references) for p in pays), True),
            (27, 8, len(deposits), True),
        )
    )
    return lines


def bgmax_file(deposits: list[Deposit], newline: str = "\r\n", **kwargs) -> bytes:
    return (newline.join(bgmax_lines(deposits, **kwargs)) + newline).encode("latin-1")
