"""Built-in presets: a vendor's export imports as it is, with no manual step."""

from decimal import Decimal
from pathlib import Path

from receivables.imports import import_file
from receivables.models import Document

from .conftest import TODAY

SAMPLES = Path(__file__).parent / "samples"


def _import(company, name, **kwargs):
    data = (SAMPLES / name).read_bytes()
    return import_file(company, data, name, today=TODAY, **kwargs)


def _docs(company):
    return {d.number: d for d in Document.objects.for_company(company)}


def test_an_odoo_invoice_list_imports_as_it_is(company):
    result = _import(company, "odoo_invoices_en.csv")
    assert (result.mapping_name, result.created, result.rows) == ("odoo", 5, 5)
    docs = _docs(company)
    paid_in_full = docs["INV/2024/00001"]
    assert (paid_in_full.amount, paid_in_full.paid_amount) == (Decimal("1250.00"),) * 2
    assert paid_in_full.payment_method == "direct_debit"
    partly = docs["INV/2024/00002"]
    assert (partly.amount, partly.paid_amount, partly.balance) == (
        Decimal("3480.50"),
        Decimal("2000.00"),
        Decimal("1480.50"),
    )
    assert partly.payment_method == "unspecified" and partly.state == "open"
    unpaid = docs["INV/2024/00003"]
    assert (unpaid.amount, unpaid.paid_amount) == (Decimal("12000.00"), Decimal("0"))
    credit = docs["RINV/2024/00001"]
    assert (credit.kind, credit.amount, credit.paid_amount) == (
        "credit_note",
        Decimal("480.50"),
        Decimal("0"),
    )
    assert docs["INV/2024/00004"].state == "draft"
    assert docs["INV/2024/00001"].customer.name == "Deco Addict"
    assert len({d.customer_id for d in docs.values()}) == 3


