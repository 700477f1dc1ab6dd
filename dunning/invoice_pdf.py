"""An invoice without a PDF gets one, rendered from an editable HTML template.

It lives with the dunning rules because the invoice states their late-payment terms.
The template (receivables/templates/receivables/invoice_pdf.html; override it in the
project's templates/ folder) carries the company letterhead and the mentions the law
requires on a French invoice: payment date, late-payment penalty rate and, B2B only,
the 40 € fixed recovery indemnity. Rates come from the dunning late-charge rules (data).
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
from receivables.models import Document

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
                "logo_url": Path(logo).as_uri() if logo else "",
            },
        )


def ensure_invoice_pdf(document: Document) -> bytes:
    """The document's PDF; rendered and stored on `document.pdf` when it has none."""
    if document.pdf:
        try:
            with document.pdf.open("rb") as fh:
                return fh.read()
        except FileNotFoundError:
            log.warning("PDF file of %s is missing, rendering it again", document)
    logo = document.company.logo_path
    pdf = html_to_pdf(render_invoice_html(document), files=[logo] if logo else [])
    name = f"{document.get_kind_display()}-{document.number}.pdf".replace("/", "-").replace(
        " ", "-"
    )
    document.pdf.save(name, ContentFile(pdf), save=False)
    Document.objects.filter(pk=document.pk).update(pdf=document.pdf.name)
    return pdf
