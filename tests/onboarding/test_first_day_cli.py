"""From an empty database with the CLI only: `relance setup`, `relance import` of a grid
as an old ERP exports it, `relance worklist --format json`: nothing else is needed."""

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from receivables.models import Company, Customer, Document

# Semicolons, Windows-1252, "1 234,56", dd/mm/yyyy, "<non précisé>", empty « Réglé »,
# a paid one, a direct debit, one not due yet, a credit note and the ERP's total line.
GRID = Path(__file__).parent / "data" / "export_gescom_2024.csv"
AS_OF = "2024-03-15"


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


@pytest.fixture
def password(settings):
    settings.RELANCE_ADMIN_PASSWORD = "un-vrai-mot-de-passe-2026"


@pytest.mark.django_db
def test_setup_import_worklist_lists_the_overdue_invoices_with_their_totals(password):
    assert not Company.objects.exists()
    run("setup", "--company", "Boulangeries Réunies", "--admin", "marie")
    assert GRID.read_bytes().decode("cp1252")  # the file really is Windows-1252 ...
    with pytest.raises(UnicodeDecodeError):
        GRID.read_bytes().decode("utf-8")  # ... not UTF-8
    out = run("import", str(GRID), "--as-of", AS_OF)
    assert "7 créées" in out
    assert "3 pièces à relancer (3 facture(s), 0 devis) au 2024-03-15" in out
    body = json.loads(run("worklist", "--format", "json", "--as-of", AS_OF))
    numbers = [item["number"] for item in body["items"]]
    # FA240103 is paid, FA240104 a direct debit, FA240106 not due, AV240007 a credit note
    assert numbers == ["FA240101", "FA240102", "FA240105"]
    assert body["totals"]["count"] == 3
    assert Decimal(body["totals"]["amount"]) == Decimal("4089.56")
    assert Decimal(body["totals"]["paid"]) == Decimal("200.00")
    assert Decimal(body["totals"]["balance"]) == Decimal("3889.56")
    first = body["items"][0]
    assert (first["payment_method"], first["customer"], first["contact"]) == (
        "<non précisé>", "Boulangerie Hélène", "LEMAÎTRE Hélène"
    )  # fmt: skip
    assert (first["days_late"], first["paid"], first["balance"]) == (40, "0.00", "1234.56")
    assert body["items"][1]["balance"] == "645.00"  # 845,00 with 200,00 « Réglé »


@pytest.mark.django_db
def test_a_dry_run_says_it_is_one_with_the_same_counts_and_saves_nothing(password):
    run("setup", "--company", "Boulangeries Réunies", "--admin", "marie")
    out = run("import", str(GRID), "--as-of", AS_OF, "--dry-run")
    assert "Simulation : rien n'a été enregistré." in out
    assert "7 lignes : 7 créées, 0 modifiées, 0 inchangées ; 3 clients créés" in out
    assert "à relancer" not in out  # no scan of what was not saved
    assert not Document.objects.exists() and not Customer.objects.exists()
    real = run("import", str(GRID), "--as-of", AS_OF)
    assert "Simulation" not in real
    assert "7 lignes : 7 créées, 0 modifiées, 0 inchangées ; 3 clients créés" in real


@pytest.mark.django_db
def test_a_dry_run_of_a_bad_file_gives_the_same_errors(password, tmp_path):
    run("setup", "--company", "Boulangeries Réunies", "--admin", "marie")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(GRID.read_bytes().replace(b"1 234,56", b"beaucoup"))
    errors = {}
    for dry in (True, False):
        err = StringIO()
        with pytest.raises(CommandError, match="1 error"):
            call_command("import", str(bad), *(["--dry-run"] if dry else []),
                         stdout=StringIO(), stderr=err)  # fmt: skip
        errors[dry] = [x[x.index("ligne ") :] for x in err.getvalue().splitlines() if "ligne " in x]
        assert ("Simulation : rien n'a été enregistré." in err.getvalue()) is dry
    assert (
        errors[True] == errors[False] == ["ligne 2, Montant TTC : montant illisible : « beaucoup »"]
    )


@pytest.mark.django_db
def test_import_without_any_company_says_to_run_setup(tmp_path):
    with pytest.raises(CommandError, match="relance setup --company NAME --admin LOGIN"):
        run("import", str(GRID))
