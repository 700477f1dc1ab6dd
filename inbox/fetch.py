"""Read each company's reply mailbox over IMAP (imap-tools): every message once.

Once, even across crashes: a message is recorded with its effects (`effects.record`,
one transaction, unique on mailbox + UIDVALIDITY + UID and on its Message-ID) BEFORE it
is moved or flagged on the server. A crash after the record and before the move leaves
it in the folder: the next fetch finds it recorded, applies nothing, and moves it. A
crash before the record leaves it unread: the next fetch reads it. Nothing is lost,
nothing is applied twice.

A mailbox that is down or refuses the login is not retried at each run: it waits
RELANCE_INBOX_BACKOFF seconds, doubled at each failure (at most a day), and says why on
the settings screen and the dashboard.
"""

from __future__ import annotations

import imaplib
import re
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage
from imap_tools.errors import ImapToolsError

from dunning.scan import scan
from receivables.logcontext import for_company

from .effects import Context, record_chunk
from .models import AfterRead, Kind, Mailbox, Security

KEYWORD = "$Relance"  # the flag of a processed message when they are not moved
CHUNK = 200  # messages fetched at once, at most
CHUNK_BYTES = 16 * 1024 * 1024  # and at most this many bytes (a lone bigger one alone)
SIZE = re.compile(rb"UID (\d+) RFC822\.SIZE (\d+)|RFC822\.SIZE (\d+) UID (\d+)")
MAX_WAIT = timedelta(days=1)
IMAP_ERRORS = (ImapToolsError, imaplib.IMAP4.error, OSError, socket.timeout, ssl.SSLError)


class RawMessage(MailMessage):
    """The fetched bytes and UID only: effects.py parses the message itself, once."""

    def __init__(self, fetch_data: list) -> None:
        raw, uid_data, flag_data = self._get_message_data_parts(fetch_data)
        self._raw_uid_data, self._raw_flag_data, self.raw = uid_data, flag_data, raw


def _box_class(security: str):
    base = {Security.SSL: MailBox, Security.STARTTLS: MailBoxStartTls}.get(
        security, MailBoxUnencrypted
    )
    return type("RelanceMailBox", (base,), {"email_message_class": RawMessage})


def connect(mailbox: Mailbox, folder: str | None = None, timeout: float = 30):
    """A logged-in imap-tools mailbox (a context manager), `folder` selected."""
    box = _box_class(mailbox.security)(mailbox.host, mailbox.port, timeout=timeout)
    return box.login(mailbox.login, mailbox.password, folder)


@dataclass
class FetchReport:
    mailbox: int
    read: int = 0  # messages recorded now
    known: int = 0  # already recorded (a crash before the move, a copy)
    kinds: dict[str, int] = field(default_factory=dict)
    error: str = ""
    skipped: bool = False  # waiting after a failure


def test_connection(mailbox: Mailbox) -> tuple[bool, str]:
    """The « Tester » button: log in, open the folder, say what the server said."""
    try:
        with connect(mailbox, None, timeout=15) as box:
            status = box.folder.status(mailbox.folder, ["MESSAGES"])
            return True, f"OK : {status.get('MESSAGES', 0)} message(s) dans « {mailbox.folder} »"
    except IMAP_ERRORS as exc:
        return False, in_words(exc)


def in_words(exc: Exception) -> str:
    text = str(exc) or exc.__class__.__name__
    return text.replace("\\r\\n", " ")[:500]


def fetch_mailbox(mailbox: Mailbox, *, now: datetime | None = None, force=False) -> FetchReport:
    with for_company(mailbox.company_id):  # the company's id on every log line
        return _fetch(mailbox, now=now, force=force)


