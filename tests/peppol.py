"""The official Peppol BIS Billing 3.0 rules (../shared/oracles/peppol/sch: EN 16931 and
Peppol with the Swedish national rules), run on a UBL Invoice or CreditNote as the
official validator runs them: the CEN rules, then the Peppol rules.

Both rule files are ISO Schematron with the XSLT 2 query binding and define xsl:function
helpers. They are compiled to XSLT with the ISO Schematron skeleton lxml ships (include,
abstract patterns, SVRL output; foreign elements such as xsl:function passed through),
the query binding named "xslt" so the skeleton takes them and the result declared XSLT
2.0; Saxon runs that. Compiled once per test session.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import lxml
from lxml import etree
from saxonche import PySaxonProcessor

from tests.oracles import oracle

RULE_FILES = ("peppol/sch/CEN-EN16931-UBL.sch", "peppol/sch/PEPPOL-EN16931-UBL.sch")
SVRL = "http://purl.oclc.org/dsdl/svrl"
SKELETON = Path(lxml.__file__).parent / "isoschematron/resources/xsl/iso-schematron-xslt1"


@dataclass(frozen=True)
class Failure:
    """A failed assert: the rule's id, "fatal" or "warning", and what it says."""

    id: str
    flag: str
    text: str


def _compiled_xslt(rules: Path) -> str:
    """The Schematron file as an XSLT 2.0 stylesheet that reports in SVRL."""
    schema = etree.parse(str(rules))
    schema.getroot().set("queryBinding", "xslt")
    include = etree.XSLT(etree.parse(str(SKELETON / "iso_dsdl_include.xsl")))
    expand = etree.XSLT(etree.parse(str(SKELETON / "iso_abstract_expand.xsl")))
    svrl = etree.XSLT(etree.parse(str(SKELETON / "iso_svrl_for_xslt1.xsl")))
    stylesheet = svrl(expand(include(schema)), **{"allow-foreign": "'true'"})
    root = stylesheet.getroot()
    root.set("version", "2.0")
    return etree.tostring(root, encoding="unicode")


@cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@cache
def _executables() -> tuple:
    xslt = _processor().new_xslt30_processor()
    return tuple(
        xslt.compile_stylesheet(stylesheet_text=_compiled_xslt(oracle(name))) for name in RULE_FILES
    )


def failed_asserts(xml: bytes) -> list[Failure]:
    """Every assert of both rule sets that the document fails, fatal and warnings."""
    processor = _processor()
    document = processor.parse_xml(xml_text=xml.decode("utf-8"))
    failures = []
    for executable in _executables():
        report = executable.transform_to_string(xdm_node=document)
        svrl = etree.fromstring(report.encode("utf-8"))
        for failed in svrl.iter(f"{{{SVRL}}}failed-assert"):
            text = failed.findtext(f"{{{SVRL}}}text") or ""
            failures.append(Failure(failed.get("id", ""), failed.get("flag", ""), text.strip()))
    return failures


def fatal_errors(xml: bytes) -> list[str]:
    """The fatal rules the document breaks, as "ID: what the rule says"; [] when valid."""
    return [f"{f.id}: {f.text}" for f in failed_asserts(xml) if f.flag == "fatal"]
