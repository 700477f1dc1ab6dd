"""Lifecycle messages of French e-invoicing: UN/CEFACT CDAR (Cross Domain Acknowledgement
and Response, D22B) as profiled by the AFNOR XP Z12-012 standard and the DGFiP external
specifications v3 (annex « Format sémantique FE CDV », flux 6).

What we read, per status (the message may carry several):

    rsm:CrossDomainAcknowledgementAndResponse
      rsm:ExchangedDocument/ram:ID                                 message id (MDT-4)
      rsm:AcknowledgementDocument                                  one or more
        ram:IssueDateTime/udt:DateTimeString                       date of the status
        ram:ReferenceReferencedDocument                            the invoice concerned
          ram:IssuerAssignedID                                     its number (BT-1)
          ram:ProcessConditionCode                                 the status: 200 … 228
          ram:SpecifiedDocumentStatus
            ram:ReferenceDateTime/udt:DateTimeString               (preferred date)
            ram:ReasonCode, ram:Reason                             why (refused, disputed)
            ram:SpecifiedDocumentCharacteristic                    212: amount collected,
              ram:TypeCode MEN, ram:ValueAmount @currencyID        one per VAT rate;
                                                                   206: amount approved

Dates are UNTDID 2379 strings (102 YYYYMMDD, 203/204 with the time). The file is all or
nothing: any status we cannot read or apply is an error naming the line of the file,
the element and the field, and nothing is saved.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from lxml import etree

from ..coerce import BadValue
from ..lifecycle import COLLECTED, PARTLY_APPROVED, apply_statuses, status_code
from ..models import Company
from ..upsert import UpsertError
from .errors import ImportRejected, ImportResult, RowError

RSM = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
NS = {"rsm": RSM, "ram": RAM}
ROOT = f"{{{RSM}}}CrossDomainAcknowledgementAndResponse"
COLLECTED_AMOUNT = "MEN"  # « montant encaissé », BR-FR-CDV-14


def is_cdar(data: bytes) -> bool:
    return b"CrossDomainAcknowledgementAndResponse" in data[:4096]


def _name(element) -> str:
    return "ram:" + etree.QName(element).localname if element is not None else ""


def _text(parent, path: str):
    found = parent.find(path, NS)
    return found, (found.text or "").strip() if found is not None else ""


def _day(element, text: str) -> date:
    digits = text[:8]
    if element is not None and element.get("format") not in (None, "102", "203", "204"):
        raise BadValue(_("format de date %(f)s inconnu") % {"f": element.get("format")})
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise BadValue(_("date illisible : « %(v)s »") % {"v": text[:20]}) from None


def read_statuses(data: bytes, filename: str) -> tuple[list[dict], list[dict]]:
    """(items for `apply_statuses`, where each item's fields are in the file)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportRejected([RowError(exc.lineno, "", _("XML illisible : %(e)s") % {"e": exc.msg})],
                             filename) from None  # fmt: skip
    if root.tag != ROOT:
        raise ImportRejected(
            [RowError(root.sourceline, etree.QName(root).localname,
                      _("ce n'est pas un message de cycle de vie CDAR"))], filename)  # fmt: skip
    _el, message_id = _text(root, "rsm:ExchangedDocument/ram:ID")
    items, places, errors = [], [], []
    for ack in root.findall("rsm:AcknowledgementDocument", NS):
        when_el, when = _text(ack, "ram:IssueDateTime/*")
        references = ack.findall("ram:ReferenceReferencedDocument", NS)
        if not references:
            errors.append(RowError(ack.sourceline, "rsm:AcknowledgementDocument",
                                   _("aucune facture visée (ReferenceReferencedDocument)")))  # fmt: skip
        for ref in references:
            item, place = _status(ref, when_el, when, errors)
            item["message_id"], item["source"] = message_id, filename
            items.append(item)
            places.append(place)
    if not items and not errors:
        errors.append(RowError(root.sourceline, "rsm:AcknowledgementDocument",
                               _("le message ne contient aucun statut")))  # fmt: skip
    if errors:
        raise ImportRejected(errors, filename)
    return items, places


