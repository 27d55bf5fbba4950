"""The validator the e-invoice tests rely on (tests/peppol.py) judges as the official
Peppol validation does: every official example passes, and OpenPEPPOL's own unit tests
of the rules (each case a document and the rules it must pass or break) come out as
they say, the Swedish national rules and the Peppol rules among them."""

from pathlib import Path

import pytest
from lxml import etree

from tests.oracles import oracle
from tests.peppol import failed_asserts, fatal_errors

EXAMPLES = oracle("peppol/README.md").parent / "examples"
UNIT_TESTS = oracle("peppol/README.md").parent / "unit-tests"
VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"
UBL_ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote",
}


def billing_examples() -> list[Path]:
    """The examples that are invoices or credit notes (one is a sales order)."""
    return [
        path
        for path in sorted(EXAMPLES.glob("*.xml"))
        if etree.parse(str(path)).getroot().tag in UBL_ROOTS
    ]


@pytest.mark.parametrize("path", billing_examples(), ids=lambda p: p.name)
def test_every_official_example_passes(path):
    assert fatal_errors(path.read_bytes()) == []


def cases(path: Path):
    """The test cases of one vefa testSet file: (number, document, {rule: expected})
    with expected "success", "error" (fails, fatal) or "warning" (fails, a warning)."""
    root = etree.parse(str(path)).getroot()
    for number, test in enumerate(root.iter(f"{VEFA}test"), start=1):
        document = next(
            child for child in test if isinstance(child.tag, str) and not child.tag.startswith(VEFA)
        )
        expected = {
            (said.text or "").strip(): etree.QName(said).localname
            for said in test.find(f"{VEFA}assert")
            if isinstance(said.tag, str)
            and etree.QName(said).localname in {"success", "error", "warning"}
        }
        yield number, etree.tostring(document), expected


def outcome(failures, rule: str) -> str:
    flags = {f.flag for f in failures if f.id == rule}
    return "error" if "fatal" in flags else "warning" if "warning" in flags else "success"


UNIT_TEST_FILES = sorted(p for p in UNIT_TESTS.glob("unit-UBL-*/*") if p.is_file())


def test_the_unit_tests_cover_the_swedish_and_peppol_rules_and_expect_failures():
    folders = {p.parent.name for p in UNIT_TEST_FILES}
    assert {"unit-UBL-SE", "unit-UBL-PEPPOL"} <= folders
    expected = [e for p in UNIT_TEST_FILES for _n, _d, said in cases(p) for e in said.values()]
    # Cases that must break a rule are most of them: a validator that finds nothing fails.
    assert expected.count("error") > 150 and expected.count("warning") > 20


@pytest.mark.parametrize(
    "path", UNIT_TEST_FILES, ids=lambda p: f"{p.parent.name.removeprefix('unit-UBL-')}/{p.name}"
)
def test_openpeppol_unit_tests_come_out_as_they_say(path):
    wrong = []
    for number, document, expected in cases(path):
        failures = failed_asserts(document)
        for rule, said in expected.items():
            if outcome(failures, rule) != said:
                wrong.append(
                    f"case {number}: {rule} should be {said}, is {outcome(failures, rule)}"
                )
    assert wrong == []
