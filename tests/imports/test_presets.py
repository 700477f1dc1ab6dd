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
