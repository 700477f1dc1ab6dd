"""Crash harness: real worker processes (`manage.py send_reminders --loop`, or the Tasks
queue's `manage.py db_worker`) sending to a recording SMTP server (aiosmtpd), killed with
SIGKILL at random moments and restarted.

Used by bench/crash.py (2,000 reminders, 30 kills) and tests/proof/test_crash.py (CI size).
The verdict compares what the SMTP server received (Message-IDs) with the outbox rows.
"""

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 3, 10)
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Recorder:
    """aiosmtpd handler keeping every accepted Message-ID (thread-safe).
    `delay` seconds per DATA make the kills land while messages are in flight;
    `faults` (optional) returns a reply to give instead of accepting, or None."""

    def __init__(self, delay: float = 0.0, faults=None):
        self.delay = delay
        self.faults = faults
        self.ids: list[str] = []
        self.refused: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        mid = BytesHeaderParser().parsebytes(envelope.original_content)["Message-ID"] or ""
        if self.faults is not None:
            reply = await self.faults(server, mid)
            if reply is not None:
                with self.lock:
                    self.refused.append((mid, reply))
                return reply
        with self.lock:
            self.ids.append(mid.strip())
        return "250 2.0.0 OK queued"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_smtp(recorder: Recorder):
    from aiosmtpd.controller import Controller

    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


def make_reminders(n: int, media_root: Path):
    """A company with `n` customers, each with one invoice due for its first e-mail,
    and a batch of `n` queued e-mail reminders. Returns the batch."""
    from django.core.files.storage import default_storage

    from dunning.policies import ensure_default_policies
    from receivables.models import Company, Customer, Invoice
    from reminders.batches import create_batch
    from reminders.defaults import ensure_default_templates

    company = Company.objects.create(
        name="Crash SARL", email="compta@crash.example", address="1 rue du Test\n35000 Rennes"
    )
    ensure_default_policies(company)
    ensure_default_templates(company)
    pdf_name = default_storage.save("documents/crash.pdf", _content(TINY_PDF))
    customers = Customer.objects.bulk_create(
        Customer(
            company=company,
            code=f"K{i:05d}",
            name=f"Client {i}",
            emails=f"client{i}@crash.example",
            address="2 rue du Client",
            postal_code="35000",
            city="Rennes",
        )
        for i in range(n)
    )
    Invoice.objects.bulk_create(
        Invoice(
            company=company,
            customer=c,
            kind="invoice",
            number=f"F{i:05d}",
            issue_date=AS_OF - timedelta(days=40),
            due_date=AS_OF - timedelta(days=10),
            amount=Decimal("120.00"),
            pending_level=2,
            to_remind=True,
            to_remind_since=AS_OF - timedelta(days=10),
            pdf=pdf_name,
        )
        for i, c in enumerate(customers)
    )
    docs = list(Invoice.objects.filter(company=company))
    return create_batch(company, docs, channel="email", as_of=AS_OF)


def _content(data: bytes):
    from django.core.files.base import ContentFile

    return ContentFile(data)


# The cron / by-hand drain, and the embedded Tasks queue's worker (reminders.tasks).
SEND_REMINDERS = ("send_reminders", "--loop", "0.3")
DB_WORKER = ("db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload", "-v", "0")
# The scale-out path's worker (TASKS_BACKEND=rq): it forks a work horse per job.
RQ_WORKER = ("rqworker", "default", "-v", "0")


def children(pid: int) -> list[int]:
    """The processes `pid` started (an RQ worker's work horse and scheduler)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def work_horses(pid: int) -> list[int]:
    """The work horses an RQ worker forked: children leading their own process group
    (its scheduler, the other child, does not)."""
    return [k for k in children(pid) if os.getpgid(k) == k]


@dataclass
class Workers:
    """N worker processes; kill one with SIGKILL, restart it."""

    env: dict
    count: int = 2
    procs: list = field(default_factory=list)
    kills: int = 0
    log: Path | None = None
    command: tuple[str, ...] = SEND_REMINDERS

    def start_one(self) -> subprocess.Popen:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        return subprocess.Popen(
            [sys.executable, "manage.py", *self.command],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=out,
        )

    def start(self) -> None:
        self.procs = [self.start_one() for _ in range(self.count)]

    def kill_random(self, rng: random.Random) -> None:
        i = rng.randrange(len(self.procs))
        self.procs[i].send_signal(signal.SIGKILL)
        self.procs[i].wait()
        self.kills += 1
        self.procs[i] = self.start_one()

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def worker_env(
    database_url: str, smtp_port: int, media_root: Path, timeout: float = 3, chunk: int = 25
) -> dict:
    """The workers' environment, as a deployment sets it (relance/settings.py reads it).
    A lease of a few seconds: the tests kill workers on purpose and wait for their rows;
    live workers renew theirs every third of it."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="relance.settings",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="5",
        MEDIA_ROOT=str(media_root),
        RELANCE_OUTBOX_TIMEOUT=str(timeout),
        RELANCE_OUTBOX_CHUNK=str(chunk),
        TASKS_BACKEND="db",
        LOG_LEVEL="ERROR",
    )
    return env


