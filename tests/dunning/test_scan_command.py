"""`relance scan`: what a user sees on the demo data, --dry-run, errors."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from receivables.models import Document
from relance.demo import load_demo
from reminders.runs_tasks import daily_all_companies

TODAY = date(2026, 3, 15)


def _scan(*args) -> str:
    out = StringIO()
    call_command("scan", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_dry_run_on_the_demo_lists_both_seed_invoices_at_the_courtesy_level():
    load_demo(TODAY)
    out = _scan("--dry-run", "--as-of", TODAY.isoformat())
    lines = [line for line in out.splitlines() if "→" in line]
    assert len(lines) == 2
    assert "ANYWAY SARL" in lines[0] and "2 j de retard" in lines[0]
    assert "LENTY Sarah" in lines[1] and "7 j de retard" in lines[1]
    assert all(line.endswith("→ Rappel de courtoisie") for line in lines)
    assert not Document.objects.filter(to_remind=True).exists()  # dry run: nothing changed


@pytest.mark.django_db
def test_a_real_run_marks_them_and_a_second_run_changes_nothing():
    load_demo(TODAY)
    first = _scan("--as-of", TODAY.isoformat())
    assert "2 pièce(s) modifiées" in first and "2 pièce(s) à relancer" in first
    assert set(Document.objects.filter(to_remind=True).values_list("number", flat=True)) == {
        "3",
        "5",
    }
    again = _scan("--as-of", TODAY.isoformat())
    assert "0 pièce(s) modifiées" in again and "→" not in again


@pytest.mark.django_db
def test_it_rejects_a_bad_date_and_an_unknown_company():
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("scan", "--as-of", "15/03/2026")
    with pytest.raises(CommandError, match="no company with id 999"):
        call_command("scan", "--company", "999")


@pytest.mark.django_db
def test_the_periodic_task_scans_every_company():
    load_demo(TODAY)
    totals = daily_all_companies.call(as_of=TODAY.isoformat())
    assert totals == {"companies": 1, "changed": 2, "batches": 0}  # the demo sends nothing
    assert Document.objects.filter(to_remind=True).count() == 2
