"""E-invoices: Factur-X / ZUGFeRD PDF and CII / UBL XML, read with the `factur-x` library.

The library extracts the XML from the PDF and parses CII and UBL alike into EN 16931
business terms (BT-1 number, BT-2 date, BT-9 due date, BG-7 buyer, BT-112 total...);
this module only maps those terms onto an upsert item and keeps the PDF.
"""

import hashlib
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Company, Document, DocumentKind, DocumentLine, PaymentMethod
from ..upsert import UpsertError, upsert_invoices
from .errors import ImportRejected, ImportResult, RowError
from .limits import check_bytes
from .values import parse_amount

# UNTDID 4461 payment means codes -> our methods.
PAYMENT_MEANS = {
    "10": PaymentMethod.CASH,
    "20": PaymentMethod.CHEQUE,
    "30": PaymentMethod.TRANSFER,
    "31": PaymentMethod.TRANSFER,
    "42": PaymentMethod.TRANSFER,
    "58": PaymentMethod.TRANSFER,
    "48": PaymentMethod.CARD,
    "54": PaymentMethod.CARD,
    "55": PaymentMethod.CARD,
    "49": PaymentMethod.DIRECT_DEBIT,
    "59": PaymentMethod.DIRECT_DEBIT,
}
DEFAULT_TERM_DAYS = 30  # French default payment term when the invoice states none


def _reject(filename: str, reason: str) -> ImportRejected:
    return ImportRejected([RowError(None, "", reason)], filename)


def extract_xml(data: bytes, filename: str) -> bytes:
    import facturx

    try:
        _name, xml = facturx.get_xml_from_pdf(data, check_xsd=False)
    except Exception as exc:  # the library raises bare Exceptions on damaged PDFs
        raise _reject(filename, _("PDF illisible : %(e)s") % {"e": exc}) from None
    if not xml:
        raise _reject(
            filename,
            _("ce PDF ne contient pas de facture électronique (Factur-X / ZUGFeRD)"),
        )
    return xml


def parse(xml: bytes, filename: str) -> dict:
    import facturx

    try:
        return facturx.parse_ubl_cii_xml(xml, check_xsd=False)
    except Exception as exc:
        raise _reject(
            filename, _("XML non reconnu comme facture CII ou UBL : %(e)s") % {"e": exc}
        ) from None


def to_item(data: dict, company: Company, filename: str) -> tuple[dict, list[str]]:
    """The upsert item for an EN 16931 invoice, and warnings."""
    import facturx

    warnings, missing = [], [bt for bt in ("BT-1", "BT-2") if not data.get(bt)]
    total = data.get("BT-112") or data.get("BT-115")
    if total in (None, ""):
        missing.append("BT-112")
    if not data.get("BG-7", {}).get("name"):
        missing.append("BG-7")
    if missing:
        raise _reject(
            filename, _("facture électronique incomplète : %(m)s") % {"m": ", ".join(missing)}
        )
    _check_seller(data.get("BG-4", {}), company, filename)
    amount = parse_amount(total)
    credit = facturx.is_credit_note(data) if data.get("BT-3") else False
    if amount < 0:
        amount, credit = -amount, not credit
    issue = data["BT-2"]
    due = data.get("BT-9")
    if not due and not credit:
        due = issue + timedelta(days=DEFAULT_TERM_DAYS)
        warnings.append(
            _("Pas d'échéance dans la facture : %(d)s retenue (30 jours).") % {"d": due}
        )
    item = {
        "number": str(data["BT-1"]).strip(),
        "kind": DocumentKind.CREDIT_NOTE if credit else DocumentKind.INVOICE,
        "issue_date": issue,
        "amount": amount,
        "customer": _buyer(data["BG-7"]),
        "payment_method": PAYMENT_MEANS.get(str(data.get("BT-81", "")), PaymentMethod.UNSPECIFIED),
    }
    if due:
        item["due_date"] = due if isinstance(due, date) else issue
    if data.get("BT-5"):
        item["currency"] = data["BT-5"]
    lines = [line.get("BT-153") for line in data.get("BG-25", []) if line.get("BT-153")]
    if lines:
        item["description"] = "; ".join(lines)[:300]
    for bt, field in (("BT-109", "amount_excl_tax"), ("BT-110", "tax_amount")):
        if data.get(bt) not in (None, ""):
            item[field] = abs(parse_amount(data[bt], "."))
    if str(data.get("BT-23", "")).upper() in ("B1", "S1", "M1"):
        item["operation_category"] = str(data["BT-23"]).upper()
    prepaid = parse_amount(data.get("BT-113")) if data.get("BT-113") else None
    if prepaid and prepaid > 0 and not credit:
        item["paid"] = prepaid
    return item, warnings


