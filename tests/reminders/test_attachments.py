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
