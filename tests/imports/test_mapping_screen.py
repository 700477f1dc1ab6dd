"""The mapping step of /import/: an unknown layout mapped once, then read alone."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from receivables.models import Document, ImportMapping

from .conftest import csv_bytes

HEADER = "Ref;Cust;Issued;Due;Gross;Left;Stage"
FIRST = csv_bytes([HEADER, "A-1;Acme Ltd;03/04/24;03/05/24;1,250.00;250.00;Sent"])
SECOND = csv_bytes([HEADER, "B-7;Bolt plc;03/06/24;03/07/24;80.00;0;Sent"])
CHOSEN = {
    "col-0": "number",
    "col-1": "customer.name",
    "col-2": "issue_date",
    "col-3": "due_date",
    "col-4": "amount",
    "col-5": "balance",
    "col-6": "state",
    "shown_kind": "invoices",
    "kind": "invoices",
    "decimal": ".",
    "signed": "on",
    "date_order": "mdy",
    "name": "Export Acme",
}


def _upload(client, data, name="export.csv", **extra):
    return client.post("/import/", {"file": SimpleUploadedFile(name, data), **extra})


def test_an_unknown_layout_goes_to_the_mapping_step_with_samples(alice_client):
    response = _upload(alice_client, FIRST)
    assert response.status_code == 302 and "/import/correspondances/" in response["Location"]
    page = alice_client.get(response["Location"]).content.decode()
    assert "Cust" in page and "Acme Ltd" in page and "« ignorer »" in page
    assert "dans les deux sens" in page  # 03/04/24: which order?
    assert Document.objects.count() == 0


def test_mapped_once_then_the_same_layout_imports_alone(alice_client, company):
    location = _upload(alice_client, FIRST)["Location"]
    preview = alice_client.post(location, {**CHOSEN, "action": "preview"}).content.decode()
    assert "Sent" in preview and "à choisir" in preview  # the state's word is asked
    page = alice_client.post(location, {**CHOSEN, "val-state-0": "open", "action": "import"})
    assert page.status_code == 200 and "Import réussi" in page.content.decode()
    a1 = Document.objects.get(number="A-1")
    assert (a1.amount, a1.paid_amount, a1.issue_date.isoformat()) == (
        Decimal("1250.00"),
        Decimal("1000.00"),
        "2024-03-04",
    )
    assert ImportMapping.objects.for_company(company).get().name == "Export Acme"
    second = _upload(alice_client, SECOND, "export-juin.csv")
    assert second.status_code == 200
    assert "« Export Acme »" in second.content.decode()
    assert Document.objects.get(number="B-7").issue_date.isoformat() == "2024-03-06"


def test_the_preview_shows_rows_as_stored_and_the_dry_run_changes_nothing(alice_client):
    location = _upload(alice_client, FIRST)["Location"]
    chosen = {**CHOSEN, "val-state-0": "open", "action": "preview"}
    page = alice_client.post(location, chosen).content.decode()
    assert "1000" in page.replace("\u202f", "").replace(" ", "") or "1 000" in page
    assert "Essai sans rien enregistrer" in page and "1 créées" in page
    assert Document.objects.count() == 0


def test_someone_else_cannot_open_the_step(alice_client, client, company):
    from django.contrib.auth import get_user_model

    from receivables.models import Membership, Role

    location = _upload(alice_client, FIRST)["Location"]
    other = get_user_model().objects.create_user("bob")
    Membership.objects.create(user=other, company=company, role=Role.COLLECTOR)
    client.force_login(other)
    assert client.get(location).status_code == 404


def test_an_abandoned_upload_is_removed_after_the_documented_age(
    alice_client, company, settings, tmp_path
):
    import os
    import time
    from pathlib import Path

    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    settings.RELANCE_IMPORT_PENDING_HOURS = 24
    _upload(alice_client, FIRST)  # left at the mapping step
    folder = Path(tmp_path) / "import-pending" / str(company.pk)
    (left,) = list(folder.iterdir())
    a_day_ago = time.time() - 25 * 3600
    os.utime(left, (a_day_ago, a_day_ago))
    fresh = _upload(alice_client, SECOND, "autre.csv")  # the next upload sweeps
    assert fresh.status_code == 302 and not left.exists()
    (kept,) = list(folder.iterdir())  # the one just uploaded is younger: kept
    assert alice_client.get(fresh["Location"]).status_code == 200
    os.utime(kept, (a_day_ago, a_day_ago))
    call_command("daily", "--no-send")
    assert not kept.exists()


def _selected(page: str, name: str) -> str:
    """The value selected in the <select name=…> of a page."""
    import re

    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    chosen = re.search(r'<option value="([^"]*)" selected>', select)
    return chosen.group(1) if chosen else ""


def test_a_number_a_date_and_a_client_are_read_as_invoices_not_customers(alice_client):
    data = csv_bytes(["Numéro;Date;Client", "F-1;01/03/2024;Acme"])
    page = alice_client.get(_upload(alice_client, data)["Location"]).content.decode()
    assert _selected(page, "kind") == "invoices"
    assert (_selected(page, "col-0"), _selected(page, "col-1")) == ("number", "issue_date")


def test_a_balance_column_is_guessed_as_what_is_left_to_pay(alice_client):
    data = csv_bytes(["Ref;Customer;Date;Total;Balance", "A-1;Acme;15/03/2024;100.00;40.00"])
    page = alice_client.get(_upload(alice_client, data)["Location"]).content.decode()
    assert _selected(page, "col-4") == "balance"


def test_a_built_in_preset_is_named_without_doubled_brackets(alice_client):
    from pathlib import Path

    data = (Path(__file__).parent / "samples" / "xero_invoices.csv").read_bytes()
    page = _upload(alice_client, data, "xero.csv").content.decode()
    assert "« xero » : Xero (export des factures de vente)." in page
    assert "))" not in page
