"""The Factur-X XML of a document Relance prints (an invoice it renders, a debit note it
issues), built as an EN 16931 data dictionary for the `factur-x` library, which writes
the CII XML and checks it against the Factur-X XSD.

Profile: EN 16931 (« Comfort »). MINIMUM and BASIC WL carry no lines and are not
invoices under the French 2026 reform; BASIC lacks some fields we fill; EN 16931 is the
European norm itself, carries every line, the VAT breakdown with exemption reasons
(BT-120/121) and the notes with their subject codes (BT-21: PMT, PMD, AAB) in which the
French mandatory mentions travel, and is accepted by the French platforms.

French 2026 additions: category of operation in BT-23 (B1 goods, S1 services, M1 mixed;
the French CIUS use of the business process field), customer SIREN as buyer legal
identifier (BT-47, scheme 0002), delivery address (BG-15) when it differs, and the
option for VAT on debits as VAT point date code BT-8 = 5 (date of invoice).
"""

from __future__ import annotations

import re
from decimal import Decimal

from .einvoice_check import fatal_rules
from .models import Document, DocumentKind
from .totals import Totals, totals_of

PROFILE = "urn:cen.eu:en16931:2017"
LEVEL = "en16931"
CATEGORY_CODES = {"goods": "B1", "services": "S1", "mixed": "M1"}
EXEMPTION = {
    # Late-payment interest and the fixed recovery indemnity: damages, not the
    # consideration of a supply (art. 256 CGI), hence outside the scope of VAT.
    "O": ("VATEX-EU-O", "Hors champ de la TVA (art. 256 CGI)"),
    "E": ("", "Exonération de TVA"),
}
POSTCODE_CITY = re.compile(r"^\s*(\d{4,5})\s+(.+)$")


class NoBreakdown(ValueError):
    """The document gives only its amount TTC: no valid EN 16931 invoice can be written."""


class RulesBroken(ValueError):
    """The XML written for the document breaks EN 16931 business rules (`failures`)."""

    def __init__(self, document, failures):
        self.failures = failures
        super().__init__(f"{document}: " + "; ".join(str(f) for f in failures))


def money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _address(text: str, country: str) -> dict:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    out: dict = {"country_code": country or "FR"}
    if lines and (m := POSTCODE_CITY.match(lines[-1])):
        out["postcode"], out["city"] = m.group(1), m.group(2)
        lines = lines[:-1]
    for key, line in zip(("addr_l1", "addr_l2", "addr_l3"), lines, strict=False):
        out[key] = line[:100]
    return out


def _seller(company, out_of_scope: bool) -> dict:
    party = {"name": company.display_name, **_address(company.address, company.country)}
    if company.siren:
        party["legal_identifier"] = company.siren
        party["legal_identifier_schemeid"] = "0002"
    # BR-O-02: a document with lines outside the scope of VAT names no VAT identifier
    if company.vat_number and not out_of_scope:
        party["vat_identifier"] = company.vat_number
    if company.email:
        party["einvoicing_addr"] = company.email
        party["einvoicing_addr_schemeid"] = "EM"
    return party


def _buyer(customer, out_of_scope: bool) -> dict:
    party = {
        "name": customer.name,
        "identifiers": {"": customer.code},
        "country_code": customer.country or "FR",
    }
    street = [line for line in customer.address.splitlines() if line.strip()]
    for key, line in zip(("addr_l1", "addr_l2", "addr_l3"), street, strict=False):
        party[key] = line[:100]
    if customer.postal_code:
        party["postcode"] = customer.postal_code
    if customer.city:
        party["city"] = customer.city
    if customer.siren:
        party["legal_identifier"] = customer.siren
        party["legal_identifier_schemeid"] = "0002"
    if customer.vat_number and not out_of_scope:
        party["vat_identifier"] = customer.vat_number
    emails = [e.strip() for e in re.split(r"[,;\s]+", customer.emails or "") if e.strip()]
    if emails:
        party["einvoicing_addr"] = emails[0]
        party["einvoicing_addr_schemeid"] = "EM"
    return party


