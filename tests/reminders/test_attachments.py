"""Proof copies of the PDFs a reminder carries: stored once by content, never rewritten."""

from pathlib import Path

from reminders import attachments as files


def test_the_same_pdf_is_stored_once_and_reads_back_whole(media):
    pdf = b"%PDF-1.7 facture F-1\n%%EOF\n"
    name, sha = files.store(pdf)
    again, _ = files.store(pdf)
    other, _ = files.store(pdf + b"% another invoice\n")
    assert again == name != other and sha in name
    assert files.read(name) == pdf
    stored = sorted(p.name for p in Path(media, "reminders").rglob("*") if p.is_file())
    assert len(stored) == 2 and not any(n.endswith(".part") for n in stored)


def test_workers_storing_the_same_pdf_at_once_all_succeed(media, monkeypatch):
    """Workers (threads too) word reminders carrying the same invoice at the same moment:
    none of them has finished writing it when the others look for it."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(files.os.path, "exists", lambda path: False)
    pdf = b"%PDF-1.7 " + b"x" * 200_000
    with ThreadPoolExecutor(8) as pool:
        names = {name for name, _sha in pool.map(lambda _i: files.store(pdf), range(64))}
    [name] = names
    assert files.read(name) == pdf


def test_the_proof_of_an_invoice_pdf_outlives_its_file_and_its_replacement(media):
    """Linked to the invoice's own file (not written again): deleting that file, or the
    storage saving a new PDF for the invoice, leaves the proof's bytes as they were sent."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    pdf = b"%PDF-1.7 facture F-2\n%%EOF\n"
    source = default_storage.save("documents/F-2.pdf", ContentFile(pdf))
    name, sha = files.store(pdf, source=source)
    assert Path(default_storage.path(name)).samefile(default_storage.path(source))
    newer = default_storage.save("documents/F-2.pdf", ContentFile(b"%PDF-1.7 corrected\n"))
    assert newer != source and files.read(name) == pdf
    default_storage.delete(source)
    default_storage.delete(newer)
    assert files.read(name) == pdf and sha in name


def test_a_pdf_that_cannot_be_linked_is_written(media, monkeypatch):
    """Another disk (EXDEV), or a file system without hard links: the bytes are written."""

    def refuse(*_args):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(files.os, "link", refuse)
    pdf = b"%PDF-1.7 facture F-3\n%%EOF\n"
    name, _sha = files.store(pdf, source="documents/elsewhere.pdf")
    assert files.read(name) == pdf


def test_a_pdf_whose_file_was_replaced_since_it_was_read_is_written(media):
    """The invoice's file was deleted and its name taken by another PDF between the read
    and the link: the proof holds the bytes that were read (and sent), not the new file's."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    sent = b"%PDF-1.7 facture F-4 as sent\n%%EOF\n"
    source = default_storage.save("documents/F-4.pdf", ContentFile(sent))
    default_storage.delete(source)
    assert default_storage.save(source, ContentFile(b"%PDF-1.7 another\n")) == source
    name, sha = files.store(sent, source=source)
    assert files.read(name) == sent and sha in name
    assert not Path(default_storage.path(name)).samefile(default_storage.path(source))
