"""Bankgirot's BgMax file (Bankgiro Inbetalningar): the payments into our bankgiro, as
the bank delivers them, read into a structured file or refused whole.

Written from Bankgirot's published description ("Bankgiro Inbetalningar, Teknisk
manual BgMax"). A file is ISO-8859-1 text, records of exactly 80 characters, each on
its own line (CRLF or LF), the first two characters the record type (transaktionskod,
TK). Positions below are the manual's: 1-based, both ends included.

    01 start            one, first
    05 opening          one per deposit (insättning): our bankgiro, the currency
      20 payment        a payment; or 21, a deduction (money taken back)
        22, 23          extra references of the payment before (23: a negative one)
        25              information text (up to 50 characters each, several allowed)
        26, 27, 28, 29  the payer's name, address, city and country, org number
    15 deposit          closes the deposit: its date, total and number of payments
    70 end              one, last: the number of records of each kind

parse() never half-reads: a file that breaks any rule raises BankFileError naming the
line and what is wrong, and nothing of it is used.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from ..refusal import Refusal

RECORD_LENGTH = 80
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
MAX_FILE_BYTES = 5 * 1024 * 1024  # a day's file of a large payee is far smaller

# Referenskod (TK20 position 56): what the reference field holds.
REF_BLANK, REF_MISSING, REF_OCR, REF_SEVERAL, REF_ONE, REF_WRONG = range(6)
# Betalningskanalkod (TK20 position 57): how the payer paid.
CHANNELS = {"1": "bank", "2": "bankgiro_link", "3": "paper", "4": "autogiro"}


def _what(p: dict) -> str:
    return {
        "payment": _("payment"),
        "deduction": _("deduction"),
        "extra reference": _("extra reference"),
        "deposit": _("deposit"),
    }.get(p.get("what", ""), p.get("what", ""))


# What is wrong, in words (the line is put before it).
_PROBLEMS: dict = {
    "not_bytes": lambda p: _("This is not a file."),
    "too_large": lambda p: _("The file is too large for a bank file."),
    "empty": lambda p: _("The file is empty."),
    "record_length": lambda p: _(
        "the record is %(n)d characters long; a BgMax record has 80.", n=p["length"]
    ),
    "control_character": lambda p: _("the record holds a character that is not text."),
    "unknown_record": lambda p: _("“%(record)s” is not a BgMax record type.", record=p["record"]),
    "no_start": lambda p: _("the file does not begin with a BgMax start record (01)."),
    "after_end": lambda p: _("there is a record after the end record (70)."),
    "no_end": lambda p: _("the file has no end record (70); it may be cut short."),
    "second_start": lambda p: _("a second start record (01)."),
    "not_bgmax": lambda p: _("this is not a BgMax file (its start record does not say BGMAX)."),
    "not_numeric": lambda p: _("a number was expected at positions %(at)s.", at=p["at"]),
    "bad_date": lambda p: _("the date %(date)s does not exist.", date=p["date"]),
    "bad_marker": lambda p: _("the start record marks the file neither test (T) nor real (P)."),
    "test_file": lambda p: _(
        "this is a test file from Bankgirot (marked T); its payments are not real."
    ),
    "unclosed_deposit": lambda p: _("a deposit opened (05) is not closed (15) before this."),
    "bad_currency": lambda p: _("the currency is not a three-letter code."),
    "not_our_bankgiro": lambda p: _(
        "the payments are to bankgiro %(bankgiro)s, which is not ours.", bankgiro=p["bankgiro"]
    ),
    "bad_reference_code": lambda p: _("an unknown reference code."),
    "outside_deposit": lambda p: _("a payment record outside a deposit (05 … 15)."),
    "bad_channel": lambda p: _("an unknown payment channel."),
    "bad_image_flag": lambda p: _("an unknown image flag."),
    "serial_twice": lambda p: _(
        "the BGC serial number %(serial)s comes twice in one deposit.", serial=p["serial"]
    ),
    "orphan_record": lambda p: _("a record that belongs to no payment (20 or 21)."),
    "currency_mismatch": lambda p: _("the deposit's currency is not the one it opened with."),
    "deposit_count": lambda p: _(
        "the deposit says it holds %(said)d payments, but it holds %(found)d.",
        said=p["said"],
        found=p["found"],
    ),
    "deposit_total": lambda p: _(
        "the deposit says %(said)s, but its payments add up to %(found)s.",
        said=_kronor(p["said"]),
        found=_kronor(p["found"]),
    ),
    "end_count": lambda p: _(
        "the end record counts %(said)d %(what)s records, the file has %(found)d.",
        said=p["said"],
        what=_what(p),
        found=p["found"],
    ),
}


def _kronor(ore: int) -> str:
    return f"{ore // 100},{ore % 100:02d}"


def _message(p: dict) -> str:
    problem = p.get("problem", "")
    problem = _PROBLEMS[problem](p) if problem in _PROBLEMS else problem
    if not p.get("line"):
        return problem
    return _("Line %(line)d of the file: %(problem)s", line=p["line"], problem=problem)


class BankFileError(Refusal):
    """A file that is not a BgMax file we can take, refused whole: `line` (1-based; 0
    for the file as a whole) and `problem`, a short key; `detail` says it in English
    for the log, `message` in the reader's language."""

    messages = {"bank_file": _message}

    def __init__(self, line: int, problem: str, detail: str = "", **values):
        self.line, self.problem = line, problem
        super().__init__(
            "bank_file",
            "file",
            detail=f"line {line}: {problem}" + (f" ({detail})" if detail else ""),
            line=line,
            problem=problem,
            **values,
        )


