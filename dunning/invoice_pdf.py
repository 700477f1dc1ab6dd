"""An invoice without a PDF gets one, rendered from an editable HTML template; a debit
note Relance issues gets the same layout.

It lives with the dunning rules because the invoice states their late-payment terms.
The template (receivables/templates/receivables/invoice_pdf.html; override it in the
project's templates/ folder) carries the company letterhead, HT / TVA per rate / TTC
(receivables.totals: from the lines, else the header totals) and the mentions the law
requires on a French invoice (art. L441-9 C. com., art. 242 nonies A ann. II CGI): SIREN,
TVA number, payment date, discount terms, late-payment penalty rate and, B2B only, the
40 € fixed recovery indemnity (once), and the 2026 additions: the customer's SIREN, the
category of the operation, the delivery address when it differs, the option for VAT on
debits. When the amounts are broken down, the PDF is a Factur-X (EN 16931) with its XML
embedded (receivables.einvoice_out). Rates come from the late-charge rules (data).
"""

import logging
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import translation

from printing.pdf import html_to_pdf
from receivables.einvoice_out import NoBreakdown, RulesBroken, embed, factur_x_xml
from receivables.models import Document, DocumentKind
from receivables.totals import totals_of

from .models import ReferenceRate
from .reckoner import charge_rule_for

log = logging.getLogger(__name__)


def late_payment_terms(document: Document) -> dict:
    """What the invoice must say about late payment, from the rule of its customer type."""
    business = document.customer.is_business
    terms = {
        "business": business,
        "margin": None,
        "base_rate": None,
        "rate": None,
        "indemnity": None,
        "reference": "",
        "series": "",
    }
    rule = charge_rule_for(document)
    if rule is None:
        terms.update(
            margin=Decimal("10") if business else None,
            indemnity=Decimal("40") if business else None,
        )
        return terms
    terms["reference"] = rule.reference
    terms["series"] = rule.get_rate_series_display() if rule.rate_series else ""
    terms["margin"] = rule.margin_points
    if rule.indemnity_bands:
        terms["indemnity"] = Decimal(str(rule.indemnity_bands[0][1]))
    if rule.rate_series:
        start = _half_year_start(document.due_date)
        base = (
            ReferenceRate.objects.filter(series=rule.rate_series, date__lte=start)
            .order_by("-date")
            .first()
        )
        if base is not None:
            terms["base_rate"] = base.rate
            terms["rate"] = base.rate + rule.margin_points
    return terms


# A line of the company's legal mentions that restates the late-payment terms: the
# invoice states them itself, computed for this customer (B2B or consumer) from the rules.
LATE_PAYMENT_LINE = re.compile(
    r"p[ée]nalit[ée]s? de retard|retard de paiement|L\.? ?441-10|D\.? ?441-5|"
    r"indemnit[ée] forfaitaire|late payment",
    re.IGNORECASE,
)


def other_mentions(company) -> list[str]:
    """The company's legal mentions (RCS, capital…) without its late-payment clause, so an
    invoice prints that clause once, the one computed for its customer."""
    lines = [line.strip() for line in (company.legal_mentions or "").splitlines()]
    return [line for line in lines if line and not LATE_PAYMENT_LINE.search(line)]


def _half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def vat_on_debits(document: Document) -> bool:
    """« Option pour le paiement de la taxe d'après les débits »: services only."""
    return document.company.vat_on_debits and document.operation in (
        "services",
        "mixed",
    )


def render_invoice_html(document: Document) -> str:
    company = document.company
    logo = company.logo_path
    with translation.override(document.customer.language or company.language):
        return render_to_string(
            "receivables/invoice_pdf.html",
            {
                "doc": document,
                "company": company,
                "customer": document.customer,
                "terms": late_payment_terms(document),
                "mentions": other_mentions(company),
                "totals": totals_of(document),
                "lines": list(document.lines.all()) if document.pk else [],
                "debit_note": document.kind == DocumentKind.DEBIT_NOTE,
                "vat_on_debits": vat_on_debits(document),
                "logo_url": Path(logo).as_uri() if logo else "",
            },
        )


def xml_notes(document: Document) -> list[tuple[str, str]]:
    """The French mentions carried as EN 16931 notes with their subject codes (UNTDID
    4451: PMD penalties, PMT fixed indemnity, AAB discount terms)."""
    if document.kind == DocumentKind.DEBIT_NOTE:
        return [("AAB", "Pas d'escompte. Payable à réception.")]
    terms = late_payment_terms(document)
    notes = [("AAB", "Pas d'escompte pour paiement anticipé.")]
    if terms["business"]:
        rate = terms["rate"] if terms["rate"] is not None else None
        notes.append(
            (
                "PMD",
                f"Pénalités de retard au taux de {rate} % l'an."
                if rate is not None
                else f"Pénalités de retard : taux directeur de la BCE + {terms['margin']} points.",
            )
        )
        if terms["indemnity"]:
            notes.append(
                (
                    "PMT",
                    f"Indemnité forfaitaire pour frais de recouvrement : {terms['indemnity']} €.",
                )
            )
    else:
        notes.append(("PMD", "Intérêts au taux légal après mise en demeure."))
    return notes


def render_pdf(document: Document) -> bytes:
    """The document's PDF, a Factur-X one when its amounts are broken down."""
    logo = document.company.logo_path
    pdf = html_to_pdf(render_invoice_html(document), files=[logo] if logo else [])
    if document.kind == DocumentKind.QUOTE:
        return pdf
    try:
        return embed(pdf, factur_x_xml(document, xml_notes(document)))
    except NoBreakdown:  # the file gave only the amount TTC: a plain PDF
        return pdf
    except RulesBroken as broken:  # no e-invoice a platform would reject: a plain PDF
        log.warning("No Factur-X XML for %s, EN 16931 rules broken: %s", document, broken)
        return pdf


def ensure_invoice_pdf(document: Document) -> bytes:
    """The document's PDF; rendered and stored on `document.pdf` when it has none."""
    if document.pdf:
        try:
            with document.pdf.open("rb") as fh:
                return fh.read()
        except FileNotFoundError:
            log.warning("PDF file of %s is missing, rendering it again", document)
    pdf = render_pdf(document)
    name = f"{document.get_kind_display()}-{document.number}.pdf".replace("/", "-").replace(
        " ", "-"
    )
    document.pdf.save(name, ContentFile(pdf), save=False)
    Document.objects.filter(pk=document.pk).update(pdf=document.pdf.name)
    return pdf