def _lines(document: Document, totals: Totals) -> list[dict]:
    lines = list(document.lines.all())
    if not lines:  # header totals: one line per VAT group
        return [
            {
                "BT-126": str(i),
                "BT-129": "1",
                "BT-130": "C62",
                "BT-131": money(g.base),
                "BT-146": money(g.base),
                "BT-151": g.category,
                "BT-152": money(g.rate or 0),
                "BT-153": (document.description or str(document))[:300],
            }
            for i, g in enumerate(totals.groups, start=1)
        ]
    return [
        {
            "BT-126": str(i),
            "BT-129": f"{line.quantity.normalize():f}",
            "BT-130": "C62",
            "BT-131": money(line.net_amount),
            "BT-146": f"{line.unit_price.normalize():f}",
            "BT-151": line.vat_category,
            "BT-152": money(line.vat_rate),
            "BT-153": line.description[:300],
        }
        for i, line in enumerate(lines, start=1)
    ]


def _no_rate_when_out_of_scope(rows: list[dict], category_key: str, rate_key: str) -> None:
    """BR-O-05 / BR-O-09: a line or VAT group outside the scope of VAT carries no rate."""
    for row in rows:
        if row.get(category_key) == "O":
            row.pop(rate_key, None)


def data_dict(document: Document, notes: list[tuple[str, str]] = ()) -> dict:
    """The EN 16931 fields of `document` (`notes`: (subject code, text) pairs)."""
    totals = totals_of(document)
    if not totals.consistent:
        raise NoBreakdown(str(document))
    company, customer = document.company, document.customer
    out_of_scope = any(g.category == "O" for g in totals.groups)
    credit = document.kind == DocumentKind.CREDIT_NOTE  # its « paid » is what it settled
    data = {
        "BT-1": document.number,
        "BT-2": document.issue_date,
        "BT-3": "381" if document.kind == DocumentKind.CREDIT_NOTE else "380",
        "BT-5": document.currency,
        "BT-9": document.due_date,
        "BT-72": document.issue_date,  # delivery date: the CII delivery block is never empty
        "BT-24": PROFILE,
        "BG-4": _seller(company, out_of_scope),
        "BG-7": _buyer(customer, out_of_scope),
        "BT-106": money(totals.net),
        "BT-109": money(totals.net),
        "BT-110": money(totals.tax),
        "BT-112": money(totals.gross),
        "BT-113": money(document.paid_amount) if document.paid_amount and not credit else None,
        "BT-115": money(totals.gross if credit else document.balance),
        "BG-23": [],
        "BG-25": _lines(document, totals),
        "BG-1": [{"BT-21": code, "BT-22": text} for code, text in notes if text],
    }
    if document.operation:
        data["BT-23"] = CATEGORY_CODES[document.operation]
    if company.vat_on_debits and document.operation in ("services", "mixed"):
        data["BT-8"] = "invoice"
    if document.cancels_id:  # BT-25: the credit note names the document it cancels
        data["BG-3"] = [{"BT-25": document.cancels.number, "BT-26": document.cancels.issue_date}]
    if company.iban and not credit:
        data["BT-81"] = "58"  # SEPA credit transfer
        data["BT-84"] = company.iban
        data["BT-83"] = document.number
    if place := document.delivery_place:
        data["BG-13"] = {"name": customer.name, **_address(place, customer.country)}
    for g in totals.groups:
        group = {
            "BT-116": money(g.base),
            "BT-117": money(g.tax),
            "BT-118": g.category,
            "BT-119": money(g.rate or 0),
        }
        code, reason = EXEMPTION.get(g.category, ("", ""))
        if reason:
            group["BT-120"] = reason
        if code:
            group["BT-121"] = code
        data["BG-23"].append(group)
    _no_rate_when_out_of_scope(data["BG-25"], "BT-151", "BT-152")
    _no_rate_when_out_of_scope(data["BG-23"], "BT-118", "BT-119")
    return {k: v for k, v in data.items() if v not in (None, "", [])}


def factur_x_xml(document: Document, notes: list[tuple[str, str]] = ()) -> bytes:
    """The CII XML, checked against the Factur-X EN 16931 XSD by the library and against
    the EN 16931 business rules (einvoice_check); `RulesBroken` names the rules broken."""
    import facturx

    xml = facturx.generate_cii_xml(
        data_dict(document, notes), level=LEVEL, check_xsd=True, check_schematron=False
    )
    if failures := fatal_rules(xml):
        raise RulesBroken(document, failures)
    return xml


def embed(pdf: bytes, xml: bytes) -> bytes:
    """A Factur-X PDF: `pdf` with `xml` attached as factur-x.xml and the PDF/A-3 metadata."""
    import facturx

    return facturx.generate_from_binary(pdf, xml, flavor="factur-x", level=LEVEL, check_xsd=True)
