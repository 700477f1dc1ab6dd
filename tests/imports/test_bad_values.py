"""Values no invoice has (27-digit amounts, 1e300, the year 0001, NUL) are refused naming
the file, line and column; nothing is imported, and the CLI prints no traceback."""

import io
import sys
from contextlib import redirect_stderr, redirect_stdout
from datetime import date, datetime
from unittest import mock

import pytest
from openpyxl import Workbook

from banking.models import StatementLine
from banking.services import StatementError, import_statement
from receivables.imports import ImportRejected, import_file
from receivables.imports.values import parse_date
from receivables.models import Document
from relance.cli import main
from tests.banking.writers import camt053, mt940, mv, ofx

HEADER = ["Client", "N° facture", "Date", "Échéance", "Montant TTC"]


def _csv(amount="120,00", issued="06/03/2026") -> bytes:
    rows = [HEADER, ["ANYWAY SARL", "F1", issued, "05/04/2026", amount]]
    return "\n".join(";".join(r) for r in rows).encode()


def _xlsx(amount) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["ANYWAY SARL", "F1", "06/03/2026", "05/04/2026", amount])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refusal(company, data: bytes, name: str) -> str:
    with pytest.raises(ImportRejected) as exc:
        import_file(company, data, name, kind="invoices")
    assert Document.objects.count() == 0
    return "\n".join(str(e) for e in exc.value.errors)


@pytest.mark.parametrize("amount", ["1" * 27, "9" * 40, "1" * 26 + ",50", "1e300"])
def test_a_huge_amount_in_a_csv_is_refused_naming_line_and_column(company, amount):
    assert _refusal(company, _csv(amount), "factures.csv").startswith("ligne 2, Montant TTC : ")


@pytest.mark.parametrize("amount", [1e300, 10**27, -(10**30)])
def test_a_huge_number_in_a_sheet_is_refused(company, amount):
    text = _refusal(company, _xlsx(amount), "factures.xlsx")
    assert "ligne 2, Montant TTC : montant trop grand" in text


def test_the_largest_amount_is_still_taken(company):
    import_file(company, _csv("999 999 999 999,99"), "factures.csv", kind="invoices")
    assert str(Document.objects.get().amount) == "999999999999.99"


@pytest.mark.parametrize("typed", ["01/01/0001", "0001-01-01", "31/12/9999", "01/01/1899"])
def test_a_year_out_of_range_is_refused_not_read_as_another(company, typed):
    text = _refusal(company, _csv(issued=typed), "factures.csv")
    assert "ligne 2, Date : date hors limites" in text


@pytest.mark.parametrize("data", [b"\xfe\xff\x00<\x00", b"\xff\xfeA\x00\x00\x00;\x00"])
def test_a_damaged_utf16_file_is_refused(company, data):
    # found by the long fuzz run: an odd byte count after a UTF-16 mark was a 500; a NUL
    # in UTF-16 text skipped the check that UTF-8 text had
    assert "encodage non reconnu" in _refusal(company, data, "factures.csv")


def test_two_digit_years_only_for_two_digit_dates():
    assert parse_date("06/03/24") == date(2024, 3, 6)
    assert parse_date("06/03/99") == date(1999, 3, 6)
    assert parse_date("06/03/2024") == date(2024, 3, 6)


def test_a_sheet_date_out_of_range_is_refused(company):
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["ANYWAY SARL", "F1", datetime(1800, 1, 1), "05/04/2026", 12])
    out = io.BytesIO()
    book.save(out)
    assert "ligne 2, Date : date hors limites" in _refusal(company, out.getvalue(), "f.xlsx")


@pytest.mark.parametrize("fmt", ["camt", "ofx", "mt940"])
@pytest.mark.parametrize(
    "amount,name,expected",
    [("1" * 27, "MME A", "montant trop grand"), ("720.00", "MME\x00A", "caractère nul")],
)
def test_a_statement_with_a_bad_value_is_refused_naming_the_movement(
    company, fmt, amount, name, expected
):
    if fmt == "camt" and "\x00" in name:
        pytest.skip("XML cannot carry a NUL: lxml refuses the file")
    data = {"camt": camt053, "ofx": ofx, "mt940": mt940}[fmt]([mv(amount, name, "Facture 3")])
    with pytest.raises(StatementError) as exc:
        import_statement(company, data, f"releve.{fmt}")
    assert f"releve.{fmt} : mouvement n°1" in str(exc.value) and expected in str(exc.value)
    assert StatementLine.objects.count() == 0


def _relance(*argv: str) -> tuple[int, str]:
    """The console script in-process (same test database): exit code and stderr."""
    err, code = io.StringIO(), 0
    keep = mock.patch("django.core.management.base.connections.close_all")  # see tests/cli
    with redirect_stdout(io.StringIO()), redirect_stderr(err), keep:
        sys.argv = ["relance", *argv]
        try:
            main()
        except SystemExit as exc:
            code = exc.code
    return code, err.getvalue()


def test_the_cli_names_a_huge_amount_without_a_traceback(company, tmp_path):
    path = tmp_path / "factures.csv"
    path.write_bytes(_csv("1" * 27))
    code, err = _relance("import", str(path), "--kind", "invoices")
    assert code == 1
    assert "ligne 2, Montant TTC : montant trop grand" in err


def test_the_cli_prints_our_errors_cleanly_and_lets_real_bugs_through(db):
    code, err = _relance("shell", "-c", "from receivables.coerce import to_money; to_money(1e300)")
    assert (code, err.strip()) == (2, "relance shell: montant trop grand : 1e+300")
    with pytest.raises(ZeroDivisionError):
        _relance("shell", "-c", "1 / 0")
