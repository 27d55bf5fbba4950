"""An SIE 4 reader of the tests' own, written from the format's description and not from
the writer (summit/services/bookkeeping/sie.py is never imported here): the bytes are
code page 437, a line is a #LABEL and fields separated by blanks, a field in quotation
marks may hold blanks and \\" for a quotation mark, an object list is in braces, and a
#VER's transactions follow it between lines holding only { and }.

read(data) gives a SieFile, or raises SieSyntaxError naming the line that is wrong."""

import re
from dataclasses import dataclass, field
from datetime import date

AMOUNT = re.compile(r"(-?)(\d+)(?:\.(\d{1,2}))?")
DAY = re.compile(r"\d{8}")


class SieSyntaxError(ValueError):
    pass


@dataclass
class Trans:
    account: str
    objects: list[tuple[str, str]]  # (dimension, object code)
    amount: int  # öre
    date: date | None


@dataclass
class Ver:
    series: str
    number: str
    date: date
    text: str
    trans: list[Trans] = field(default_factory=list)

    @property
    def balance(self) -> int:
        return sum(t.amount for t in self.trans)


@dataclass
class SieFile:
    records: list[tuple[str, list]]  # every record outside the vouchers, in order
    accounts: dict[str, str]  # #KONTO number -> name
    account_types: dict[str, str]  # #KTYP
    dimensions: dict[str, str]  # #DIM number -> name
    objects: dict[tuple[str, str], str]  # #OBJEKT (dimension, code) -> name
    vouchers: list[Ver]

    def first(self, label: str) -> list:
        return next(fields for name, fields in self.records if name == label)

    def totals(self) -> dict[str, int]:
        """The sum of all transactions per account (öre)."""
        sums: dict[str, int] = {}
        for ver in self.vouchers:
            for t in ver.trans:
                sums[t.account] = sums.get(t.account, 0) + t.amount
        return sums


def tokens(line: str, number: int) -> list:
    """A line's fields: strings, and lists for what is in braces."""
    out: list = []
    stack = [out]
    i = 0
    while i < len(line):
        char = line[i]
        if char in " \t":
            i += 1
        elif char == "{":
            inner: list = []
            stack[-1].append(inner)
            stack.append(inner)
            i += 1
        elif char == "}":
            if len(stack) == 1:
                raise SieSyntaxError(f"line {number}: }} without {{")
            stack.pop()
            i += 1
        elif char == '"':
            i += 1
            value = []
            while True:
                if i >= len(line):
                    raise SieSyntaxError(f"line {number}: unterminated quotation")
                if line[i] == "\\" and i + 1 < len(line) and line[i + 1] == '"':
                    value.append('"')
                    i += 2
                elif line[i] == '"':
                    i += 1
                    break
                else:
                    value.append(line[i])
                    i += 1
            stack[-1].append("".join(value))
        else:
            start = i
            while i < len(line) and line[i] not in ' \t{}"':
                i += 1
            stack[-1].append(line[start:i])
    if len(stack) != 1:
        raise SieSyntaxError(f"line {number}: {{ without }}")
    return out


def ore(text: str, number: int) -> int:
    match = AMOUNT.fullmatch(text)
    if match is None:
        raise SieSyntaxError(f"line {number}: not an amount: {text!r}")
    sign, kronor, decimals = match.groups()
    value = int(kronor) * 100 + int((decimals or "0").ljust(2, "0"))
    return -value if sign else value


def day(text: str, number: int) -> date:
    if not DAY.fullmatch(text):
        raise SieSyntaxError(f"line {number}: not a date: {text!r}")
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def read(data: bytes) -> SieFile:
    lines = data.decode("cp437").split("\n")
    parsed = SieFile([], {}, {}, {}, {}, [])
    ver: Ver | None = None
    inside = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if any(ord(c) < 32 and c != "\t" for c in line):
            raise SieSyntaxError(f"line {number}: control character")
        if not line.strip():
            continue
        if line.strip() == "{":
            if ver is None or inside:
                raise SieSyntaxError(f"line {number}: {{ not after a #VER")
            inside = True
            continue
        if line.strip() == "}":
            if not inside:
                raise SieSyntaxError(f"line {number}: }} outside a voucher")
            parsed.vouchers.append(ver)
            ver, inside = None, False
            continue
        fields = tokens(line, number)
        label, rest = fields[0], fields[1:]
        if not isinstance(label, str) or not label.startswith("#"):
            raise SieSyntaxError(f"line {number}: no #label")
        if label == "#TRANS":
            if not inside:
                raise SieSyntaxError(f"line {number}: #TRANS outside a voucher")
            account, objects, amount = rest[0], rest[1], rest[2]
            if not isinstance(objects, list) or len(objects) % 2:
                raise SieSyntaxError(f"line {number}: bad object list")
            pairs = list(zip(objects[::2], objects[1::2], strict=True))
            when = day(rest[3], number) if len(rest) > 3 and rest[3] else None
            ver.trans.append(Trans(account, pairs, ore(amount, number), when))
            continue
        if inside:
            raise SieSyntaxError(f"line {number}: {label} inside a voucher")
        if ver is not None:
            raise SieSyntaxError(f"line {number}: #VER without its transactions")
        if label == "#VER":
            ver = Ver(rest[0], rest[1], day(rest[2], number), rest[3] if len(rest) > 3 else "")
            continue
        parsed.records.append((label[1:], rest))
        if label == "#KONTO":
            parsed.accounts[rest[0]] = rest[1]
        elif label == "#KTYP":
            parsed.account_types[rest[0]] = rest[1]
        elif label == "#DIM":
            parsed.dimensions[rest[0]] = rest[1]
        elif label == "#OBJEKT":
            parsed.objects[(rest[0], rest[1])] = rest[2]
    if ver is not None or inside:
        raise SieSyntaxError("the file ends inside a voucher")
    return parsed
