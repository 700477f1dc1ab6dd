import json
from unittest import mock

import pytest
from django.core import mail

from receivables.models import Invoice
from relance.cli import main
from reminders.models import Batch, Reminder

from .conftest import AS_OF


def test_a_dry_run_shows_what_would_go_and_fail_and_writes_nothing(cli, scanned):
    run = cli("remind", "--dry-run", "--as-of", AS_OF)
    assert run.code == 1  # one would fail: that is an error in the data
    assert "Partiraient : 1 relance(s)" in run.out
    assert "ANYWAY SARL" in run.out and "daisy@anyway.example" in run.out
    assert "Échoueraient : 1" in run.out and "Sans Mail" in run.out
    assert not Batch.objects.exists() and not mail.outbox


def test_remind_sends_and_prints_the_summary(cli, scanned):
    run = cli("remind", "--as-of", AS_OF)
    assert run.code == 1  # Sans Mail failed
    assert "Lot n° " in run.out and "bilan" in run.out
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["daisy@anyway.example"]
    a1 = Invoice.objects.get(number="A-1")
    assert (a1.reminder_count, a1.dunning_level) == (1, 1)
    assert Reminder.objects.get(customer__code="NOMAIL").state == "failed"


def test_remind_by_customer_documents_all_good_exits_0(cli, scanned):
    ids = f"{scanned['a'].pk},{scanned['b'].pk}"
    run = cli("remind", "--documents", ids, "--as-of", AS_OF, "--format", "json")
    assert run.code == 0, run.out
    body = json.loads(run.out)
    assert body["batch"]["totals"] == {"sent": 1}
    assert len(mail.outbox) == 1


def test_remind_by_level_or_channel_narrows_the_run(cli, scanned):
    run = cli("remind", "--level", "3", "--as-of", AS_OF)
    assert (run.code, run.out.strip()) == (0, "Rien à relancer.")
    run = cli("remind", "--channel", "letter", "--as-of", AS_OF)
    assert (run.code, run.out.strip()) == (0, "Rien à relancer.")
    assert not Batch.objects.exists()


def test_remind_rejects_bad_arguments(cli, scanned):
    assert cli("remind", "--channel", "fax").code == 2
    assert cli("remind", "--level", "0").code == 2
    assert cli("remind", "--documents", "a,b").code == 2
    run = cli("remind", "--documents", "999999", "--dry-run")
    assert run.code == 2 and "999999" in run.err


def test_the_terminal_speaks_the_sites_language_french_first_english_complete(
    cli, scanned, settings
):
    # French by default, like the screens; a site set to English gets every line in English
    run = cli("remind", "--dry-run", "--as-of", AS_OF)
    assert "Partiraient : 1 relance(s)" in run.out and "Réclamé" in run.out
    assert "Échoueraient : 1" in run.out and "Would" not in run.out
    settings.LANGUAGE_CODE = "en"
    run = cli("remind", "--dry-run", "--as-of", AS_OF)
    assert "Would go out: 1 reminder(s)" in run.out and "Claimed" in run.out
    assert "Would fail: 1" in run.out and "Partiraient" not in run.out


def test_the_relance_command_speaks_english_when_lang_says_so(scanned, monkeypatch, capsys):
    # the console script follows the terminal's language, as its overview does
    for lang, expected, other in (
        ("en_GB.UTF-8", "Would go out: 1 reminder(s)", "Partiraient"),
        ("fr_FR.UTF-8", "Partiraient : 1 relance(s)", "Would go out"),
        ("C.UTF-8", "Partiraient : 1 relance(s)", "Would go out"),
    ):
        monkeypatch.setenv("LANG", lang)
        monkeypatch.setattr("sys.argv", ["relance", "remind", "--dry-run", "--as-of", AS_OF])
        # run_from_argv closes every connection at its end: see relance() in conftest
        keep = mock.patch("django.core.management.base.connections.close_all")
        with keep, pytest.raises(SystemExit):  # one reminder would fail: exit 1
            main()
        out = capsys.readouterr().out
        assert expected in out and other not in out, (lang, out)
