"""A worker's claim on outbox rows is a lease that the worker renews while it lives.

Design: the heartbeat is the claimed rows' own `claimed_at` (no worker table to keep).
A claim sets it (`outbox.claim`, a conditional UPDATE); while the worker sends, a thread
sets it again every third of RELANCE_OUTBOX_TIMEOUT on the rows it still holds in
'sending'. A row whose `claimed_at` is older than the timeout belongs to a dead worker:
the next run takes it up (`outbox.flag_stale`) and the screens show it as interrupted
(`summary.batch_summary`). The thread never waits on a row lock (SKIP LOCKED: a row being
written by its worker is alive anyway), so it cannot deadlock with the sending thread.

The lease decides only when a dead worker's rows are looked at, never whether a message
goes twice: a row changes hands only through conditional UPDATEs on (state, claimed_by),
so a worker whose rows were taken cannot hand them to the server (reminders/outbox.py).
"""

import logging
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from .models import Reminder, ReminderState

log = logging.getLogger(__name__)


def timeout() -> timedelta:
    """How long a claim lasts without renewal (RELANCE_OUTBOX_TIMEOUT, read at each call)."""
    return timedelta(seconds=float(settings.RELANCE_OUTBOX_TIMEOUT))


def expired_before(now=None):
    """Rows in 'sending' claimed or renewed before this instant have lost their worker."""
    return (now or timezone.now()) - timeout()


def renew(token: str, now=None) -> int:
    """Stretch the lease of the rows this worker still holds under `token`."""
    with transaction.atomic():
        held = Reminder.objects.filter(claimed_by=token, state=ReminderState.SENDING)
        free = held.order_by().select_for_update(skip_locked=True).values("pk")
        return Reminder.objects.filter(pk__in=Subquery(free)).update(
            claimed_at=now or timezone.now()
        )


class Lease:
    """`with Lease() as lease:` renews the rows claimed under `lease.token` from a thread
    until the block ends. `new_token()` starts a new claim (one per chunk).

    Inside a transaction (tests, a caller's atomic block) the claims are invisible to
    other workers until it commits, and a second connection would wait on its locks:
    there is nothing to renew, so no thread is started."""

    def __init__(self):
        self.token = ""
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def new_token(self) -> str:
        self.token = uuid.uuid4().hex
        return self.token

    def __enter__(self) -> "Lease":
        if not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._run, name="outbox-lease", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join(timeout().total_seconds())

    def _run(self) -> None:
        try:
            while not self._done.wait(timeout().total_seconds() / 3):
                token = self.token
                if not token:
                    continue
                try:
                    renew(token)
                except DatabaseError:  # the next renewal may get through: two more tries
                    log.warning("could not renew the outbox lease", exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection
