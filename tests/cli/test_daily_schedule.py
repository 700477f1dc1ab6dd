import shutil
import socket
import subprocess
import time

import pytest
from django.core import mail

from dunning.models import Level
from receivables.models import Invoice
from reminders.models import Batch, ReminderState
from reminders.runs_tasks import daily_all_companies

from .conftest import AS_OF


def test_daily_scans_and_sends_nothing_without_auto_send(cli, overdue):
    run = cli("daily", "--as-of", AS_OF)
    assert run.code == 0, run.err
    assert "3 changée(s), 3 à relancer" in run.out
    assert not Batch.objects.exists()


def test_daily_sends_the_automatic_levels_when_the_company_wants(cli, overdue, dunning_company):
    dunning_company.auto_send = True
    dunning_company.save()
    Level.objects.filter(policy__company=dunning_company, rank=1).update(automatic=True)
    run = cli("daily", "--as-of", AS_OF)
    assert run.code == 1  # Sans Mail cannot be mailed
    assert "lot automatique n° " in run.out
    assert "voir `relance outbox`" in run.err
    assert [m.to for m in mail.outbox] == [["daisy@anyway.example"]]
    assert Invoice.objects.get(number="A-1").reminder_count == 1
    again = cli("daily", "--as-of", AS_OF)  # the next run sends nothing twice ...
    assert len(mail.outbox) == 1
    assert Invoice.objects.get(number="A-1").reminder_count == 1
    # ... and does not report the same failure again: it waits in the outbox.
    assert (again.code, Batch.objects.count()) == (0, 1)
    assert "rien d'automatique à envoyer" in again.out


def test_daily_leaves_non_automatic_levels_to_a_person(cli, overdue, dunning_company):
    dunning_company.auto_send = True
    dunning_company.save()
    run = cli("daily", "--as-of", AS_OF)
    assert (run.code, mail.outbox) == (0, [])
    assert "rien d'automatique à envoyer" in run.out


def test_daily_rejects_bad_arguments(cli, overdue):
    assert cli("daily", "--as-of", "yesterday").code == 2
    assert cli("daily", "--company", "Nobody").code == 2


def test_schedule_explains_the_embedded_default(cli, db):
    run = cli("schedule")
    assert run.code == 2
    assert "relance daily" in run.err and "cron" in run.err


@pytest.fixture
def redis_url(settings):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": url}}
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.mark.redis
def test_schedule_registers_the_daily_run_with_rq_scheduler(cli, db, redis_url):
    run = cli("schedule", "--cron", "15 4 * * *")
    assert run.code == 0, run.err
    listed = cli("schedule", "--list").out
    assert "relance-daily: 15 4 * * * → reminders.runs_tasks.enqueue_daily" in listed
    # the reply mailboxes are read every 5 minutes through the same scheduler
    assert "relance-fetch-mail: */5 * * * * → inbox.tasks.enqueue_fetch_mail" in listed
    cli("schedule")  # scheduling again replaces, never duplicates
    assert cli("schedule", "--list").out.count("relance-daily") == 1
    assert cli("schedule", "--list").out.count("relance-fetch-mail") == 1
    assert "removed 2" in cli("schedule", "--clear").out
    assert cli("schedule", "--list").out.strip() == "nothing scheduled"
    assert cli("schedule", "--cron", "every day").code == 2


def test_the_periodic_task_leaves_the_automatic_batch_to_the_worker(overdue, dunning_company):
    dunning_company.auto_send = True
    dunning_company.save()
    Level.objects.filter(policy__company=dunning_company, rank=1).update(automatic=True)
    totals = daily_all_companies.call(as_of=AS_OF)
    assert totals["changed"] == 3 and totals["batches"] == 1
    batch = Batch.objects.get()
    queued = batch.reminders.filter(state=ReminderState.QUEUED)
    assert sorted(link.document.number for r in queued for link in r.links.all()) == ["A-1", "A-2"]
    assert mail.outbox == []  # the worker sends, not the scheduler's task
    again = daily_all_companies.call(as_of=AS_OF)
    assert (again["changed"], again["batches"], Batch.objects.count()) == (0, 0, 1)