def _fetch(mailbox: Mailbox, *, now: datetime | None, force: bool) -> FetchReport:
    now = now or timezone.now()
    report = FetchReport(mailbox=mailbox.pk)
    if not force and mailbox.next_try_at and mailbox.next_try_at > now:
        report.skipped = True
        return report
    try:
        with connect(mailbox, mailbox.folder) as box:
            _read_folder(box, mailbox, report)
    except IMAP_ERRORS as exc:
        report.error = in_words(exc)
    _remember(mailbox, report, now)
    if report.kinds.get(Kind.REPLY) or report.kinds.get(Kind.BOUNCE):
        scan(mailbox.company_id)  # « réponse à traiter » shows on the documents at once
    return report


def _read_folder(box, mailbox: Mailbox, report: FetchReport) -> None:
    uidvalidity = box.folder.status(mailbox.folder, ["UIDVALIDITY"])["UIDVALIDITY"]
    moving = mailbox.after_read == AfterRead.MOVE
    if moving and not box.folder.exists(mailbox.done_folder):
        box.folder.create(mailbox.done_folder)
    uids = box.uids("ALL" if moving else f"UNKEYWORD {KEYWORD}")
    ctx = Context()
    for chunk in chunks_by_size(uids, _sizes(box, uids)):
        # one commit per chunk (each message in its own savepoint): all of it is
        # recorded before any of it is moved, or none of it and it is read again
        with transaction.atomic():
            fetched = box.fetch(uid_list=chunk, mark_seen=False, bulk=True)
            rows = record_chunk(mailbox, uidvalidity, [(int(m.uid), m.raw) for m in fetched], ctx)
        for row in rows:
            if row is None:
                report.known += 1
            else:
                report.read += 1
                kind = str(row.kind)
                report.kinds[kind] = report.kinds.get(kind, 0) + 1
        # recorded first, marked after: see the module docstring
        if moving:
            box.move(chunk, mailbox.done_folder)
        else:
            box.client.uid("STORE", ",".join(chunk), "+FLAGS", f"({KEYWORD})")


def _sizes(box, uids: list[str]) -> dict[str, int]:
    """Each message's size as the server counts it (one FETCH of RFC822.SIZE, no bodies)."""
    if not uids:
        return {}
    status, lines = box.client.uid("FETCH", ",".join(uids), "(RFC822.SIZE)")
    sizes = {}
    for line in lines if status == "OK" else []:
        raw = line[0] if isinstance(line, tuple) else line
        match = SIZE.search(raw) if isinstance(raw, bytes) else None
        if match:
            uid, size = (match[1], match[2]) if match[1] else (match[4], match[3])
            sizes[uid.decode()] = int(size)
    return sizes


def chunks_by_size(uids: list[str], sizes: dict[str, int]):
    """`uids` in chunks of at most CHUNK messages and CHUNK_BYTES bytes: a mailbox of big
    attachments is read a few messages at a time, memory flat (a size unknown counts 0)."""
    chunk, total = [], 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if chunk and (len(chunk) >= CHUNK or total + size > CHUNK_BYTES):
            yield chunk
            chunk, total = [], 0
        chunk.append(uid)
        total += size
    if chunk:
        yield chunk


def _remember(mailbox: Mailbox, report: FetchReport, now: datetime) -> None:
    if report.error:
        failures = mailbox.failures + 1
        wait = timedelta(seconds=settings.RELANCE_INBOX_BACKOFF * 2 ** (failures - 1))
        Mailbox.objects.filter(pk=mailbox.pk).update(
            failures=failures, last_error=report.error, next_try_at=now + min(wait, MAX_WAIT)
        )
    else:
        Mailbox.objects.filter(pk=mailbox.pk).update(
            failures=0, last_error="", next_try_at=None, last_ok_at=now
        )
    mailbox.refresh_from_db()


def fetch_all(*, now: datetime | None = None, force=False) -> list[FetchReport]:
    """Every enabled mailbox, one after the other (the periodic task, `relance fetch-mail`)."""
    return [
        fetch_mailbox(m, now=now, force=force)
        for m in Mailbox.objects.filter(enabled=True).order_by("pk")
    ]
