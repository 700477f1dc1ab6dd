"""A workbook is read like a CSV file: its rows streamed at each pass, not kept."""

import gc
import io
import tracemalloc
from datetime import date

from openpyxl import Workbook

from receivables.imports import import_file
from receivables.imports.header_row import promote_header
from receivables.imports.tabular import read_xlsx
from receivables.models import Document

from .conftest import TODAY


def _workbook(rows: int, extra: int = 0) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Factures clients au 15/03/2024"])  # title lines above the header
    sheet.append([])
    more = [f"Quantité {i}" for i in range(extra)]  # columns the import leaves aside
    sheet.append(["N° facture", "Date", "Échéance", "Code client", "Client", "Montant TTC", *more])
    for n in range(1, rows + 1):
        cells = [n, date(2024, 3, n % 28 + 1), date(2024, 4, 1), n % 7, "Alpha", 100 + n]
        sheet.append(cells + [n * 1.5 + i for i in range(extra)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _kept(data: bytes) -> int:
    """The memory a read workbook keeps while the import goes through its rows."""
    tracemalloc.start()
    try:
        table, _titles = promote_header(read_xlsx(data, "f.xlsx"))
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0]
        for _pass in range(2):  # the import goes through the rows more than once
            assert sum(1 for _row in table.rows) == len(table.rows)
        return kept
    finally:
        tracemalloc.stop()


def test_the_memory_a_workbook_keeps_does_not_grow_with_its_rows():
    # Compared per row, not as a ratio: what a small workbook keeps varies from 10 to 17
    # kB with what the process has already cached, which made "3 times the small one"
    # fail now and then. Rows kept as lists cost over 1,000 bytes each; streamed, about 10.
    _kept(_workbook(50, extra=20))  # one-time allocations (imports, caches) out of the way
    small, large = _kept(_workbook(200, extra=20)), _kept(_workbook(2000, extra=20))
    assert (large - small) / 1800 < 100, (small, large)


def test_no_scratch_file_is_left_behind(company, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert import_file(company, _workbook(50), "factures.xlsx", today=TODAY).created == 50
    gc.collect()
    assert list(tmp_path.iterdir()) == []


def test_a_streamed_workbook_under_title_lines_imports_every_row_once(company):
    result = import_file(company, _workbook(300), "factures.xlsx", today=TODAY)
    assert (result.created, result.rows) == (300, 300)
    first = Document.objects.for_company(company).get(number="1")
    assert (first.amount, str(first.issue_date)) == (101, "2024-03-02")
    again = import_file(company, _workbook(300), "factures.xlsx", today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 300)
