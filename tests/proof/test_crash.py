"""CI-sized crash test: 100 reminders, 2 real worker processes, 3 SIGKILLs mid-sending.
Every reminder ends sent exactly once (counted at the SMTP server) or listed for review.
The full run (2,000 reminders, 30 kills) is bench/crash.py."""

import random

import pytest
from django.db import connection

from . import harness

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres_url():
    if connection.vendor != "postgresql":
        pytest.skip("several worker processes on one database: PostgreSQL's job, not SQLite's")
    s = connection.settings_dict
    user = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{user}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


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