def open_rows(batch_id: int) -> int:
    """Rows a worker still has to deal with (queued, or claimed and not finished)."""
    from reminders.models import Reminder

    return Reminder.objects.filter(batch_id=batch_id, state__in=["queued", "sending"]).count()


def run_kills(workers: Workers, recorder: Recorder, batch_id: int, kills: int, rng, most=60):
    """Kill a random worker `kills` times while work remains, each time after the server
    got a random number (1..most) of new messages: kills land mid-sending, not at start-up."""
    workers.start()
    while workers.kills < kills:
        target = len(recorder.ids) + rng.randint(1, most)
        deadline = time.monotonic() + 60
        while len(recorder.ids) < target and time.monotonic() < deadline:
            if open_rows(batch_id) == 0:
                return
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.02))
        workers.kill_random(rng)


def wait_settled(batch_id: int, limit: float) -> bool:
    """Wait until no row is queued or sending (stale 'sending' rows go to review)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if open_rows(batch_id) == 0:
            return True
        time.sleep(0.5)
    return False


@dataclass
class Verdict:
    total: int
    states: Counter
    received: int
    duplicates: list[str]
    sent_not_received: list[str]
    review_received: int
    lost: list[int]
    documents_behind: int

    @property
    def ok(self) -> bool:
        return not (self.duplicates or self.sent_not_received or self.lost or self.documents_behind)


def verdict(batch_id: int, recorder: Recorder) -> Verdict:
    """Compare the server's Message-IDs with the rows. Lost = neither sent nor listed
    for review; duplicate = one Message-ID received twice; a row 'sent' that the
    server never accepted is a lie (also counted)."""
    from receivables.models import Document
    from reminders.models import Reminder

    with recorder.lock:
        seen = Counter(recorder.ids)
    rows = list(Reminder.objects.filter(batch_id=batch_id).values_list("pk", "state", "message_id"))
    states = Counter(state for _pk, state, _m in rows)
    duplicates = sorted(m for m, n in seen.items() if n > 1)
    sent_not_received = [m for _pk, s, m in rows if s == "sent" and seen[m] == 0]
    review_received = sum(1 for _pk, s, m in rows if s == "needs_review" and seen[m])
    lost = [pk for pk, s, _m in rows if s not in ("sent", "needs_review")]
    sent_ids = [pk for pk, s, _m in rows if s == "sent"]
    behind = (
        Document.objects.filter(reminder_links__reminder_id__in=sent_ids)
        .exclude(dunning_level=2, pending_level=None)
        .count()
    )
    return Verdict(
        total=len(rows),
        states=states,
        received=sum(seen.values()),
        duplicates=duplicates,
        sent_not_received=sent_not_received,
        review_received=review_received,
        lost=lost,
        documents_behind=behind,
    )


class Outage:
    """The SMTP server stops while it holds the `at`-th message (its listener closed:
    connections are refused) and comes back on the same port `seconds` later."""

    def __init__(self, recorder: Recorder, at: int, seconds: float):
        self.recorder, self.at, self.seconds = recorder, at, seconds
        self.calls = 0
        self.controller = None
        self.back = threading.Event()
        recorder.faults = self._fault

    def start(self):
        self.controller = start_smtp(self.recorder)
        self.port = self.controller.port
        return self

    async def _fault(self, server, mid):
        self.calls += 1
        if self.calls == self.at:
            threading.Thread(target=self._down_and_up).start()
            await asyncio.sleep(self.seconds + 5)  # in flight when the server stops
        return None

    def _down_and_up(self) -> None:
        from aiosmtpd.controller import Controller

        down = self.controller
        down.loop.call_soon_threadsafe(down.server.close)
        down.stop()
        time.sleep(self.seconds)
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.back.set()

    def stop(self) -> None:
        self.back.wait(self.seconds + 10)
        if self.controller is not None:
            self.controller.stop()