@dataclass
class Reference:
    """An extra reference (TK22, or TK23 when `negative`)."""

    reference: str
    amount: int  # öre
    reference_code: int
    negative: bool = False


@dataclass
class Payment:
    """One payment (TK20) or deduction (TK21, `deduction`) with the records after it."""

    line: int
    sender_bankgiro: str
    reference: str
    amount: int  # öre, positive; a deduction takes it off the deposit
    reference_code: int
    channel: str
    serial: str  # BGC-löpnummer: with the deposit's date, names the payment for good
    has_image: bool
    deduction: bool = False
    deduction_code: str = ""
    extra_references: list[Reference] = field(default_factory=list)
    information: list[str] = field(default_factory=list)
    payer_name: str = ""
    payer_extra_name: str = ""
    payer_address: str = ""
    payer_postcode: str = ""
    payer_city: str = ""
    payer_country: str = ""
    payer_country_code: str = ""
    payer_org_number: str = ""
    paid_on: date | None = None  # the deposit's date, set when its TK15 is read
    currency: str = ""

    @property
    def is_ocr(self) -> bool:
        return self.reference_code == REF_OCR

    @property
    def texts(self) -> list[str]:
        """What the payer wrote: the reference, the extra references, the information."""
        return [
            t
            for t in [self.reference, *(r.reference for r in self.extra_references)]
            + self.information
            if t
        ]


@dataclass
class Deposit:
    """One deposit (TK05 ... TK15): the payments Bankgirot put into the account one day."""

    line: int
    payee_bankgiro: str
    payee_plusgiro: str
    currency: str
    payments: list[Payment] = field(default_factory=list)
    account: str = ""
    paid_on: date | None = None
    serial: str = ""
    total: int = 0
    count: int = 0
    kind: str = ""


@dataclass
class BankFile:
    written_at: str  # the file's timestamp (skrivdag), as written: YYYYMMDDHHMMSSffffff
    version: str
    test: bool
    deposits: list[Deposit] = field(default_factory=list)

    @property
    def payments(self) -> list[Payment]:
        return [p for d in self.deposits for p in d.payments]


def digits_of(bankgiro: str) -> str:
    """A bankgiro number as digits without leading zeros ("0001234567" = "123-4567")."""
    return re.sub(r"\D", "", bankgiro or "").lstrip("0")


def parse(data: bytes, bankgiros: list[str] | None = None) -> BankFile:
    """The BgMax file in `data`. With `bankgiros` (ours), a deposit into any other
    bankgiro is refused. BankFileError for anything else than a whole, consistent file."""
    if not isinstance(data, bytes | bytearray):
        raise BankFileError(0, "not_bytes")
    if len(data) > MAX_FILE_BYTES:
        raise BankFileError(0, "too_large", f"more than {MAX_FILE_BYTES} bytes")
    if not data.strip():
        raise BankFileError(0, "empty")
    text = bytes(data).decode("latin-1")  # every byte is a character: never fails
    lines = text.split("\n")
    if lines and lines[-1] in ("", "\r", "\x1a"):  # the last line break, or a DOS end mark
        lines.pop()
    return _Reader(bankgiros).read([line.removesuffix("\r") for line in lines])


