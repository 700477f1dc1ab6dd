"""SMTP faults: a server answering 421, 451, 550, stalling past EMAIL_TIMEOUT or dropping
the connection at random. Temporary errors are retried with backoff, permanent ones keep
the server's words, and no row is 'sent' that the server did not accept; a reply lost
after the whole message went out (stall, drop) is for a person to decide, never resent."""

import asyncio
import random
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from reminders.models import Reminder, ReminderState
from reminders.sending import send_outbox

from . import harness

FAULTS = ["ok", "ok", "ok", "421", "451", "550", "stall", "drop"]
REPLIES = {
    "421": "421 4.7.0 Try again later, closing connection",
    "451": "451 4.3.0 Mailbox temporarily unavailable",
    "550": "550 5.1.1 No such user here",
}


@pytest.fixture
def faulty_smtp(settings, tmp_path):
    """A recording server that misbehaves at random (seeded): returns (recorder, log)."""
    rng = random.Random(8)
    log: list[tuple[str, str]] = []
    recorder = harness.Recorder()

    async def faults(server, mid):
        fault = rng.choice(FAULTS)
        log.append((mid.strip(), fault))
        if fault == "stall":
            # the server took the message (queued for delivery) but its reply comes too
            # late: it WILL be delivered, the client cannot know. Resending = duplicate.
            with recorder.lock:
                recorder.ids.append(mid.strip())
            await asyncio.sleep(settings.EMAIL_TIMEOUT + 0.5)
            return "250 2.0.0 OK queued"
        if fault == "drop":
            server.transport.close()
            return "421 4.4.2 gone"
        return REPLIES.get(fault)

    recorder.faults = faults
    smtp = harness.start_smtp(recorder)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp.port
    settings.EMAIL_TIMEOUT = 1
    settings.MEDIA_ROOT = tmp_path
    yield recorder, log
    smtp.stop()


def _rows(batch):
    return list(Reminder.objects.filter(batch=batch))


def test_it_retries_later_reports_refusals_and_never_claims_an_unaccepted_send(
    faulty_smtp, tmp_path, db
):
    recorder, log = faulty_smtp
    batch = harness.make_reminders(40, tmp_path)
    rounds = 0
    while Reminder.objects.filter(batch=batch, state=ReminderState.QUEUED).exists():
        rounds += 1
        assert rounds < 40, "the outbox never settles"
        before = timezone.now()
        send_outbox(batch)
        retried = Reminder.objects.filter(batch=batch, state=ReminderState.QUEUED)
        for row in retried:  # postponed, with backoff growing with the attempts
            assert row.next_attempt_at >= before + timedelta(seconds=59)
            assert row.last_error
        retried.update(next_attempt_at=timezone.now())  # time passes
    accepted = Counter(recorder.ids)
    rows = _rows(batch)
    states = Counter(r.state for r in rows)
    print(states, Counter(f for _m, f in log))
    assert Counter(f for _m, f in log).keys() >= {"ok", "421", "451", "550", "stall", "drop"}
    assert all(n == 1 for n in accepted.values()), "a message reached the server twice"
    for row in rows:
        if row.state == ReminderState.SENT:
            assert accepted[row.message_id] == 1, f"{row.pk} marked sent, never accepted"
        elif row.state == ReminderState.FAILED:
            assert accepted[row.message_id] == 0, f"{row.pk} accepted, marked failed"
    refused = [r for r in rows if r.state == ReminderState.FAILED]
    assert refused
    for r in refused:  # the server's own words: a 5xx at once, or 4xx after the last try
        assert "550 5.1.1 No such user here" in r.last_error or r.attempts >= 5, r.last_error
    unsure = {m for m, f in log if f in ("stall", "drop")}
    for row in rows:
        if row.message_id in unsure:  # the reply was lost after the whole message went
            assert row.state == ReminderState.NEEDS_REVIEW, (row.state, row.last_error)
    assert all(r.attempts > 1 for r in rows if r.state == ReminderState.SENT and r.last_error)
    by_id = {r.message_id: r.state for r in rows}
    assert all(by_id[m] in (ReminderState.SENT, ReminderState.NEEDS_REVIEW) for m in accepted)
    assert set(states) <= {ReminderState.SENT, ReminderState.FAILED, ReminderState.NEEDS_REVIEW}


def test_a_server_outage_mid_batch_is_retried_and_only_the_message_in_flight_is_in_doubt(
    settings, tmp_path, db
):
    """The server stops while it holds message 15 of 50 and comes back 3 s later: the
    message in flight may have been accepted (a person decides); every other one had
    not reached the server, so it is retried and received exactly once."""
    settings.RELANCE_OUTBOX_BACKOFF = 1  # retries after 1 s, 2 s, 4 s … instead of 60 s
    settings.MEDIA_ROOT = tmp_path
    recorder = harness.Recorder()
    outage = harness.Outage(recorder, at=15, seconds=3).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = outage.port
    settings.EMAIL_TIMEOUT = 2
    batch = harness.make_reminders(50, tmp_path)
    deadline = time.monotonic() + 60
    try:
        while harness.open_rows(batch.pk) and time.monotonic() < deadline:
            send_outbox(batch)
            time.sleep(0.2)
    finally:
        outage.stop()
    rows = _rows(batch)
    states = Counter(r.state for r in rows)
    received = Counter(recorder.ids)
    assert outage.back.is_set() and len(received) >= 14
    assert states[ReminderState.NEEDS_REVIEW] <= 1, [r.last_error for r in rows][:20]
    assert states[ReminderState.SENT] + states[ReminderState.NEEDS_REVIEW] == 50, states
    assert all(n == 1 for n in received.values()), "a message reached the server twice"
    assert all(received[r.message_id] == 1 for r in rows if r.state == ReminderState.SENT)
    for row in rows:
        if row.state == ReminderState.NEEDS_REVIEW:
            assert "le message complet est parti" in row.last_error
    retried = [r for r in rows if r.attempts > 1]
    assert len(retried) >= 30  # refused during the outage, sent once it was over
    assert all(r.state == ReminderState.SENT and not r.last_error for r in retried)
