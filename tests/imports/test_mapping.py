"""The mapping engine: what a column means, said once (columns, words, meanings)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from receivables.imports import ImportRejected, import_file
from receivables.imports.layout import save_mapping
from receivables.imports.mapping import Mapping
from receivables.models import Document

from .conftest import TODAY, csv_bytes

LAYOUT = ["Ref;Cust;Issued;Due;Gross;Left;Stage;Pay by"]
ROWS = [
    "A-1;Acme Ltd;03/04/24;03/05/24;1,250.00;250.00;Sent;DD",
    "A-2;Bolt plc;03/04/24;04/04/24;80.00;80.00;Sent;Bank",
    "A-3;Acme Ltd;03/06/24;04/06/24;-20.00;20.00;Void;Bank",
]
MAPPING = {
    "kind": "invoices",
    "columns": {
        "Ref": "number",
        "Cust": "customer.name",
        "Issued": "issue_date",
        "Due": "due_date",
        "Gross": "amount",
        "Left": "balance",
        "Stage": "state",
        "Pay by": "payment_method",
    },
    "values": {
        "state": {"Sent": "open", "Void": "cancelled"},
        "payment_method": {"DD": "direct_debit", "Bank": "transfer"},
    },
    "date_order": "mdy",
    "decimal": ".",
}


def _reject(company, data, name="f.csv", **kwargs) -> list[str]:
    with pytest.raises(ImportRejected) as exc:
        import_file(company, data, name, today=TODAY, **kwargs)
    assert not Document.objects.exists()
    return [str(e) for e in exc.value.errors]


def test_an_unknown_layout_is_refused_with_what_is_missing(company):
    errors = _reject(company, csv_bytes(LAYOUT + ROWS), kind="invoices")
    assert any("colonne manquante" in e for e in errors)


def test_a_mapping_reads_an_unknown_layout(company):
    mapping = Mapping.from_json(MAPPING)
    result = import_file(company, csv_bytes(LAYOUT + ROWS), "f.csv", mapping=mapping, today=TODAY)
    assert result.created == 3
    a1 = Document.objects.get(number="A-1")
    assert (a1.amount, a1.paid_amount, a1.issue_date, a1.payment_method) == (
        Decimal("1250.00"),
        Decimal("1000.00"),
        date(2024, 3, 4),
        "direct_debit",
    )
    credit = Document.objects.get(number="A-3")
    assert (credit.kind, credit.amount, credit.state) == (
        "credit_note",
        Decimal("20.00"),
        "cancelled",
    )


def test_a_saved_mapping_is_recognised_from_the_headers_in_any_order(company):
    save_mapping(company, "Mon ERP", LAYOUT[0].split(";"), Mapping.from_json(MAPPING))
    shuffled = ["Pay by;Stage;Left;Gross;Due;Issued;Cust;Ref"] + [
        ";".join(reversed(r.split(";"))) for r in ROWS
    ]
    result = import_file(company, csv_bytes(shuffled), "f.csv", today=TODAY)
    assert (result.mapping_name, result.mapping_source, result.created) == ("Mon ERP", "saved", 3)
    assert Document.objects.get(number="A-2").payment_method == "transfer"


def test_every_unknown_word_is_listed_once_with_its_lines(company):
    spec = {**MAPPING, "values": {"state": {"Sent": "open"}}}
    errors = _reject(company, csv_bytes(LAYOUT + ROWS), mapping=Mapping.from_json(spec))
    assert errors == [
        "ligne 2, Pay by : valeur inconnue « DD » (1 ligne(s) : 2) : indiquez sa correspondance",
        "ligne 3, Pay by : valeur inconnue « Bank » (2 ligne(s) : 3, 4) : indiquez sa correspondance",
    ]  # "Void" is one of our own words (cancelled): not asked


def test_ambiguous_dates_ask_which_order_when_the_mapping_leaves_it(company):
    spec = {**MAPPING, "date_order": ""}
    errors = _reject(company, csv_bytes(LAYOUT + ROWS[:2]), mapping=Mapping.from_json(spec))
    assert "format de date ambigu" in errors[0]


def test_the_date_order_shows_in_the_values_when_a_day_is_over_12(company):
    spec = {**MAPPING, "date_order": ""}
    rows = [*ROWS[:2], "A-9;Bolt plc;03/25/24;04/25/24;10.00;0;Sent;Bank"]
    import_file(company, csv_bytes(LAYOUT + rows), "f.csv", mapping=Mapping.from_json(spec))
    assert Document.objects.get(number="A-1").issue_date == date(2024, 3, 4)


def test_a_known_decimal_mark_reads_thousands_without_decimals(company):
    rows = ["A-1;Acme Ltd;03/04/24;03/05/24;1,250;0;Sent;DD"]
    import_file(company, csv_bytes(LAYOUT + rows), "f.csv", mapping=Mapping.from_json(MAPPING))
    assert Document.objects.get(number="A-1").amount == Decimal("1250")


def test_title_lines_above_the_headers_of_a_csv(company):
    data = csv_bytes(
        [
            "Factures clients",
            "Exporté le 03/12/2026;;",
            "",
            "N° facture;Date;Échéance;Client;Montant TTC",
            "F1;06/03/24;13/03/24;Alpha;100,00",
        ]
    )
    result = import_file(company, data, "f.csv", today=TODAY)
    assert result.created == 1
    assert any("ligne 4" in w for w in result.warnings)


def test_title_lines_above_the_headers_of_a_workbook_and_errors_keep_their_line(company):
    book = Workbook()
    sheet = book.active
    sheet.append(["Balance âgée au 31/03/2024"])
    sheet.append([])
    sheet.append(["N° facture", "Date", "Échéance", "Client", "Montant TTC"])
    sheet.append(["F1", date(2024, 3, 6), date(2024, 3, 13), "Alpha", 100])
    sheet.append(["F2", "pas une date", date(2024, 3, 13), "Alpha", 100])
    out = io.BytesIO()
    book.save(out)
    errors = _reject(company, out.getvalue(), "f.xlsx")
    assert errors == [
        "ligne 5, Date : date illisible : « pas une date » (attendu JJ/MM/AA, JJ/MM/AAAA ou AAAA-MM-JJ)"
    ]
    sheet.delete_rows(5)
    out = io.BytesIO()
    book.save(out)
    assert import_file(company, out.getvalue(), "f.xlsx", today=TODAY).created == 1


def test_a_missing_column_of_a_workbook_under_titles_names_the_header_line(company):
    book = Workbook()
    sheet = book.active
    sheet.append(["Balance âgée au 31/03/2024"])
    sheet.append([])
    sheet.append(["N° facture", "Date", "Client"])
    sheet.append(["F1", date(2024, 3, 6), "Alpha"])
    out = io.BytesIO()
    book.save(out)
    errors = _reject(company, out.getvalue(), "f.xlsx")
    assert errors == ["ligne 3 : colonne manquante : « Montant »"]
