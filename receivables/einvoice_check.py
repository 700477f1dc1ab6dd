"""The EN 16931 business rules checked on a CII XML (Factur-X), beyond its XSD.

The XSD says the XML is well formed for Factur-X; the business rules say the invoice is
one: totals that add up (BR-CO-10…16), a VAT breakdown per category with its exemption
reason (BR-S-*, BR-O-*, BR-E-*), the identifiers a category requires, the code lists.
They are the official CEN artefact, vendored unchanged in `einvoice_rules/` (version and
commit in its README), an XSLT 2.0 run with SaxonC-HE (`saxonche`). The `factur-x`
library checks only the XSD unless a Saxon *server* runs beside it; this needs none.

One Saxon processor and one compiled stylesheet per process (compiling the 700 kB
stylesheet takes a few seconds; SaxonC is not safe with several processors in a
process), guarded by a lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

XSLT = Path(__file__).parent / "einvoice_rules" / "EN16931-CII-validation.xslt"
SVRL = "http://purl.oclc.org/dsdl/svrl"
_lock = threading.Lock()
_compiled: dict = {}


@dataclass(frozen=True)
class Failure:
    """A business rule the XML breaks: its id (« BR-CO-15 »), `fatal` or `warning`, the
    rule's own text and where in the XML (an XPath)."""

    rule: str
    flag: str
    text: str
    location: str

    @property
    def fatal(self) -> bool:
        return self.flag != "warning"

    def __str__(self) -> str:
        return f"[{self.rule}] {self.text}"


class NotAnInvoice(ValueError):
    """The bytes are not XML the rules can be run on."""


def _executable():
    if "xslt" not in _compiled:
        from saxonche import PySaxonProcessor

        processor = PySaxonProcessor(license=False)
        _compiled["processor"] = processor
        _compiled["xslt"] = processor.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(XSLT)
        )
    return _compiled["processor"], _compiled["xslt"]


def _svrl(xml: bytes) -> bytes:
    with _lock:
        processor, xslt = _executable()
        node = processor.parse_xml(xml_text=xml.decode("utf-8"))
        return xslt.transform_to_string(xdm_node=node).encode("utf-8")


def failed_rules(xml: bytes) -> list[Failure]:
    """Every EN 16931 rule `xml` (a CII invoice, as in a Factur-X PDF) breaks, fatal
    ones and warnings; an empty list when it passes."""
    try:
        etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        raise NotAnInvoice(str(exc)) from exc
    report = etree.fromstring(_svrl(xml))
    return [
        Failure(
            rule=node.get("id", ""),
            flag=node.get("flag", "fatal"),
            text=" ".join(node.findtext(f"{{{SVRL}}}text", "").split()),
            location=node.get("location", ""),
        )
        for node in report.iter(f"{{{SVRL}}}failed-assert")
    ]


def fatal_rules(xml: bytes) -> list[Failure]:
    """The rules `xml` breaks that make it no valid EN 16931 invoice."""
    return [f for f in failed_rules(xml) if f.fatal]
