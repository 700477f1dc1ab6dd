"""CI-sized crash test: 100 reminders, 2 real worker processes, 3 SIGKILLs mid-sending.
Every reminder ends sent exactly once (counted at the SMTP server) or listed for review.
The full run (2,000 reminders, 30 kills) is bench/crash.py."""

import random

import pytest

from . import harness

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_killed_workers_never_send_twice_nor_lose_a_reminder(postgres_url, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    recorder = harness.Recorder(delay=0.01)
    smtp = harness.start_smtp(recorder)
    batch = harness.make_reminders(100, tmp_path)
    workers = harness.Workers(env=harness.worker_env(postgres_url, smtp.port, tmp_path))
    try:
        harness.run_kills(workers, recorder, batch.pk, 3, random.Random(3), most=25)
        settled = harness.wait_settled(batch.pk, limit=120)
    finally:
        workers.stop()
        smtp.stop()
    v = harness.verdict(batch.pk, recorder)
    print(v)
    assert settled, v.states
    assert workers.kills == 3
    assert v.total == 100
    assert v.duplicates == []
    assert v.lost == []
    assert v.sent_not_received == []
    assert v.documents_behind == 0
    assert v.states["sent"] + v.states["needs_review"] == 100


def test_a_killed_db_worker_leaves_its_batch_to_the_next_one(postgres_url, settings, tmp_path):
    """The embedded default: `manage.py db_worker` runs reminders.tasks.process_batch.
    Killed mid-batch, its task stays "running" in django-tasks-db's table for ever (no
    other worker takes it); the next worker must finish the batch all the same."""
    from django_tasks_db.models import DBTaskResult

    settings.MEDIA_ROOT = tmp_path
    recorder = harness.Recorder(delay=0.02)
    smtp = harness.start_smtp(recorder)
    batch = harness.make_reminders(60, tmp_path)
    assert DBTaskResult.objects.filter(task_path__endswith="process_batch").count() == 1
    workers = harness.Workers(
        env=harness.worker_env(postgres_url, smtp.port, tmp_path),
        count=1,
        command=harness.DB_WORKER,
    )
    try:
        harness.run_kills(workers, recorder, batch.pk, 1, random.Random(7), most=20)
        received_at_kill = len(recorder.ids)
        settled = harness.wait_settled(batch.pk, limit=25)
    finally:
        workers.stop()
        smtp.stop()
    v = harness.verdict(batch.pk, recorder)
    print(v)
    assert workers.kills == 1
    assert 0 < received_at_kill < 60  # the kill landed mid-batch
    assert settled, v.states
    assert v.total == 60
    assert v.duplicates == []
    assert v.lost == []
    assert v.sent_not_received == []
    assert v.documents_behind == 0
    assert v.states["sent"] + v.states["needs_review"] == 60
    assert v.states["needs_review"] <= 25  # only the chunk the dead worker had claimed
