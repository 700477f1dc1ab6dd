"""The matching screen and the upload form, as a collector uses them."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from banking import services
from banking.models import Statement, StatementLine
from receivables.models import Customer, Membership, Role

from .writers import camt053, mv

D = Decimal


def upload(client, data: bytes, name="releve.xml"):
    return client.post("/banking/", {"file": SimpleUploadedFile(name, data)})


def test_statements_require_login(client, db):
    response = client.get("/banking/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_upload_shows_matched_proposed_and_left_over(alice_client, make_invoice):
    make_invoice(number="F00001", amount=D("100.00"))
    make_invoice(number="F00002", amount=D("300.00"))
    make_invoice(number="F00003", amount=D("300.00"))
    data = camt053(
        [
            mv("100.00", "ANYWAY SARL", "Facture F00001"),
            mv("300.00", "M. INCONNU", "virement"),
            mv("42.00", "M. PERSONNE", "cadeau"),
        ]
    )
    response = upload(alice_client, data)
    assert response.status_code == 302
    page = alice_client.get(response["Location"]).content.decode()
    assert "1 ligne(s) rapprochée(s)" not in page  # the summary is a message, below
    assert "À confirmer (1)" in page and "Rapprochées (1)" in page
    assert "Non rapprochées (1)" in page
    assert page.count('name="invoice"') == 2  # one confirm button per candidate
    assert "n° de facture dans le libellé" in page


def test_confirm_button_pays_the_chosen_invoice(alice_client, company, make_invoice):
    invoice = make_invoice(amount=D("300.00"))
    services.import_statement(company, camt053([mv("300.00", "M. INCONNU")]))
    line = StatementLine.objects.get()
    response = alice_client.post(f"/banking/lines/{line.pk}/confirm/", {"invoice": invoice.pk})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.state == "paid"


def test_reject_button_leaves_the_line_over(alice_client, company, make_invoice):
    make_invoice(amount=D("300.00"))
    services.import_statement(company, camt053([mv("300.00", "M. INCONNU")]))
    line = StatementLine.objects.get()
    alice_client.post(f"/banking/lines/{line.pk}/reject/")
    line.refresh_from_db()
    assert line.status == "unmatched"


def test_a_viewer_cannot_upload_or_confirm(client, alice, company, make_invoice):
    Membership.objects.filter(user=alice).update(role=Role.VIEWER)
    client.force_login(alice)
    assert upload(client, camt053([mv("1.00", "X")])).status_code == 403
    assert not Statement.objects.exists()


def test_a_broken_file_shows_the_error_and_creates_nothing(alice_client):
    response = upload(alice_client, b"<Document><Oops/></Document>", "oops.xml")
    assert response.status_code == 200
    assert "format non reconnu" in response.content.decode()
    assert not Statement.objects.exists()


@pytest.fixture
def other_statement(other_company):
    Customer.objects.create(company=other_company, code="Z", name="ZED")
    services.import_statement(other_company, camt053([mv("5.00", "ZED")]))
    return Statement.objects.get(company=other_company)


def test_another_company_statement_is_404(alice_client, other_statement):
    assert alice_client.get(f"/banking/statements/{other_statement.pk}/").status_code == 404
    line = other_statement.lines.get()
    assert alice_client.post(f"/banking/lines/{line.pk}/reject/").status_code == 404
    assert alice_client.get("/banking/").content.decode().count("ZED") == 0
