"""The files a reminder carries: the invoice PDFs, stored once by content as proof."""

import hashlib
from html import escape

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from receivables.models import Document

from .keywords import fmt_date, fmt_money


def pdf_filename(document: Document) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in document.number)
    return f"{document.get_kind_display()}-{safe}.pdf".replace(" ", "_")


def _minimal_pdf(document: Document) -> bytes:
    """A one-page summary when the invoice has no PDF of its own (imported without one)."""
    from relance.pdf import html_to_pdf

    lang = document.customer.language if document.customer.language in ("fr", "en") else "fr"
    company = document.company
    rows = [
        ("Client", document.customer.name),
        ("Date", fmt_date(document.issue_date, lang)),
        ("Échéance", fmt_date(document.due_date, lang)),
        ("Nature", document.description),
        ("Montant TTC", fmt_money(document.amount, document.currency, lang)),
        ("Réglé", fmt_money(document.paid_amount, document.currency, lang)),
        ("Solde", fmt_money(document.balance, document.currency, lang)),
    ]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    html = (
        "<html><head><style>@page{size:A4;margin:20mm} body{font-family:'DejaVu Sans';"
        "font-size:10pt} th{text-align:left;padding-right:8mm}</style></head><body>"
        f"<h2>{escape(company.display_name)}</h2><p>{escape(company.address)}</p>"
        f"<h1>{escape(str(document))}</h1><table>{cells}</table>"
        f"<p><small>{escape(company.legal_mentions)}</small></p></body></html>"
    )
    return html_to_pdf(html)


def document_pdf(document: Document) -> bytes:
    """The document's PDF: the invoicing module's when it exists, else the uploaded one,
    else a minimal render."""
    try:
        from receivables.pdf import ensure_invoice_pdf
    except ImportError:
        ensure_invoice_pdf = None
    if ensure_invoice_pdf is not None:
        ensure_invoice_pdf(document)
    if document.pdf:
        with document.pdf.open("rb") as fh:
            return fh.read()
    return _minimal_pdf(document)


def store(content: bytes, extension: str = "pdf") -> tuple[str, str]:
    """Save `content` under its SHA-256 (written once, never overwritten): (name, sha256)."""
    sha = hashlib.sha256(content).hexdigest()
    name = f"reminders/{sha[:2]}/{sha}.{extension}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name, sha


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()