class _Reader:
    def __init__(self, bankgiros):
        self.ours = {digits_of(b) for b in bankgiros or [] if digits_of(b)}
        self.file: BankFile | None = None
        self.deposit: Deposit | None = None
        self.payment: Payment | None = None
        self.counts = {"20": 0, "21": 0, "22": 0, "15": 0}
        self.number = 0
        self.line = ""
        self.ended = False

    def fail(self, problem: str, detail: str = "", **values):
        raise BankFileError(self.number, problem, detail, **values)

    # Fields -----------------------------------------------------------------------

    def text(self, start: int, end: int) -> str:
        """Positions start..end (the manual's, 1-based, inclusive), blanks stripped."""
        return self.line[start - 1 : end].strip()

    def number_at(self, start: int, end: int, what: str) -> int:
        raw = self.line[start - 1 : end]
        if not (raw.isascii() and raw.isdigit()):
            self.fail("not_numeric", f"{what}: {raw!r}", at=f"{start}–{end}")
        return int(raw)

    def digits_at(self, start: int, end: int, what: str, blank_ok: bool = False) -> str:
        raw = self.line[start - 1 : end]
        if blank_ok and not raw.strip():
            return ""
        if not (raw.isascii() and raw.isdigit()):
            self.fail("not_numeric", f"{what}: {raw!r}", at=f"{start}–{end}")
        return raw

    def date_at(self, start: int, end: int, what: str) -> date:
        raw = self.digits_at(start, end, what)
        try:
            return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
        except ValueError:
            self.fail("bad_date", f"{what}: {raw}", date=raw)

    # Records ----------------------------------------------------------------------

    def read(self, lines: list[str]) -> BankFile:
        for self.number, self.line in enumerate(lines, start=1):
            if len(self.line) != RECORD_LENGTH:
                self.fail("record_length", f"{len(self.line)} characters", length=len(self.line))
            if CONTROL.search(self.line):  # NUL and the like are in no record
                self.fail("control_character", "a control character")
            kind = self.line[:2]
            handler = getattr(self, f"tk{kind}", None) if kind.isdigit() else None
            if handler is None:
                self.fail("unknown_record", f"record type {kind!r}", record=kind)
            if self.file is None and kind != "01":
                self.fail("no_start", "the file does not begin with a start record (01)")
            if self.ended:
                self.fail("after_end", "a record after the end record (70)")
            handler()
        if self.file is None:
            self.fail("no_start")
        if not self.ended:
            self.number = len(lines)
            self.fail("no_end", "the file has no end record (70): is it whole?")
        return self.file

    def tk01(self) -> None:
        # 3-22 layout name "BGMAX", 23-24 version, 25-44 written (YYYYMMDDHHMMSS + 6
        # digits of microseconds), 45 "T" for a test file or "P" for production.
        if self.file is not None:
            self.fail("second_start", "a second start record (01)")
        if self.text(3, 22) != "BGMAX":
            self.fail("not_bgmax", f"layout name {self.text(3, 22)!r}, not BGMAX")
        version = self.digits_at(23, 24, "version")
        written = self.digits_at(25, 44, "written at")
        marker = self.line[44]
        if marker not in "TP":
            self.fail("bad_marker", f"test marker {marker!r}, not T or P")
        if marker == "T":
            self.fail("test_file", "a test file (T): its payments are not real")
        self.file = BankFile(written_at=written, version=version, test=False)

    def tk05(self) -> None:
        # 3-12 payee bankgiro (zero-filled), 13-22 payee plusgiro (may be blank),
        # 23-25 currency.
        if self.deposit is not None:
            self.fail("unclosed_deposit", "an opening record (05) inside an open deposit")
        bankgiro = self.digits_at(3, 12, "payee bankgiro")
        plusgiro = self.digits_at(13, 22, "payee plusgiro", blank_ok=True)
        currency = self.text(23, 25)
        if not re.fullmatch(r"[A-Z]{3}", currency):
            self.fail("bad_currency", f"currency {currency!r}")
        if self.ours and digits_of(bankgiro) not in self.ours:
            self.fail("not_our_bankgiro", bankgiro, bankgiro=digits_of(bankgiro))
        self.deposit = Deposit(
            line=self.number,
            payee_bankgiro=bankgiro,
            payee_plusgiro=plusgiro,
            currency=currency,
        )
        self.payment = None

    def _payment_fields(self) -> dict:
        # 3-12 sender bankgiro, 13-37 reference, 38-55 amount in öre, 56 reference
        # code (0-5), 57 payment channel (1-4), 58-69 BGC serial number, 70 image
        # flag (0 or 1). The same layout in 20, 21, 22 and 23.
        code = self.digits_at(56, 56, "reference code")
        if int(code) > REF_WRONG:
            self.fail("bad_reference_code", f"reference code {code}")
        return dict(
            sender_bankgiro=self.digits_at(3, 12, "sender bankgiro"),
            reference=self.text(13, 37),
            amount=self.number_at(38, 55, "amount"),
            reference_code=int(code),
        )

    def _in_deposit(self) -> Deposit:
        if self.deposit is None:
            self.fail("outside_deposit", "a payment record outside a deposit (05 ... 15)")
        return self.deposit

    def _new_payment(self, deduction: bool) -> None:
        deposit = self._in_deposit()
        fields = self._payment_fields()
        channel = self.line[56]
        if channel not in CHANNELS:
            self.fail("bad_channel", f"payment channel {channel!r}")
        serial = self.digits_at(58, 69, "BGC serial number")
        image = self.line[69]
        if image not in "01":
            self.fail("bad_image_flag", f"image flag {image!r}")
        self.payment = Payment(
            line=self.number,
            channel=CHANNELS[channel],
            serial=serial,
            has_image=image == "1",
            deduction=deduction,
            currency=deposit.currency,
            **fields,
        )
        if any(p.serial == serial for p in deposit.payments):
            self.fail("serial_twice", f"BGC serial number {serial}", serial=serial)
        deposit.payments.append(self.payment)

    def tk20(self) -> None:
        self._new_payment(deduction=False)
        self.counts["20"] += 1

    def tk21(self) -> None:
        # As 20, and 71 deduction code (avdragskod: 0, 1 or 2).
        self._new_payment(deduction=True)
        self.payment.deduction_code = self.line[70].strip()
        self.counts["21"] += 1

    def _current(self) -> Payment:
        self._in_deposit()
        if self.payment is None:
            self.fail("orphan_record", "a record that belongs to no payment (20 or 21)")
        return self.payment

    def _extra_reference(self, negative: bool) -> None:
        payment = self._current()
        fields = self._payment_fields()
        payment.extra_references.append(
            Reference(
                fields["reference"], fields["amount"], fields["reference_code"], negative=negative
            )
        )
        self.counts["22"] += 1

    def tk22(self) -> None:
        self._extra_reference(negative=False)

    def tk23(self) -> None:
        self._extra_reference(negative=True)

    def tk25(self) -> None:
        # 3-52 information text (50 characters).
        self._current().information.append(self.text(3, 52))

    def tk26(self) -> None:
        # 3-37 payer's name, 38-72 extra name field.
        payment = self._current()
        payment.payer_name, payment.payer_extra_name = self.text(3, 37), self.text(38, 72)

    def tk27(self) -> None:
        # 3-37 payer's address, 38-46 postcode.
        payment = self._current()
        payment.payer_address, payment.payer_postcode = self.text(3, 37), self.text(38, 46)

    def tk28(self) -> None:
        # 3-37 city, 38-72 country, 73-74 country code.
        payment = self._current()
        payment.payer_city, payment.payer_country = self.text(3, 37), self.text(38, 72)
        payment.payer_country_code = self.text(73, 74)

    def tk29(self) -> None:
        # 3-14 payer's organisation number (or personnummer), 12 digits.
        self._current().payer_org_number = self.digits_at(3, 14, "payer's org number")

    def tk15(self) -> None:
        # 3-37 payee's bank account, 38-45 payment date (YYYYMMDD), 46-50 deposit serial
        # number, 51-68 deposit amount in öre, 69-71 currency, 72-79 number of payments,
        # 80 kind of deposit (blank, or a letter).
        deposit = self._in_deposit()
        deposit.account = self.text(3, 37)
        deposit.paid_on = self.date_at(38, 45, "payment date")
        deposit.serial = self.digits_at(46, 50, "deposit serial number")
        deposit.total = self.number_at(51, 68, "deposit amount")
        currency = self.text(69, 71)
        deposit.count = self.number_at(72, 79, "number of payments")
        deposit.kind = self.line[79].strip()
        if currency != deposit.currency:
            self.fail("currency_mismatch", f"{currency} here, {deposit.currency} in its 05")
        # The deposit is its payments less its deductions, in number and amount.
        if deposit.count != len(deposit.payments):
            self.fail(
                "deposit_count",
                f"says {deposit.count} payments, holds {len(deposit.payments)}",
                said=deposit.count,
                found=len(deposit.payments),
            )
        total = sum(-p.amount if p.deduction else p.amount for p in deposit.payments)
        if deposit.total != total:
            self.fail(
                "deposit_total",
                f"says {deposit.total} öre, its payments add up to {total}",
                said=deposit.total,
                found=total,
            )
        for payment in deposit.payments:
            payment.paid_on = deposit.paid_on
        self.file.deposits.append(deposit)
        self.counts["15"] += 1
        self.deposit = self.payment = None

    def tk70(self) -> None:
        # 3-10 number of payment records (20), 11-18 deduction records (21), 19-26
        # extra reference records (22 and 23), 27-34 deposit records (15).
        if self.deposit is not None:
            self.fail("unclosed_deposit", "the end record (70) inside an open deposit")
        for start, kind, what in (
            (3, "20", "payment"),
            (11, "21", "deduction"),
            (19, "22", "extra reference"),
            (27, "15", "deposit"),
        ):
            said = self.number_at(start, start + 7, f"number of {what} records")
            if said != self.counts[kind]:
                self.fail(
                    "end_count",
                    f"says {said} {what} records, the file has {self.counts[kind]}",
                    what=what,
                    said=said,
                    found=self.counts[kind],
                )
        self.ended = True
