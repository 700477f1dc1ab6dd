import csv
import io
import json

from .conftest import AS_OF


def test_it_prints_the_seed_table_with_its_sum(cli, scanned, worklist_ready):
    run = cli("worklist", "--as-of", AS_OF)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split()[:4] == ["Id", "N°", "Date", "Echéance"]
    assert any("ANYWAY SARL" in line and "720,00" in line for line in lines)
    assert any(line.startswith("Somme") and "825,10" in line for line in lines)
    assert "3 document(s)" in lines[-1]


def test_it_writes_csv(cli, scanned, worklist_ready):
    run = cli("worklist", "--as-of", AS_OF, "--format", "csv", "--order", "number")
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert [r["number"] for r in rows] == ["A-1", "A-2", "N-1"]
    assert rows[0]["amount"] == "720.00" and rows[0]["days_late"] == "10"


def test_it_writes_json_with_filters(cli, scanned, worklist_ready):
    run = cli("worklist", "--as-of", AS_OF, "--format", "json", "--search", "sans")
    body = json.loads(run.out)
    assert [i["number"] for i in body["items"]] == ["N-1"]
    assert body["totals"]["count"] == 1


def test_bad_arguments_exit_2_with_a_message(cli, scanned, worklist_ready):
    run = cli("worklist", "--as-of", "13/03/2026")
    assert run.code == 2 and "n'est pas une date" in run.err
    run = cli("worklist", "--order", "nonsense")
    assert run.code == 2 and "nonsense" in run.err
    run = cli("worklist", "--company", "Nobody")
    assert run.code == 2 and "Alice SARL" in run.err


def test_several_companies_need_a_choice(cli, scanned, other_company, worklist_ready):
    run = cli("worklist")
    assert run.code == 2 and "--company" in run.err
    assert cli("worklist", "--company", "Alice SARL", "--as-of", AS_OF).code == 0
    assert cli("worklist", "--company", str(other_company.pk)).out.count("\n") >= 2


def test_the_percent_paid_is_written_the_company_language_s_way(cli, scanned, worklist_ready):
    from decimal import Decimal

    from receivables.models import Company, Document

    Document.objects.filter(number="A-1").update(paid_amount=Decimal("414.00"))  # 57,5 %
    line = next(x for x in cli("worklist", "--as-of", AS_OF).out.splitlines() if "A-1" in x)
    assert " 57,5 " in line and "57.5" not in line
    Company.objects.filter(name="Alice SARL").update(language="en")
    line = next(x for x in cli("worklist", "--as-of", AS_OF).out.splitlines() if "A-1" in x)
    assert " 57.5 " in line
