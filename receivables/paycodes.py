"""Payment codes printed on reminders: what makes paying one scan away.

- Euro companies: the EPC069-12 SEPA credit-transfer QR code ("GiroCode").
- CHF companies: the Swiss QR-bill payment part, built by qrbill.

The structured creditor reference (ISO 11649, "RF…") is built from the invoice number;
`banking.matching` recognises exactly that reference on the incoming statement line, so a
payment made by scanning the code is matched without a person.
"""

from __future__ import annotations

import base64
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache

from django.template import Context
from django.template.base import render_value_in_context
from django.template.loader import get_template
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

from .qrcodes import PRINT_SCALE, SCALE, qr_png

logger = logging.getLogger(__name__)

EPC_MAX_NAME = 70
EPC_MAX_TEXT = 140
RF_MAX_BODY = 21  # RF + 2 check digits + up to 21 characters = 25


def reference_body(number: str) -> str:
    """The part of an invoice number an RF reference can carry: letters and digits, upper case."""
    return re.sub(r"[^A-Za-z0-9]", "", number).upper()


def rf_reference(number: str) -> str | None:
    """The ISO 11649 creditor reference of an invoice number, e.g. "3" -> "RF203".

    None when the number has no letter or digit, or is too long to fit (21 characters).
    """
    body = reference_body(number)
    if not body or len(body) > RF_MAX_BODY:
        return None
    reference = "RF" + mod_97_10.calc_check_digits(body + "RF") + body
    return iso11649.validate(reference)


def body_of_rf(reference: str) -> str | None:
    """The invoice-number part of a valid RF reference (None when not a valid one)."""
    if not iso11649.is_valid(reference):
        return None
    return iso11649.compact(reference)[4:]


@dataclass(frozen=True)
class Remittance:
    """What the payer's bank transmits: a structured reference, else a short text."""

    reference: str | None
    text: str | None

    @cached_property  # printed twice per reminder: HTML and text
    def printed(self) -> str:
        return iso11649.format(self.reference) if self.reference else (self.text or "")


def remittance_for(numbers: Sequence[str]) -> Remittance:
    """One invoice: its RF reference. Several: "Factures 3, 5" (the matching reads both)."""
    if len(numbers) == 1 and (reference := rf_reference(numbers[0])):
        return Remittance(reference=reference, text=None)
    label = "Facture" if len(numbers) == 1 else "Factures"
    text = f"{label} {', '.join(numbers)}"
    if len(text) > EPC_MAX_TEXT:  # keep whole numbers only
        text = text[: EPC_MAX_TEXT - 1].rsplit(",", 1)[0] + "…"
    return Remittance(reference=None, text=text)


def compact_iban(iban: str) -> str:
    return re.sub(r"\s", "", iban or "").upper()


def printed_iban(iban: str) -> str:
    """The IBAN as people read and copy it: groups of four (ISO 13616's paper format)."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def printed_amount(amount: Decimal) -> str:
    """2 017,21 in French, 2,017.21 in English: the active language's grouping."""
    return number_format(amount, 2, force_grouping=True)


EPC_CHARSETS = ("utf-8", "iso-8859-1")  # EPC069-12 character sets 1 and 2
EPC_MAX_BYTES = 331


def epc_payload(
    *, name: str, iban: str, amount: Decimal, remittance: Remittance, bic: str = ""
) -> bytes:
    """The EPC069-12 version 002 payload: BCD/002/charset/SCT/BIC/name/IBAN/EURamount/
    purpose/RF reference/text, one per line. Latin-1 when it fits (set 2), else UTF-8."""
    amount = Decimal(amount)
    if not Decimal("0.01") <= amount <= Decimal("999999999.99"):
        raise ValueError(f"EPC QR: amount out of range: {amount}")
    name, bic = name.strip()[:EPC_MAX_NAME], (bic or "").strip()
    if not name or not 4 < len(iban) <= 34 or len(bic) not in (0, 8, 11):
        raise ValueError(f"EPC QR: invalid name, IBAN or BIC: {name!r} {iban!r} {bic!r}")
    fields = ["BCD", "002", "", "SCT", bic, name, iban]
    fields.append("EUR" + f"{amount:.2f}".rstrip("0").rstrip("."))
    fields += ["", remittance.reference or ""]
    if remittance.text:  # a structured reference, or a text: never both
        fields.append(remittance.text[:EPC_MAX_TEXT])
    for charset, encoding in ((2, "iso-8859-1"), (1, "utf-8")):
        fields[2] = str(charset)
        try:
            data = "\n".join(fields).encode(encoding)
        except UnicodeEncodeError:
            continue
        if len(data) > EPC_MAX_BYTES:
            raise ValueError(f"EPC QR: payload of {len(data)} bytes, at most {EPC_MAX_BYTES}")
        return data
    raise AssertionError("UTF-8 encodes every string")


