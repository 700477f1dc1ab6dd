import io
import time
from decimal import Decimal

import pytest
from openpyxl import Workbook

from receivables.imports import ImportRejected, import_file
from receivables.models import Allocation, Customer, Document, DocumentState, Payment

from .conftest import TODAY, csv_bytes


def _errors(exc) -> set:
    return {(e.line, e.column) for e in exc.value.errors}


def test_it_imports_the_seed_screen_as_copied(company, seed_screen):
    result = import_file(company, seed_screen, "relance.txt", today=TODAY)
    assert (result.kind, result.created, result.customers_created) == ("invoices", 2, 2)
    bintje = Document.objects.get(number="5")
    assert (bintje.amount, bintje.issue_date.isoformat(), bintje.due_date.isoformat()) == (
        Decimal("5.10"),
        "2024-03-06",
        "2024-03-13",
    )
    assert bintje.customer.contact_name == "DRATEY Daisy"
    assert Document.objects.get(number="3").payment_method == "card"


def test_the_same_file_twice_changes_nothing(company, seed_screen):
    import_file(company, seed_screen, "relance.txt", today=TODAY)
    again = import_file(company, seed_screen, "relance.txt", today=TODAY)
    assert (again.created, again.updated, again.unchanged, again.changed) == (0, 0, 2, False)


def test_regle_column_creates_a_payment_once(company):
    data = csv_bytes(
        [
            "N° facture;Date;Échéance;Client;Montant TTC;Réglé",
            "F1;06/03/2024;2024-04-05;ANYWAY SARL;1 234,56;234,56",
            "F2;06/03/24;05/04/24;ANYWAY SARL;100;100,00",
        ]
    )
    import_file(company, data, "factures.csv", today=TODAY)
    import_file(company, data, "factures.csv", today=TODAY)
    f1, f2 = Document.objects.order_by("number")
    assert (f1.amount, f1.paid_amount, f1.state) == (Decimal("1234.56"), Decimal("234.56"), "open")
    assert f2.state == DocumentState.PAID
    assert Payment.objects.count() == 2 and Allocation.objects.count() == 2


def test_first_import_writes_new_invoices_settled_as_their_regle_says(company):
    data = csv_bytes(
        [
            "N° facture;Date;Échéance;Client;Montant TTC;Réglé",
            "F1;06/03/2024;2024-04-05;ANYWAY SARL;1 234,56;234,56",
            "F2;06/03/24;05/04/24;ANYWAY SARL;100;100,00",
            "F3;06/03/24;05/04/24;ANYWAY SARL;80;0",
        ]
    )
    import_file(company, data, "factures.csv", today=TODAY)
    f1, f2, f3 = Document.objects.order_by("number")
    assert (f1.paid_amount, f1.balance, f1.state) == (Decimal("234.56"), Decimal("1000"), "open")
    assert (f2.paid_amount, f2.state, f2.to_remind) == (Decimal("100"), "paid", False)
    assert (f3.paid_amount, f3.state) == (0, "open")
    # Each stand-in payment is wholly allocated: no credit left over on the customer.
    assert sorted(Payment.objects.values_list("amount", "allocated_amount")) == [
        (Decimal("100"), Decimal("100")),
        (Decimal("234.56"), Decimal("234.56")),
    ]
    assert sorted(Allocation.objects.values_list("amount", flat=True)) == [
        Decimal("100"),
        Decimal("234.56"),
    ]


def test_negative_amount_is_a_credit_note_and_english_headers_work(company):
    data = csv_bytes(
        [
            "Invoice number,Invoice date,Due date,Customer code,Customer name,Amount",
            'AV1,2024-03-01,2024-03-01,C1,Anyway,"-12.50"',
        ]
    )
    import_file(company, data, "export.csv")
    credit = Document.objects.get()
    assert (credit.kind, credit.amount) == ("credit_note", Decimal("12.50"))


@pytest.mark.parametrize(
    "row, column, reason",
    [
        ("5;32/03/24;13/03/24;X;5,10", "Date", "date impossible"),
        ("5;06/03/24;demain;X;5,10", "Echéance", "date illisible"),
        ("5;06/03/24;13/03/24;X;cinq", "Montant", "montant illisible"),
    ],
)
def test_a_bad_cell_rejects_the_file_naming_line_and_column(company, row, column, reason):
    data = csv_bytes(["Id;Date;Echéance;Client;Montant", "1;06/03/24;13/03/24;X;1,00", row])
    with pytest.raises(ImportRejected) as exc:
        import_file(company, data, "f.csv")
    (error,) = exc.value.errors
    assert (error.line, error.column) == (3, column) and reason in error.reason
    assert Document.objects.count() == 0 and Customer.objects.count() == 0


def test_wrong_header_lists_the_missing_columns(company):
    data = csv_bytes(["Id;Date;Echeanse;Client;Montan", "1;06/03/24;13/03/24;X;1,00"])
    with pytest.raises(ImportRejected, match="colonne manquante") as exc:
        import_file(company, data, "f.csv", kind="invoices")
    assert "Montant" in str(exc.value)


