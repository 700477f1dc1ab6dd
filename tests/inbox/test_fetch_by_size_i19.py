"""The fetch reads a mailbox in chunks bounded by bytes as well as by count: big
attachments are read a few at a time, and every message is still read once."""

from inbox import fetch
from inbox.fetch import chunks_by_size, connect, fetch_mailbox
from inbox.models import InboundMessage

from . import mails


def test_chunks_hold_at_most_the_bytes_and_the_count(monkeypatch):
    monkeypatch.setattr(fetch, "CHUNK", 3)
    monkeypatch.setattr(fetch, "CHUNK_BYTES", 1000)
    uids = [str(n) for n in range(1, 9)]
    sizes = {"1": 400, "2": 400, "3": 400, "4": 5000, "5": 10, "6": 10, "7": 10, "8": 10}
    assert list(chunks_by_size(uids, sizes)) == [
        ["1", "2"],
        ["3"],
        ["4"],  # bigger than a chunk: alone
        ["5", "6", "7"],  # the count bounds it
        ["8"],
    ]


def test_a_mailbox_of_big_messages_is_read_in_small_chunks_each_once(
    mailbox, dovecot, company, monkeypatch
):
    pdf = b"%PDF-1.4 " + b"x" * 30_000  # a 30 kB delivery note, 40 kB in base64
    for n in range(5):
        raw = mails.thunderbird_reply(
            f"reminder-{n}.{company.pk}@elsewhere.example",
            msg_id=f"big-{n}@anyway.example",
            pdf=pdf,
        )
        dovecot.deliver("alice", raw)
    with connect(mailbox, mailbox.folder) as box:  # the real server's sizes
        uids = box.uids("ALL")
        sizes = fetch._sizes(box, uids)
    assert sorted(sizes) == sorted(uids) and all(s > 40_000 for s in sizes.values())
    monkeypatch.setattr(fetch, "CHUNK_BYTES", 2 * min(sizes.values()) + 1)
    assert [len(c) for c in chunks_by_size(uids, sizes)] == [2, 2, 1]
    report = fetch_mailbox(mailbox)
    assert (report.read, report.error) == (5, "")
    assert InboundMessage.objects.count() == 5 and dovecot.uids("alice") == []
    assert fetch_mailbox(mailbox).read == 0