def _swiss_address(name: str, street_lines: list[str], pcode: str, city: str, country: str):
    if not (pcode and city):
        return None
    return {
        "name": name[:70],
        "street": " ".join(street_lines)[:70],
        "pcode": pcode[:16],
        "city": city[:35],
        "country": country or "CH",
    }


def _company_address(company) -> dict | None:
    lines = [line.strip() for line in (company.address or "").splitlines() if line.strip()]
    match = re.match(r"^(?:[A-Z]{2}-)?(\S+)\s+(.+)$", lines[-1]) if lines else None
    if not match:
        return None
    return _swiss_address(
        company.display_name, lines[:-1], match.group(1), match.group(2), company.country
    )


def swiss_qr_bill(company, customer, amount: Decimal, remittance: Remittance):
    """The Swiss QR-bill (qrbill.QRBill) for a CHF company; raises ValueError when the
    company's IBAN or address cannot make one."""
    from qrbill import QRBill

    creditor = _company_address(company)
    if creditor is None:
        raise ValueError("L'adresse de la société doit finir par « code postal ville ».")
    debtor = None
    if customer is not None:
        debtor = _swiss_address(
            customer.name,
            [line for line in customer.address.splitlines() if line.strip()],
            customer.postal_code,
            customer.city,
            customer.country,
        )
    language = company.language if company.language in ("fr", "de", "it", "en") else "fr"
    return QRBill(
        account=compact_iban(company.iban),
        creditor=creditor,
        debtor=debtor,
        amount=f"{amount:.2f}",
        currency="CHF",
        reference_number=remittance.reference,
        additional_information=(remittance.text or "")[:140],
        language=language,
    )


@dataclass
class PaymentCode:
    kind: str  # "epc" or "qrbill"
    iban: str
    bic: str
    amount: Decimal
    currency: str
    remittance: Remittance
    png: bytes  # the QR code alone: for e-mails and as a fallback image
    svg: str = ""  # the whole Swiss payment part (QR-bill only)

    @property
    def png_data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def payment_code(company, customer, documents, amount, *, scale: int = SCALE) -> PaymentCode | None:
    """The payment code for `amount` due on `documents`, or None when the company has no
    IBAN, the amount is not positive, or the currency has no code (only EUR and CHF do).
    `scale`: the picture's pixels per module (receivables.qrcodes)."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    iban = compact_iban(company.iban)
    if not iban or amount <= 0:
        return None
    remittance = remittance_for([d.number for d in documents])
    if company.currency == "EUR":
        payload = epc_payload(
            name=company.display_name,
            iban=iban,
            amount=amount,
            remittance=remittance,
            bic=company.bic,
        )
        png = qr_png(payload, scale=scale)
        return PaymentCode("epc", iban, company.bic, amount, "EUR", remittance, png)
    if company.currency == "CHF":
        try:
            bill = swiss_qr_bill(company, customer, amount, remittance)
        except ValueError as exc:  # e.g. a QR-IBAN (needs a QRR reference) or no address
            logger.warning("No Swiss QR-bill for %s: %s", company, exc)
            return None
        svg_out = io.StringIO()
        bill.as_svg(svg_out)
        svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg_out.getvalue())
        png = qr_png(bill.qr_data().encode("utf-8"), scale=scale)  # Swiss: UTF-8, level M
        return PaymentCode("qrbill", iban, company.bic, amount, "CHF", remittance, png, svg)
    return None


def payment_code_html(
    company, customer, documents, amount, code=None, *, for_print: bool = False
) -> SafeString:
    """A block for letters and e-mails: the QR code and the printed reference
    (empty string when no code applies). `for_print`: the printed letter's variant, styled
    by the letter's own sheet (no inline styles or flex box: each costs WeasyPrint time)."""
    code = code or payment_code(company, customer, documents, amount)
    if code is None:
        return mark_safe("")  # noqa: S308 - constant
    name = "payment_code_print.html" if for_print else "payment_code.html"
    html = _render_block(get_template(f"receivables/{name}"), *block_context(company, code))
    return mark_safe(html)  # noqa: S308 - rendered by an autoescaping template