def test_an_odoo_export_imported_again_changes_nothing(company):
    _import(company, "odoo_invoices_en.csv")
    again = _import(company, "odoo_invoices_en.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert not again.payments_created and not again.payments_updated


def test_a_preset_can_be_named(company):
    result = _import(company, "odoo_invoices_en.csv", preset="odoo")
    assert result.created == 5


def test_the_command_picks_the_preset_by_itself_and_says_so(company, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "export.csv"
    path.write_bytes((SAMPLES / "odoo_invoices_en.csv").read_bytes())
    call_command("import", str(path))
    out = capsys.readouterr()
    assert "« odoo »" in out.err and "5 créées" in out.out
    assert Document.objects.for_company(company).count() == 5


def test_an_odoo_list_in_french_imports_as_it_is_and_again_changes_nothing(company):
    result = _import(company, "odoo_factures_fr.csv")
    assert (result.mapping_name, result.created) == ("odoo-fr", 5)
    docs = _docs(company)
    assert (docs["FAC/2024/00001"].paid_amount, docs["FAC/2024/00001"].payment_method) == (
        Decimal("1250.00"),
        "direct_debit",
    )
    assert docs["FAC/2024/00002"].balance == Decimal("1480.50")
    assert docs["FAC/2024/00002"].payment_method == "unspecified"
    assert docs["FAC/2024/00003"].payment_method == "transfer"
    assert (docs["RFAC/2024/00001"].kind, docs["RFAC/2024/00001"].amount) == (
        "credit_note",
        Decimal("480.50"),
    )
    assert docs["FAC/2024/00004"].state == "draft"
    again = _import(company, "odoo_factures_fr.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_a_dolibarr_invoice_export_imports_as_it_is_and_again_changes_nothing(company):
    result = _import(company, "dolibarr_factures.csv")
    assert (result.mapping_name, result.created, result.rows) == ("dolibarr", 6, 6)
    docs = _docs(company)
    paid = docs["FA2403-0001"]
    assert (paid.amount, paid.paid_amount, paid.state) == (Decimal("1200.00"),) * 2 + ("paid",)
    partly = docs["FA2403-0002"]
    assert (partly.amount, partly.paid_amount, partly.balance, partly.state) == (
        Decimal("3480.00"),
        Decimal("2000.00"),
        Decimal("1480.00"),
        "open",
    )
    assert docs["FA2403-0003"].paid_amount == Decimal("0")
    credit = docs["AV2403-0001"]
    assert (credit.kind, credit.amount, credit.paid_amount) == (
        "credit_note",
        Decimal("480.00"),
        Decimal("0"),
    )
    assert docs["PROV5"].state == "draft" and docs["FA2403-0004"].state == "cancelled"
    assert (paid.customer.code, paid.customer.name) == ("CU2403-0001", "Boulangerie Martin")
    assert docs["FA2403-0002"].customer.name == "Garage Dupré"  # read in ISO-8859-1
    again = _import(company, "dolibarr_factures.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)


def test_a_xero_export_with_a_row_per_line_imports_each_invoice_once(company):
    result = _import(company, "xero_invoices.csv")
    assert (result.mapping_name, result.created, result.rows) == ("xero", 4, 4)
    assert any("2 ligne(s)" in w for w in result.warnings)  # the repeated invoice lines
    docs = _docs(company)
    paid = docs["INV-0001"]
    assert (paid.amount, paid.paid_amount, paid.state) == (Decimal("1200.00"),) * 2 + ("paid",)
    partly = docs["INV-0002"]
    assert (partly.amount, partly.paid_amount, partly.balance, partly.state) == (
        Decimal("3480.50"),
        Decimal("2000.00"),
        Decimal("1480.50"),
        "open",
    )
    assert str(partly.issue_date) == "2024-03-04" and str(partly.due_date) == "2024-04-03"
    assert docs["INV-0003"].paid_amount == Decimal("0")
    assert docs["INV-0004"].state == "draft"
    assert partly.customer.emails == "factures@citylimo.example"
    again = _import(company, "xero_invoices.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_one_number_twice_with_different_values_is_still_refused(company):
    import pytest

    from receivables.imports import ImportRejected

    text = (SAMPLES / "xero_invoices.csv").read_text()
    lines = text.splitlines()
    lines[2] = lines[2].replace("1200.00,200.00", "1300.00,200.00")
    with pytest.raises(ImportRejected) as refused:
        import_file(company, "\n".join(lines).encode(), "x.csv", today=TODAY)
    assert "figure déjà ligne 2" in str(refused.value.errors[0].reason)
    assert refused.value.errors[0].line == 3


def test_a_dolibarr_export_in_english_imports_as_it_is_and_again_changes_nothing(company):
    result = _import(company, "dolibarr_invoices_en.csv")
    assert (result.mapping_name, result.created, result.rows) == ("dolibarr-en", 6, 6)
    docs = _docs(company)
    paid = docs["IN2403-0001"]
    assert (paid.amount, paid.paid_amount, paid.state) == (Decimal("1200.00"),) * 2 + ("paid",)
    partly = docs["IN2403-0002"]
    assert (partly.amount, partly.paid_amount, partly.balance, partly.state) == (
        Decimal("3480.00"),
        Decimal("2000.00"),
        Decimal("1480.00"),
        "open",
    )
    assert str(partly.issue_date) == "2024-03-04" and str(partly.due_date) == "2024-04-03"
    assert docs["IN2403-0003"].paid_amount == Decimal("0")
    credit = docs["CN2403-0001"]
    assert (credit.kind, credit.amount, credit.paid_amount) == (
        "credit_note",
        Decimal("480.00"),
        Decimal("0"),
    )
    assert docs["PROV5"].state == "draft" and docs["IN2403-0004"].state == "cancelled"
    assert (paid.customer.code, paid.customer.name) == ("CU2403-0001", "Martin's Bakery")
    assert docs["IN2403-0004"].customer.name == "Harbour Café"  # read in ISO-8859-1
    again = _import(company, "dolibarr_invoices_en.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert not again.payments_created and not again.payments_updated
