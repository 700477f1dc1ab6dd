from reminders.models import Reminder

from .conftest import AS_OF


def test_letters_are_written_to_a_pdf(cli, scanned, tmp_path):
    a1 = scanned["a"].pk
    cli("remind", "--documents", str(a1), "--send-as", "letter", "--as-of", AS_OF, "--no-send")
    target = tmp_path / "out.pdf"
    run = cli("letters", "-o", str(target))
    assert run.code == 0, run.err
    assert target.read_bytes().startswith(b"%PDF")
    assert "page(s)" in run.out
    assert Reminder.objects.get(channel="letter").state == "sent"
    again = cli("letters", "-o", str(target))
    assert again.code == 2 and "existe" in again.err


def test_letters_errors(cli, scanned, tmp_path):
    run = cli("letters", "-o", str(tmp_path / "x.pdf"))
    assert run.code == 1 and "aucun lot avec des lettres" in run.err
    assert cli("letters", "--batch", "12345").code == 2
    assert cli("letters", "-o", str(tmp_path / "nope" / "x.pdf"), "--batch", "1").code == 2


def test_the_outbox_lists_stuck_reminders_and_retries_one(cli, scanned):
    cli("remind", "--as-of", AS_OF)
    run = cli("outbox")
    assert run.code == 0
    assert "Sans Mail" in run.out and "ANYWAY" not in run.out
    failed = Reminder.objects.get(state="failed")
    failed.customer.emails = "ok@nomail.example"
    failed.customer.save()
    run = cli("outbox", "--retry", str(failed.pk))
    assert run.code == 0, run.err
    assert "renvoyée dans le lot" in run.out
    assert Reminder.objects.filter(customer=failed.customer, state="sent").exists()
    assert "Rien de bloqué" in cli("outbox").out


def test_the_outbox_cancels_a_queued_reminder_once(cli, scanned):
    cli("remind", "--as-of", AS_OF, "--no-send")
    queued = Reminder.objects.get(state="queued")
    assert cli("outbox", "--cancel", str(queued.pk)).code == 0
    run = cli("outbox", "--cancel", str(queued.pk))
    assert run.code == 1 and "seule une relance en file" in run.err
    assert cli("outbox", "--state", "cancelled").out.count("ANYWAY") == 1


def test_the_outbox_rejects_bad_arguments(cli, scanned):
    assert cli("outbox", "--retry", "424242").code == 2
    assert cli("outbox", "--retry", "1", "--cancel", "2").code == 2
    assert cli("outbox", "--state", "lost").code == 2
    cli("remind", "--as-of", AS_OF, "--no-send")
    queued = Reminder.objects.get(state="queued")
    run = cli("outbox", "--retry", str(queued.pk))
    assert run.code == 1


def test_the_outbox_lists_a_message_the_server_accepted_as_sent(cli, scanned):
    """A row accepted by the server but waiting for its chunk's end (a worker died just
    then) reads as sent, as on the screens: listing it as 'sending' would invite a resend."""
    from django.utils import timezone

    cli("remind", "--as-of", AS_OF, "--no-send")
    queued = Reminder.objects.get(state="queued")
    Reminder.objects.filter(pk=queued.pk).update(state="sending", sent_at=timezone.now())
    assert "ANYWAY" not in cli("outbox", "--state", "sending").out
    run = cli("outbox", "--state", "sent", "--format", "json")
    assert run.code == 0, run.err
    assert '"state": "sent"' in run.out and "ANYWAY" in run.out


def test_the_outbox_shows_times_on_the_companys_clock(cli, scanned):
    # stored in UTC, shown as the company reads its clock (Paris: UTC+1 in March)
    from datetime import UTC, datetime

    cli("remind", "--as-of", AS_OF)
    failed = Reminder.objects.get(state="failed")
    Reminder.objects.filter(pk=failed.pk).update(
        created_at=datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    )
    assert failed.company.timezone == "Europe/Paris"
    out = cli("outbox").out
    assert "2026-03-11 00:30" in out and "23:30" not in out
