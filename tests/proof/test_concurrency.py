"""Concurrency on PostgreSQL: two scans at once, a scan during a send, two users sending
the same selection. Threads with their own connections; the DATABASE stops duplicates
(the partial unique constraint one_live_reminder_per_document_level, conditional claims)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction

from dunning.scan import scan
from receivables.models import Document
from reminders.already import AlreadySending
from reminders.batches import create_batch
from reminders.models import Reminder, ReminderDocument, ReminderState
from reminders.sending import send_outbox

from . import harness

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises the whole file)")


def _together(*calls):
    """Run the calls at the same moment, each in a thread with its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # reported to the test, not swallowed
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def _state():
    return sorted(Document.objects.values_list("pk", "pending_level", "to_remind", "dunning_level"))


@pytest.fixture
def batch_setup(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_two_scans_at_once_agree_with_one_scan(batch_setup):
    batch = harness.make_reminders(30, batch_setup)
    Reminder.objects.filter(batch=batch).delete()  # only the documents matter here
    Document.objects.update(pending_level=None, to_remind=False, to_remind_since=None)
    as_of = harness.AS_OF + timedelta(days=20)
    results = _together(lambda: scan(as_of=as_of), lambda: scan(as_of=as_of))
    assert not [r for r in results if isinstance(r, Exception)], results
    after_two = _state()
    again = scan(as_of=as_of)
    assert again.changed == 0  # the two concurrent scans left what one scan leaves
    assert _state() == after_two
    assert Document.objects.filter(to_remind=True).count() == 30


def test_two_users_sending_the_same_selection_make_one_reminder_each(batch_setup):
    batch = harness.make_reminders(20, batch_setup)
    company = batch.company
    docs = list(Document.objects.filter(company=company))
    Reminder.objects.filter(batch=batch).delete()  # the documents are due again, no reminder
    results = _together(
        lambda: create_batch(company, docs, channel="email", as_of=harness.AS_OF),
        lambda: create_batch(company, docs, channel="email", as_of=harness.AS_OF),
    )
    refused = [r for r in results if isinstance(r, Exception)]
    made = [r for r in results if not isinstance(r, Exception)]
    queued = Reminder.objects.filter(state=ReminderState.QUEUED)
    # each document has exactly one live reminder, whatever the interleaving
    assert queued.count() == 20
    assert ReminderDocument.objects.filter(live=True).count() == 20
    # one batch; the other send writes nothing (no batch of refusals) and names it,
    # whether it lost the race on the unique index or came just after
    assert len(made) == 1 and len(refused) == 1, results
    [exc] = refused
    assert isinstance(exc, AlreadySending), exc
    assert exc.batch == made[0]
    assert exc.messages == [
        f"Déjà en cours d'envoi : ces pièces sont dans l'envoi n° {made[0].pk}."
    ]


def test_the_database_constraint_is_what_stops_the_duplicate(batch_setup):
    """Without the service's own checks, the partial unique index refuses a second live
    reminder for the same document and level."""
    batch = harness.make_reminders(1, batch_setup)
    link = ReminderDocument.objects.get(reminder__batch=batch)
    twin = Reminder.objects.get(batch=batch)
    twin.pk = None
    twin.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderDocument.objects.create(
            reminder=twin, document=link.document, level_rank=link.level_rank, live=True
        )


def test_a_batch_the_constraint_refuses_as_it_is_written_leaves_nothing(batch_setup, monkeypatch):
    """A live reminder the service's checks did not see (it came in between) is refused
    by the constraint while the batch's rows are written (by COPY on PostgreSQL): the
    user is told to try again, and nothing of the batch stays."""
    batch = harness.make_reminders(3, batch_setup)
    company = batch.company
    docs = list(Document.objects.filter(company=company))
    before = sorted(Reminder.objects.values_list("pk", "state"))
    monkeypatch.setattr("reminders.rendering.Renderer.already_live", lambda *a: False)
    monkeypatch.setattr("reminders.batches.refuse_repeat", lambda preview: None)
    with pytest.raises(ValidationError, match="vient d'être relancée"):
        create_batch(company, docs, channel="email", as_of=harness.AS_OF)
    assert sorted(Reminder.objects.values_list("pk", "state")) == before
    assert ReminderDocument.objects.filter(live=True).count() == 3


def test_a_scan_during_a_send_keeps_the_sent_level_and_sends_once(batch_setup, settings):
    recorder = harness.Recorder(delay=0.01)
    smtp = harness.start_smtp(recorder)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    try:
        batch = harness.make_reminders(40, batch_setup)
        results = _together(
            lambda: send_outbox(batch),
            lambda: send_outbox(batch),
            lambda: scan(as_of=harness.AS_OF),
        )
    finally:
        smtp.stop()
    assert not [r for r in results if isinstance(r, Exception)], results
    v = harness.verdict(batch.pk, recorder)
    assert v.states["sent"] == 40 and not v.duplicates and v.received == 40
    # sent documents stay at the level sent; a scan after agrees
    assert Document.objects.filter(dunning_level=2).count() == 40
    scan(as_of=harness.AS_OF)
    assert Document.objects.filter(dunning_level=2, pending_level=2).count() == 0


def test_a_worker_claiming_while_another_claims_takes_the_next_rows(batch_setup):
    """Two workers of one batch claim at the same moment: the second takes the next rows
    at once (SKIP LOCKED). It used to wait on the first's rows, find them taken, claim
    nothing and stop with the batch half sent (half the workers, half the rate)."""
    from reminders.outbox import claim

    batch = harness.make_reminders(6, batch_setup)
    first_holds, second_done = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():  # its claim stays uncommitted while the second claims
            rows = claim(3, batch.pk)
            first_holds.set()
            second_done.wait(30)
        return [r.pk for r in rows]

    def second():
        first_holds.wait(30)
        try:
            return [r.pk for r in claim(3, batch.pk)]
        finally:
            second_done.set()

    mine, theirs = _together(first, second)
    assert not isinstance(mine, Exception) and not isinstance(theirs, Exception), (mine, theirs)
    assert len(mine) == len(theirs) == 3 and not set(mine) & set(theirs)
    assert Reminder.objects.filter(batch=batch, state=ReminderState.SENDING).count() == 6