def test_unknown_customer_code_without_a_name_is_an_error(company):
    data = csv_bytes(["Id;Date;Echéance;Code client;Montant", "1;06/03/24;13/03/24;NOBODY;1,00"])
    with pytest.raises(ImportRejected) as exc:
        import_file(company, data, "f.csv")
    assert _errors(exc) == {(2, "Code client")} and "NOBODY" in exc.value.errors[0].reason


def test_duplicate_number_in_the_file_names_both_lines(company):
    data = csv_bytes(
        ["Id;Date;Echéance;Client;Montant", "7;06/03/24;13/03/24;X;1", "7;06/03/24;13/03/24;X;2"]
    )
    with pytest.raises(ImportRejected, match="ligne 2") as exc:
        import_file(company, data, "f.csv")
    assert _errors(exc) == {(3, "Id")}
    assert Document.objects.count() == 0


@pytest.mark.parametrize("data", [b"", b"\n\n", "Id;Date;Echéance;Client;Montant\n".encode()])
def test_empty_file_is_refused(company, data):
    with pytest.raises(ImportRejected, match="vide|aucune ligne"):
        import_file(company, data, "f.csv", kind="invoices")


def test_windows_1252_is_read_with_a_warning(company):
    data = csv_bytes(
        ["Id;Date;Echéance;Client;Nature;Montant", "1;06/03/24;13/03/24;Hélène;Février;1"], "cp1252"
    )
    result = import_file(company, data, "f.csv")
    assert Document.objects.get().description == "Février"
    assert "Windows-1252" in result.warnings[0]


def test_utf8_bom_and_comma_delimiter(company):
    data = b"\xef\xbb\xbf" + csv_bytes(
        ["Id,Date,Echéance,Client,Montant", '1,06/03/24,13/03/24,X,"5,10"']
    )
    import_file(company, data, "f.csv")
    assert Document.objects.get().amount == Decimal("5.10")


def test_binary_or_unknown_encoding_is_refused(company):
    data = "Id;Date;Echéance;Client;Montant\n1;06/03/24;13/03/24;X;1\n".encode("utf-16-le")
    with pytest.raises(ImportRejected, match="encodage"):
        import_file(company, data, "f.csv")


def test_xlsx_with_typed_cells(company):
    from datetime import date

    book = Workbook()
    sheet = book.active
    sheet.append(["Numéro", "Date", "Échéance", "Client", "Montant", "Réglé"])
    sheet.append([5, date(2024, 3, 6), "13/03/2024", "ANYWAY SARL", 5.1, None])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_file(company, buffer.getvalue(), "factures.xlsx")
    doc = Document.objects.get()
    assert (doc.number, doc.amount, str(doc.due_date), result.created) == (
        "5",
        Decimal("5.10"),
        "2024-03-13",
        1,
    )


def test_customers_payments_and_quotes_files(company):
    import_file(
        company,
        csv_bytes(
            [
                "Code;Nom;E-mail;Code postal;Ville;Particulier",
                "C1;Anyway;a@x.example;35000;Rennes;non",
                "C2;Lenty Sarah;;;;oui",
            ]
        ),
        "clients.csv",
    )
    assert not Customer.objects.get(code="C2").is_business
    import_file(
        company,
        csv_bytes(["Id;Date;Echéance;Code client;Montant", "F1;01/03/24;31/03/24;C1;100"]),
        "f.csv",
    )
    payments = csv_bytes(
        ["Référence;Date;Montant;Facture;Mode", "VIR-1;10/03/24;60,00;F1;Virement"]
    )
    assert import_file(company, payments, "reglements.csv").kind == "payments"
    assert import_file(company, payments, "reglements.csv").unchanged == 1
    assert Document.objects.get(number="F1").paid_amount == Decimal("60")
    quotes = csv_bytes(
        [
            "N° devis;Date;Date de validité;Code client;Montant;État",
            "D1;01/02/24;01/03/24;C1;50;ouvert",
        ]
    )
    assert import_file(company, quotes, "d.csv").kind == "quotes"
    assert Document.objects.get(number="D1").kind == "quote"


def _big_file(rows: int = 5000) -> list[str]:
    """Over 10 MB: a long free-text column (ignored) like real ERP exports carry."""
    comment = "Commande passée par téléphone, livraison au dépôt. " * 40
    header = "Numéro;Date;Échéance;Code client;Client;Nature;Montant;Commentaire"
    lines = [header] + [
        f"F{n:06d};06/03/24;13/03/24;C{n % 50};Client {n % 50};Livraison {n};{n},{n % 100:02d};{comment}"
        for n in range(rows)
    ]
    assert sum(len(line.encode()) for line in lines) > 10 * 1024 * 1024
    return lines


def test_a_10_mb_file_imports_in_reasonable_time(company):
    started = time.monotonic()
    result = import_file(company, csv_bytes(_big_file()), "big.csv")
    assert result.created == 5000 and time.monotonic() - started < 60
    assert "Commentaire" in result.warnings[0]


def test_a_10_mb_file_with_one_bad_row_changes_nothing(company):
    rows = _big_file()
    rows[4001] = rows[4001].replace(";4000,00;", ";abc;")
    with pytest.raises(ImportRejected) as exc:
        import_file(company, csv_bytes(rows), "big.csv")
    assert _errors(exc) == {(4002, "Montant")}
    assert Document.objects.count() == 0
