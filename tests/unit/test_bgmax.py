"""Reading Bankgirot's BgMax files: sample files written from the technical manual's
record layouts (tests/bgmax_samples.py) are read field by field; a file that breaks a
rule is refused whole, naming the line; garbage never raises anything else."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summit.services.billing.bgmax import BankFileError, parse
from tests.bgmax_samples import bgmax_file, bgmax_lines, deposit, payment, record

OURS = ["123-4567"]


def sample_deposits():
    return [
        deposit(
            date(2027, 4, 2),
            [
                payment(
                    "10047",
                    250000,
                    "000000000101",
                    name="Sölvesborgs kommun",
                    org_number="002120001124",
                    address=("Box 1", "29480", "Sölvesborg"),
                ),
                payment(
                    "Faktura 1005",
                    120000,
                    "000000000102",
                    reference_code=4,
                    channel="3",
                    information=["Åsa Öberg-Lindqvist, ref 4711", "Konferensavgift"],
                    extra_references=[("10058", 60000)],
                ),
                payment("", 5000, "000000000103", reference_code=0, deduction=True),
            ],
        ),
        deposit(date(2027, 4, 3), [payment("10060", 99900, "000000000201")], serial="00002"),
    ]


def test_a_file_with_two_deposits_is_read_field_by_field():
    data = bgmax_file(sample_deposits())
    file = parse(data, OURS)

    assert file.written_at == "20270402060512123456" and file.version == "01"
    first, second = file.deposits
    assert (first.payee_bankgiro, first.currency, first.paid_on) == (
        "0001234567",
        "SEK",
        date(2027, 4, 2),
    )
    assert first.total == 250000 + 120000 - 5000 and first.count == 3
    ocr, text, deduction = first.payments
    assert (ocr.reference, ocr.amount, ocr.is_ocr, ocr.serial, ocr.channel) == (
        "10047",
        250000,
        True,
        "000000000101",
        "bank",
    )
    assert ocr.payer_name == "Sölvesborgs kommun"  # Latin-1 read as such
    assert (ocr.payer_address, ocr.payer_postcode, ocr.payer_city) == (
        "Box 1",
        "29480",
        "Sölvesborg",
    )
    assert ocr.payer_org_number == "002120001124"
    assert ocr.paid_on == date(2027, 4, 2)
    assert text.reference == "Faktura 1005" and not text.is_ocr and text.channel == "paper"
    assert text.information == ["Åsa Öberg-Lindqvist, ref 4711", "Konferensavgift"]
    assert [(r.reference, r.amount) for r in text.extra_references] == [("10058", 60000)]
    assert "10058" in text.texts and "Konferensavgift" in text.texts
    assert deduction.deduction and deduction.amount == 5000
    assert [p.paid_on for p in second.payments] == [date(2027, 4, 3)]
    assert len(file.payments) == 4


def test_line_feeds_alone_and_a_missing_last_line_break_read_the_same():
    crlf = parse(bgmax_file(sample_deposits()), OURS)
    lf = parse(bgmax_file(sample_deposits(), newline="\n"), OURS)
    bare = parse(bgmax_file(sample_deposits()).rstrip(b"\r\n"), OURS)
    assert crlf == lf == bare


def lines():
    return bgmax_lines(sample_deposits())


def joined(rows) -> bytes:
    return ("\r\n".join(rows) + "\r\n").encode("latin-1")


def changed(number: int, start: int, text: str) -> bytes:
    """The sample with line `number` (1-based) changed from position `start` on."""
    rows = lines()
    row = rows[number - 1]
    rows[number - 1] = row[: start - 1] + text + row[start - 1 + len(text) :]
    return joined(rows)


def refused(data: bytes, bankgiros=OURS) -> BankFileError:
    with pytest.raises(BankFileError) as caught:
        parse(data, bankgiros)
    return caught.value


def test_a_record_of_the_wrong_length_is_refused_with_its_line():
    rows = lines()
    rows[2] = rows[2].rstrip()  # a payment record whose trailing blanks were cut
    error = refused(joined(rows))
    assert (error.line, error.problem) == (3, "record_length")
    assert "Line 3" in error.message and "80" in error.message


def test_an_unknown_record_type_is_refused():
    error = refused(changed(4, 1, "99"))
    assert (error.line, error.problem) == (4, "unknown_record")


def test_an_amount_that_is_not_a_number_is_refused():
    error = refused(changed(3, 50, "12 4"))  # inside 38-55
    assert (error.line, error.problem) == (3, "not_numeric")
    assert "38–55" in error.message


def test_a_control_character_in_a_record_is_refused():
    # Found on PostgreSQL: a NUL in a payer's name reached a text column and failed there.
    for control in ("\x00", "\x1b", "\x85"):
        error = refused(changed(4, 10, control))
        assert (error.line, error.problem) == (4, "control_character")
        assert "Line 4" in error.message


def test_counts_in_the_end_record_must_match():
    rows = lines()
    rows[-1] = record("70", (3, 8, 9, True), (11, 8, 1, True), (19, 8, 1, True), (27, 8, 2, True))
    error = refused(joined(rows))
    assert (error.line, error.problem) == (len(rows), "end_count")
    assert "9" in error.message


def test_a_deposit_total_that_is_not_its_payments_is_refused():
    wrong = [deposit(date(2027, 4, 2), [payment("10047", 250000)], total=250100)]
    error = refused(bgmax_file(wrong))
    assert (error.line, error.problem) == (4, "deposit_total")
    assert "2500,00" in error.message and "2501,00" in error.message


def test_a_deposit_count_that_is_not_its_payments_is_refused():
    wrong = [deposit(date(2027, 4, 2), [payment("10047", 250000)], count=2)]
    assert refused(bgmax_file(wrong)).problem == "deposit_count"


def test_payments_to_another_bankgiro_are_refused():
    theirs = [deposit(date(2027, 4, 2), [payment("10047", 250000)], bankgiro="9912346")]
    error = refused(bgmax_file(theirs))
    assert (error.line, error.problem) == (2, "not_our_bankgiro")
    assert "9912346" in error.message
    assert parse(bgmax_file(theirs), ["991-2346", "123-4567"]).payments  # when it is ours


def test_a_test_file_a_cut_file_and_a_file_without_start_are_refused():
    assert refused(changed(1, 45, "T")).problem == "test_file"
    assert refused(joined(lines()[:-1])).problem == "no_end"
    assert refused(joined(lines()[1:])).problem == "no_start"
    assert refused(joined(lines() + lines()[-1:])).problem == "after_end"
    assert refused(b"").problem == "empty"
    error = refused(changed(16, 38, "20270231"))  # the second deposit's 15: 31 February
    assert (error.line, error.problem) == (16, "bad_date")


# Garbage -------------------------------------------------------------------------------

SAMPLE = bgmax_file(sample_deposits())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_garbage_is_refused_with_a_bank_file_error(data):
    with pytest.raises(BankFileError):
        parse(data, OURS)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(SAMPLE) - 1), st.integers(0, 255)), min_size=1, max_size=4
    ),
    st.booleans(),
)
def test_a_randomly_corrupted_file_is_read_or_refused_never_anything_else(changes, cut):
    data = bytearray(SAMPLE)
    for at, value in changes:
        data[at] = value
    if cut:
        data = data[: changes[0][0]]
    try:
        file = parse(bytes(data), OURS)
    except BankFileError as error:
        assert error.message  # says what is wrong, in words
        return
    # Read: then every deposit still adds up (a change in a free-text field, say).
    for one in file.deposits:
        assert one.total == sum(-p.amount if p.deduction else p.amount for p in one.payments)
