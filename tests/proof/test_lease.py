"""Leases on claimed reminders, with real worker processes on PostgreSQL (`manage.py
send_reminders --loop`) and a recording SMTP server (aiosmtpd). The lease is cut to a few
seconds through RELANCE_OUTBOX_TIMEOUT in the workers' environment (45 s by default).

- a killed worker's reminders are shown as interrupted once its lease runs out, and the
  next worker sends them (once) within seconds of that;
- a live worker renews its lease: a slow server (each message longer than the lease)
  does not let another worker take its reminders."""

import random
import re
import signal
import time
from html import unescape

import pytest
from django.utils.html import strip_tags

from receivables.models import Membership, Role

from . import harness

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
LEASE = 3  # seconds


def _summary(client, batch) -> str:
    html = client.get(f"/relances/lots/{batch.pk}/").content.decode()
    return " ".join(unescape(strip_tags(html)).split())


@pytest.fixture
def watcher(client, django_user_model):
    """Sign in someone of the batch's company, to read its summary page."""

    def sign_in(batch):
        user = django_user_model.objects.create_user("watcher", password="pw-watcher")
        Membership.objects.create(user=user, company=batch.company, role=Role.VIEWER)
        client.force_login(user)
        return client

    return sign_in


def _worker(env, log):
    workers = harness.Workers(env=env, count=1, log=log)
    workers.start()
    return workers


def test_a_killed_workers_reminders_show_as_interrupted_and_go_out_soon_after(
    postgres_url, settings, tmp_path, watcher
):
    settings.MEDIA_ROOT = tmp_path
    settings.RELANCE_OUTBOX_TIMEOUT = LEASE  # this process reads the summary page
    recorder = harness.Recorder(delay=0.05)
    smtp = harness.start_smtp(recorder)
    batch = harness.make_reminders(40, tmp_path)
    client = watcher(batch)
    env = harness.worker_env(postgres_url, smtp.port, tmp_path, timeout=LEASE)
    first = _worker(env, tmp_path / "first.log")
    second = None
    try:
        target = random.Random(5).randint(3, 15)
        while len(recorder.ids) < target and first.procs[0].poll() is None:
            time.sleep(0.005)
        first.procs[0].send_signal(signal.SIGKILL)
        first.procs[0].wait()
        killed_at, received_at_kill = time.monotonic(), len(recorder.ids)
        page = ""
        while "interrompu" not in page and time.monotonic() < killed_at + LEASE + 5:
            page = _summary(client, batch)
            time.sleep(0.2)
        shown_after = time.monotonic() - killed_at
        second = _worker(env, tmp_path / "second.log")
        settled = harness.wait_settled(batch.pk, limit=60)
        settled_after = time.monotonic() - killed_at
    finally:
        for workers in (first, second):
            if workers is not None:
                workers.stop()
        smtp.stop()
    v = harness.verdict(batch.pk, recorder)
    print(v, f"shown after {shown_after:.1f} s, settled after {settled_after:.1f} s")
    assert 0 < received_at_kill < 40  # the kill landed mid-batch
    assert re.search(r"\d+ interrompus?", page), page
    assert "Envoi interrompu. Le processus d'envoi qui tenait" in page
    assert shown_after < LEASE + 5
    assert settled and settled_after < 60, v.states  # taken up within a minute
    assert v.duplicates == [] and v.lost == [] and v.sent_not_received == []
    assert v.states["sent"] + v.states["needs_review"] == 40
    assert v.states["needs_review"] <= 1  # at most the one it was handing over
    page = _summary(client, batch)
    assert "interrompu" not in page.replace("Interrompu pendant l'envoi", "")
    if v.states["needs_review"]:
        assert "Interrompu pendant l'envoi : vérifier s'il est parti" in page


def test_a_live_worker_keeps_its_reminders_while_a_slow_server_outlasts_the_lease(
    postgres_url, settings, tmp_path
):
    """Each message takes longer than the whole lease: without renewal, the other worker
    would take the rows over (the one being handed over would go to review)."""
    from reminders.models import Reminder

    settings.MEDIA_ROOT = tmp_path
    recorder = harness.Recorder(delay=LEASE + 1.0)  # < EMAIL_TIMEOUT (5 s)
    smtp = harness.start_smtp(recorder)
    batch = harness.make_reminders(4, tmp_path)
    env = harness.worker_env(postgres_url, smtp.port, tmp_path, timeout=LEASE)
    first = _worker(env, tmp_path / "first.log")
    second = None
    try:
        deadline = time.monotonic() + 30
        while Reminder.objects.filter(batch=batch, state="sending").count() < 4:
            assert time.monotonic() < deadline, "the first worker never claimed the batch"
            time.sleep(0.05)
        second = _worker(env, tmp_path / "second.log")  # looks every 0.3 s
        settled = harness.wait_settled(batch.pk, limit=60)
    finally:
        for workers in (first, second):
            if workers is not None:
                workers.stop()
        smtp.stop()
    v = harness.verdict(batch.pk, recorder)
    second_log = (tmp_path / "second.log").read_text()
    print(v, second_log[-2000:])
    assert settled, v.states
    assert v.states == {"sent": 4}, v.states  # none taken over, none sent to review
    assert v.duplicates == [] and v.sent_not_received == []
    assert re.findall(r"envoyés (\d+)", second_log) and not re.search(
        r"envoyés [1-9]|à vérifier [1-9]", second_log
    )  # the second worker looked, and found nothing to take