def _status(ref, when_el, when: str, errors: list[RowError]) -> tuple[dict, dict]:
    place = {"": (ref.sourceline, "ram:ReferenceReferencedDocument")}
    number_el, number = _text(ref, "ram:IssuerAssignedID")
    place["number"] = (_line(number_el, ref), "ram:IssuerAssignedID")
    code_el, code = _text(ref, "ram:ProcessConditionCode")
    if code_el is None:
        code_el, code = _text(ref, "ram:SpecifiedDocumentStatus/ram:ProcessConditionCode")
    place["status"] = (_line(code_el, ref), "ram:ProcessConditionCode")
    item = {"number": number, "status": code}
    detail = ref.find("ram:SpecifiedDocumentStatus", NS)
    if detail is not None:
        own_el, own = _text(detail, "ram:ReferenceDateTime/*")
        if own:
            when_el, when = own_el, own
        item["reason_code"] = _text(detail, "ram:ReasonCode")[1]
        item["reason"] = _text(detail, "ram:Reason")[1]
    place["date"] = (_line(when_el, ref), "ram:IssueDateTime")
    try:
        item["date"] = _day(when_el, when) if when else None
    except BadValue as exc:
        errors.append(RowError(place["date"][0], "ram:IssueDateTime", str(exc)))
    try:
        code = status_code(code)
    except BadValue:
        return item, place  # apply_statuses names it, with its place
    if code == COLLECTED and detail is not None:
        _amount(detail, item, place, errors, ("", COLLECTED_AMOUNT))
    elif code == PARTLY_APPROVED and detail is not None:
        # the amount approved; its characteristic's TypeCode is not checked (we could not
        # confirm the code the DGFiP annex gives it), MEN lines are not read for it
        _amount(detail, item, place, errors, None)
    return item, place


def _amount(detail, item: dict, place: dict, errors: list[RowError], codes) -> None:
    total, currencies = None, set()
    for char in detail.findall("ram:SpecifiedDocumentCharacteristic", NS):
        _t, kind = _text(char, "ram:TypeCode")
        value_el, value = _text(char, "ram:ValueAmount")
        wanted = kind in codes if codes is not None else kind != COLLECTED_AMOUNT
        if not wanted or value_el is None:
            continue
        place["amount"] = (_line(value_el, char), "ram:ValueAmount")
        try:
            total = (total or Decimal("0")) + Decimal(value)
        except InvalidOperation:
            errors.append(RowError(value_el.sourceline, "ram:ValueAmount",
                                   _("montant illisible : « %(v)s »") % {"v": value[:20]}))  # fmt: skip
        if value_el.get("currencyID"):
            currencies.add(value_el.get("currencyID").upper())
    if total is not None:
        item["amount"] = total
    if len(currencies) == 1:
        item["currency"] = currencies.pop()
    place.setdefault("amount", (detail.sourceline, "ram:SpecifiedDocumentStatus"))


def _line(element, fallback) -> int:
    return (element if element is not None else fallback).sourceline


def import_cdar(
    company: Company, data: bytes, filename: str, *, dry_run: bool = False
) -> ImportResult:
    items, places = read_statuses(data, filename)
    try:
        outcome = apply_statuses(company, items, dry_run=dry_run)
    except UpsertError as exc:
        errors = []
        for e in exc.errors:
            line, element = (places[e.index].get(e.field) or places[e.index][""]) if (
                e.index is not None) else (None, "")  # fmt: skip
            errors.append(RowError(line, f"{element} ({e.field})" if e.field else element,
                                   e.reason))  # fmt: skip
        raise ImportRejected(errors, filename) from None
    return lifecycle_result(outcome, filename, len(items))


def lifecycle_result(outcome, filename: str, rows: int) -> ImportResult:
    """An import's report for statuses: counts, payments, and what the collector must know."""
    result = ImportResult(filename=filename, kind="lifecycle", rows=rows)
    result.add(outcome)
    result.warnings = lifecycle_warnings(outcome)
    return result


def lifecycle_warnings(outcome) -> list[str]:
    """What the collector must know after statuses were applied (none for other kinds)."""
    warnings = list(getattr(outcome, "warnings", []))
    rejected = _(
        "Facture %(n)s rejetée par la plateforme (statut 213) : elle ne sera pas relancée ; "
        "corrigez-la et déposez-la de nouveau."
    )
    return warnings + [rejected % {"n": n} for n in getattr(outcome, "rejected", [])]