def block_context(company, code: PaymentCode) -> tuple[dict, dict]:
    """The payment block template's context: (values fixed for a company, slots that vary)."""
    fixed = {
        "kind": code.kind,
        "company_name": company.display_name,
        "iban": code.iban,
        "printed_iban": printed_iban(code.iban),
        "bic": code.bic,
        "currency": code.currency,
        "colon": _text_labels(get_language())[0],  # French typography, or English
    }
    slots = {
        "amount": code.amount,
        "printed_amount": printed_amount(code.amount),
        "reference": code.remittance.printed,
        "qr_src": code.png_data_uri,
        "svg": mark_safe(code.svg),  # noqa: S308 - drawn by qrbill from escaped values
    }
    return fixed, slots


# A Django render of the payment block costs about 0.15 ms, a tenth of a reminder's wording,
# yet the blocks of one company in one language differ only by their slots: amount,
# reference, pictures. So each (template, language, fixed values) is rendered once with a
# marker in each slot and split on the markers (a "frame"); each reminder then joins the
# parts with its own values, printed by Django's own function (localized, autoescaped). The
# first reminder of a frame is also rendered in full and must read the same, else that
# frame is rendered in full every time (e.g. a template edited to filter or test a slot).
_SLOTS = ("amount", "printed_amount", "reference", "qr_src", "svg")
_MARKER = re.compile("\x00(" + "|".join(_SLOTS) + ")\x00")  # NUL: never in a template
_AUTOESCAPE = Context(autoescape=True)  # only read, as a template's context is
_frames: dict[tuple, tuple[str, ...] | None] = {}  # None: render in full


def _render_block(template, fixed: dict, slots: dict) -> str:
    # the loader's compiled template: a new one when templates are reloaded
    key = (template.template, get_language(), *fixed.items())
    if key not in _frames:
        full = template.render(fixed | slots)
        frame = _frame(template, fixed)
        if len(_frames) > 1000:  # companies x languages x variants: a handful in practice
            _frames.clear()
        _frames[key] = frame if frame and _fill(frame, slots) == full else None
        return full
    frame = _frames[key]
    return _fill(frame, slots) if frame else template.render(fixed | slots)


def _frame(template, fixed: dict) -> tuple[str, ...] | None:
    """The template rendered with a marker in each slot: (text, slot, text, …, slot, text)."""
    marked = template.render(fixed | {slot: f"\x00{slot}\x00" for slot in _SLOTS})
    parts = tuple(_MARKER.split(marked))
    return None if any("\x00" in text for text in parts[::2]) else parts


def _fill(frame: tuple[str, ...], slots: dict) -> str:
    parts = list(frame)
    for i in range(1, len(parts), 2):
        parts[i] = render_value_in_context(slots[parts[i]], _AUTOESCAPE)
    return "".join(parts)


@lru_cache(maxsize=32)
def _text_labels(language: str | None) -> tuple[str, str, str]:
    """(colon, amount label, reference label) in `language`, the active one."""
    colon = " : " if (language or "fr").startswith("fr") else ": "  # French typography
    return colon, _("Montant"), _("Référence à indiquer")


def payment_code_text(company, customer, documents, amount, code=None) -> str:
    """The same payment instructions for a plain-text body (no image there), in the
    active language (the caller activates the customer's)."""
    code = code or payment_code(company, customer, documents, amount)
    if code is None:
        return ""
    colon, amount_label, reference_label = _text_labels(get_language())
    lines = [
        f"IBAN{colon}{printed_iban(code.iban)}" + (f" · BIC{colon}{code.bic}" if code.bic else ""),
        f"{amount_label}{colon}{printed_amount(code.amount)} {code.currency}",
        f"{reference_label}{colon}{code.remittance.printed}",
    ]
    return "\n".join(lines)


def payment_block(
    company, customer, documents, amount: Decimal | None = None, *, for_print: bool = False
) -> tuple[str, str]:
    """(html, text) payment instructions for a reminder about `documents` (invoices only:
    a quote is not paid) asking for `amount`, the total the message claims (its
    reckoning: the balance, plus the charges when it claims them); None: the balance
    still due. ("", "") when no code applies. `for_print`: the HTML for a printed letter
    (see payment_code_html)."""
    invoices = [d for d in documents if d.kind == "invoice"]
    if amount is None:
        amount = sum((d.amount - d.paid_amount for d in invoices), Decimal("0"))
    if not invoices or amount <= 0:
        return "", ""
    scale = PRINT_SCALE if for_print else SCALE
    code = payment_code(company, customer, invoices, amount, scale=scale)  # one QR for both
    if code is None:
        return "", ""
    return (
        str(payment_code_html(company, customer, invoices, amount, code, for_print=for_print)),
        payment_code_text(company, customer, invoices, amount, code),
    )
