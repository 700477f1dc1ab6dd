"""The files a reminder carries: the invoice PDFs, stored once by content as proof.

A stored file is never rewritten in place: the storage gives a new name to every file
saved (an invoice's PDF replaced by an import or rendered again gets a new one), and a
proof copy is named by its content. So on local disk the proof copy of an invoice's PDF
is a hard link to the invoice's own file when it can be (same disk): the same bytes,
kept when the invoice's file is deleted, without writing them again (creating a file
cost about a tenth of a reminder's CPU). Its SHA-256 stays on the Attachment row.
"""

import hashlib
import os
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage

from dunning.invoice_pdf import ensure_invoice_pdf
from receivables.models import Document, DocumentKind

from .models import Attachment


def pdf_filename(document: Document) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in document.number)
    kind = DocumentKind(document.kind).label  # get_kind_display rebuilds its choices per call
    return f"{kind}-{safe}.pdf".replace(" ", "_")


def document_pdf(document: Document) -> bytes:
    """The document's PDF: the one it has, else its invoice rendered and kept."""
    return ensure_invoice_pdf(document)


def store(content: bytes, extension: str = "pdf", source: str = "") -> tuple[str, str]:
    """Save `content` under its SHA-256 (written once, never overwritten): (name, sha256).
    `source`: the name in the storage of a file holding exactly `content`, to link to."""
    sha = hashlib.sha256(content).hexdigest()
    name = f"reminders/{sha[:2]}/{sha}.{extension}"
    if isinstance(default_storage, FileSystemStorage):
        path = default_storage.path(name)
        if not (source and _linked(default_storage.path(source), path, content)):
            _write_once(path, content)
    elif not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return name, sha


def _linked(source: str, path: str, content: bytes) -> bool:
    """Whether `path` now names the file `source` (or was already stored); False when
    a link cannot be made (another disk, no hard links) or the file linked no longer holds
    `content` (its name was freed and taken since it was read): then the bytes are written."""
    try:
        os.link(source, path)
    except FileExistsError:
        return True
    except FileNotFoundError:  # the folder's first file, or no source any more
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.link(source, path)
        except FileExistsError:
            return True
        except OSError:
            return False
    except OSError:  # EXDEV, EPERM, EMLINK...
        return False
    with open(path, "rb") as linked:  # a read costs a tenth of writing a new file
        if linked.read() == content:
            return True
    os.unlink(path)
    return False


def _write_once(path: str, content: bytes) -> None:
    """On local disk, straight to the file: a name derived from the content needs none of
    the storage's name checks (about half a millisecond per reminder of a big batch).
    Written aside then renamed, so a reader never sees half a file; two workers (or
    threads) storing the same content both succeed."""
    if os.path.exists(path):
        return
    aside = f"{path}.{uuid.uuid4().hex}.part"  # one per writer, threads included
    mode = settings.FILE_UPLOAD_PERMISSIONS or 0o644
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(aside, flags, mode)
    except FileNotFoundError:  # the folder's first file (a makedirs each time cost more)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(aside, flags, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    os.replace(aside, path)


def read(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def attach(reminder, documents, stored: dict, keep=None) -> list[Attachment]:
    """Unsaved Attachment rows: each document's PDF for `reminder`, its proof copy stored
    once per document however many reminders carry it (`stored`: the caller's cache).
    `keep(name, content)`: handed the bytes just stored, so the sender need not read
    them back."""
    rows = []
    for doc in documents:
        if doc.pk not in stored:
            content = document_pdf(doc)  # stored as doc.pdf (read, or rendered and saved)
            stored[doc.pk] = (*store(content, source=doc.pdf.name), len(content))
            if keep is not None:
                keep(stored[doc.pk][0], content)
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
