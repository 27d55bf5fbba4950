"""Bankgiro OCR references: the invoice number, the length digit and the modulus-10
check digit; read back to the invoice number, and anything mistyped refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from summit.services.payments.ocr import check_digit, invoice_number, ocr_reference

NUMBERS = st.integers(min_value=1, max_value=10**20)


def test_the_check_digit_is_luhns():
    assert check_digit("7992739871") == "3"  # the rule's own example: 79927398713
    assert check_digit("0") == "0"


def test_an_invoice_numbers_reference_with_and_without_the_length_digit():
    # 1042, length digit 6 (six digits in all), check digit over 10426.
    assert ocr_reference(1042, length_digit=True) == "104265"
    assert ocr_reference(1042, length_digit=False) == "10421"
    # Nine digits in all: the length digit is 9; ten: 0.
    assert ocr_reference(1234567, length_digit=True)[-2] == "9"
    assert ocr_reference(12345678, length_digit=True)[-2] == "0"
    with pytest.raises(ValueError):
        ocr_reference(0)


@given(NUMBERS, st.booleans())
def test_a_reference_reads_back_to_its_invoice_number(number, length_digit):
    reference = ocr_reference(number, length_digit)
    assert reference.isdigit() and len(reference) <= 25
    assert invoice_number(reference, length_digit) == number
    assert invoice_number(f" {reference} ", length_digit) == number  # as pasted


@given(NUMBERS, st.booleans(), st.data())
def test_one_mistyped_digit_is_always_caught(number, length_digit, data):
    reference = ocr_reference(number, length_digit)
    at = data.draw(st.integers(0, len(reference) - 1))
    typed = data.draw(st.sampled_from([d for d in "0123456789" if d != reference[at]]))
    assert invoice_number(reference[:at] + typed + reference[at + 1 :], length_digit) is None


@pytest.mark.parametrize(
    "garbage", ["", "abc", "10426x", "1042 65", "١٠٤٢٦٥", "0" * 26, "01042", "5", "10424"]
)
def test_anything_else_is_no_reference(garbage):
    assert invoice_number(garbage, True) is None