def _buyer(party: dict) -> dict:
    """Customer reference: the buyer identifier is the seller's customer code when present;
    otherwise the name finds (or creates) the customer."""
    customer = {"name": party["name"][:200]}
    identifiers = party.get("identifiers") or {}
    code = next((str(v) for v in identifiers.values() if v), "")
    if code and len(code) <= 50:
        customer["code"] = code
    contact = (party.get("contacts") or [{}])[0]
    if contact.get("name"):
        customer["contact_name"] = contact["name"][:200]
    email = contact.get("email") or (
        party.get("einvoicing_addr") if party.get("einvoicing_addr_schemeid") == "EM" else None
    )
    if email:
        customer["emails"] = email
    if contact.get("phone"):
        customer["phone"] = contact["phone"][:30]
    street = [party.get(k) for k in ("addr_l1", "addr_l2", "addr_l3") if party.get(k)]
    if street:
        customer["address"] = "\n".join(street)
    if party.get("postcode"):
        customer["postal_code"] = party["postcode"][:20]
    if party.get("city"):
        customer["city"] = party["city"][:100]
    if party.get("country_code"):
        customer["country"] = party["country_code"]
    return customer


def _check_seller(seller: dict, company: Company, filename: str) -> None:
    """A receivables ledger takes the company's own invoices only, not its suppliers'."""
    ours = {
        x.replace(" ", "").upper() for x in (company.siren, company.siret, company.vat_number) if x
    }
    theirs = {
        str(seller.get(k)).replace(" ", "").upper()
        for k in ("legal_identifier", "vat_identifier")
        if seller.get(k)
    }
    if ours and theirs and not _same_company(ours, theirs):
        raise _reject(
            filename,
            _("facture émise par %(s)s (%(ids)s), pas par %(c)s : ce n'est pas une facture client")
            % {
                "s": seller.get("name", "?"),
                "ids": ", ".join(sorted(theirs)),
                "c": company.display_name,
            },
        )


def _same_company(ours: set[str], theirs: set[str]) -> bool:
    def sirens(ids):  # SIRET starts with the SIREN; a French VAT number ends with it
        return {i[:9] for i in ids if i.isdigit()} | {i[-9:] for i in ids if i.startswith("FR")}

    return bool(ours & theirs or sirens(ours) & sirens(theirs))


def import_einvoice(
    company: Company, data: bytes, filename: str, fmt: str, *, today=None, dry_run=False
) -> ImportResult:
    xml = extract_xml(data, filename) if fmt == "pdf" else data
    check_bytes(len(xml), filename)
    parsed = parse(xml, filename)
    item, warnings = to_item(parsed, company, filename)
    result = ImportResult(filename=filename, kind="einvoice", rows=1, warnings=warnings)
    with transaction.atomic():
        try:
            result.add(upsert_invoices(company, [item], today=today, dry_run=dry_run))
        except UpsertError as exc:
            raise ImportRejected(
                [RowError(None, e.field, e.reason) for e in exc.errors], filename
            ) from None
        if dry_run:
            return result
        document = Document.objects.for_company(company).get(
            kind=item["kind"], number=item["number"]
        )
        store_lines(document, parsed.get("BG-25") or [])
        if fmt == "pdf":
            if attach_pdf(document, data) and not result.created:
                result.updated, result.unchanged = 1, 0
    return result


def store_lines(document: Document, lines: list[dict]) -> None:
    """The e-invoice's lines (BG-25), so the PDF we print states HT and TVA per rate:
    replaced as a whole on each import of the same invoice."""
    rows = []
    for position, line in enumerate(lines, start=1):
        net = line.get("BT-131")
        if net in (None, ""):
            continue
        quantity = line.get("BT-129") or "1"
        price = line.get("BT-146") or net
        rows.append(
            DocumentLine(
                document=document,
                position=position,
                description=str(line.get("BT-153") or "—")[:300],
                quantity=parse_amount(quantity, "."),
                unit_price=parse_amount(price, "."),
                net_amount=parse_amount(net, "."),
                vat_category=str(line.get("BT-151") or "S")[:2],
                vat_rate=parse_amount(line.get("BT-152") or "0", "."),
            )
        )
    DocumentLine.objects.filter(document=document).delete()
    DocumentLine.objects.bulk_create(rows)


def attach_pdf(document: Document, pdf: bytes) -> bool:
    """Keep `pdf` as the document's file unless it already is; True when it changed."""
    if document.pdf:
        try:
            with document.pdf.open("rb") as current:
                if hashlib.sha256(current.read()).digest() == hashlib.sha256(pdf).digest():
                    return False
        except FileNotFoundError:
            pass
    document.pdf.save(f"{document.number}.pdf".replace("/", "-"), ContentFile(pdf), save=False)
    document.save(update_fields=["pdf"])
    return True
