"""Bankgiro OCR references for invoices: what the payer types (or their bank reads) so
that Bankgirot's file names the invoice a payment is for.

The reference is the invoice number, then, when the bankgiro agreement checks lengths
("variabel längd med längdsiffra", BANKGIRO_OCR_LENGTH_DIGIT, on by default), a length
digit (the last digit of the whole reference's length, itself and the check digit
included), then a check digit by modulus 10 (the Luhn rule Bankgirot uses). Made from
the number, so nothing is stored, and read back to it when a payment arrives.
"""

from flask import current_app

MAX_DIGITS = 25  # Bankgirot's longest OCR reference


def check_digit(digits: str) -> str:
    """The modulus-10 (Luhn) check digit for `digits`: from the right, every other digit
    doubled (the rightmost first), the digits of the products summed."""
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str(-total % 10)


def with_length_digit() -> bool:
    return bool(current_app.config.get("BANKGIRO_OCR_LENGTH_DIGIT", True))


def ocr_reference(number: int, length_digit: bool | None = None) -> str:
    """The OCR reference of invoice `number` (a positive integer)."""
    if number <= 0:
        raise ValueError(f"no OCR reference for invoice number {number}")
    length_digit = with_length_digit() if length_digit is None else length_digit
    digits = str(number)
    if length_digit:
        digits += str((len(digits) + 2) % 10)
    return digits + check_digit(digits)


def invoice_number(reference: str, length_digit: bool | None = None) -> int | None:
    """The invoice number an OCR reference was made from; None for anything that is
    not one (a wrong check or length digit, letters, too long)."""
    reference = (reference or "").strip()
    length_digit = with_length_digit() if length_digit is None else length_digit
    shortest = 3 if length_digit else 2
    if not (
        reference.isascii() and reference.isdigit() and shortest <= len(reference) <= MAX_DIGITS
    ):
        return None
    body, check = reference[:-1], reference[-1]
    if check_digit(body) != check:
        return None
    if length_digit:
        if body[-1] != str(len(reference) % 10):
            return None
        body = body[:-1]
    number = int(body)
    return number if number > 0 and body[0] != "0" else None
