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
