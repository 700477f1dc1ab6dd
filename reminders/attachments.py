"""The files a reminder carries: the invoice PDFs, stored once by content as proof."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from receivables.models import Document
from receivables.pdf import ensure_invoice_pdf

from .models import Attachment


def pdf_filename(document: Document) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in document.number)
    return f"{document.get_kind_display()}-{safe}.pdf".replace(" ", "_")


def document_pdf(document: Document) -> bytes:
    """The document's PDF: the one it has, else its invoice rendered and kept."""
    return ensure_invoice_pdf(document)


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


def attach(reminder, documents, stored: dict) -> list[Attachment]:
    """Unsaved Attachment rows: each document's PDF for `reminder`, its proof copy stored
    once per document however many reminders carry it (`stored`: the caller's cache)."""
    rows = []
    for doc in documents:
        if doc.pk not in stored:
            content = document_pdf(doc)
            stored[doc.pk] = (*store(content), len(content))
        name, sha, size = stored[doc.pk]
        rows.append(
            Attachment(
                reminder=reminder,
                document=doc,
                filename=pdf_filename(doc),
                file=name,
                size=size,
                sha256=sha,
            )
        )
    return rows
