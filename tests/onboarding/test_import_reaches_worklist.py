"""After an import commits, the company's worklist is brought up to date: on a worker
for the upload screen and the API's batches, and at once with « Mettre à jour »."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from api.tokens import create_token
from receivables.models import Document, Invoice, Membership, Role

GRID = Path(__file__).parent / "data" / "export_gescom_2024.csv"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def upload(client, **extra):
    return client.post(
        "/import/", {"file": SimpleUploadedFile(GRID.name, GRID.read_bytes()), **extra}
    )


@pytest.mark.django_db
def test_an_upload_says_how_many_are_to_remind_and_links_to_the_worklist(alice_client, settings):
    settings.TASKS = IMMEDIATE
    page = upload(alice_client).content.decode()
    assert "Import réussi" in page
    # every invoice of 2024 is overdue today, but the paid one and the direct debit
    assert "4 pièces à relancer" in page and 'href="/relance/"' in page
    rows = alice_client.get("/relance/").content.decode()
    assert "FA240101" in rows and "FA240106" in rows and "FA240103" not in rows
    assert "Rien à relancer" not in rows


@pytest.mark.django_db(transaction=True)
def test_on_the_database_queue_the_page_waits_for_the_worker(alice_client, settings):
    settings.TASKS = DATABASE_QUEUE
    page = upload(alice_client).content.decode()
    assert "Mise à jour de la liste de relance…" in page
    poll = page.split('hx-get="', 1)[1].split('"', 1)[0]
    assert poll.startswith("/import/mise-a-jour/")
    assert "Mise à jour de la liste de relance…" in alice_client.get(poll).content.decode()
    assert not Document.objects.filter(to_remind=True).exists()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    answer = alice_client.get(poll).content.decode()
    assert "4 pièces à relancer" in answer and "hx-get" not in answer
    assert Document.objects.filter(to_remind=True).count() == 4


@pytest.mark.django_db(transaction=True)
def test_another_company_cannot_read_the_answer(alice_client, charlie, client, settings):
    settings.TASKS = DATABASE_QUEUE
    page = upload(alice_client).content.decode()
    poll = page.split('hx-get="', 1)[1].split('"', 1)[0]
    client.force_login(charlie)
    assert client.get(poll).status_code == 404
    assert client.get("/import/mise-a-jour/pas-un-id/").status_code == 404


@pytest.mark.django_db
def test_a_dry_run_on_the_screen_says_so_and_saves_nothing(alice_client, settings):
    settings.TASKS = IMMEDIATE
    page = upload(alice_client, dry_run="1").content.decode()
    assert "Simulation : rien n'a été enregistré" in page
    assert "7 lignes : 7 créées, 0 modifiées, 0 inchangées" in page
    assert "à relancer" not in page.split("Simulation", 1)[1]
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_mettre_a_jour_scans_now_and_says_what_changed(alice_client, make_invoice, company):
    today = company.today()
    late = make_invoice(number="F-LATE", due_date=today - timedelta(days=10))
    page = alice_client.get("/relance/").content.decode()
    assert "Mettre à jour" in page and "F-LATE" not in page
    response = alice_client.post("/relance/mettre-a-jour/", {"next": "/relance/"}, follow=True)
    page = response.content.decode()
    assert "1 pièce ajoutée ou passée au niveau suivant (F-LATE)" in page
    assert "À relancer : 1 facture(s), 0 devis." in page
    assert "F-LATE" in page.split("<tbody", 1)[1]
    Invoice.objects.filter(pk=late.pk).update(disputed=True)
    page = alice_client.post("/relance/mettre-a-jour/", follow=True).content.decode()
    assert "1 pièce retirée (F-LATE)" in page
    again = alice_client.post("/relance/mettre-a-jour/", follow=True).content.decode()
    assert "Rien n&#x27;a changé depuis le dernier passage." in again


@pytest.mark.django_db
def test_a_viewer_has_no_mettre_a_jour_button(client, company):
    viewer = get_user_model().objects.create_user("victor")
    Membership.objects.create(user=viewer, company=company, role=Role.VIEWER)
    client.force_login(viewer)
    viewer_client = client
    assert "Mettre à jour" not in viewer_client.get("/relance/").content.decode()
    assert viewer_client.post("/relance/mettre-a-jour/").status_code == 403


@pytest.mark.django_db
def test_an_api_batch_queues_the_scan_of_its_company(client, alice, customer, company, settings):
    settings.TASKS = IMMEDIATE
    today = company.today()
    token = create_token(alice, "erp")[1]
    batch = {"items": [{"number": "API-1", "customer": "C1",
                        "issue_date": str(today - timedelta(days=40)),
                        "due_date": str(today - timedelta(days=10)), "amount": "50.00"}]}  # fmt: skip
    response = client.post("/api/invoices/batch", json.dumps(batch),
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert response.status_code == 200, response.content
    assert Invoice.objects.get(number="API-1").to_remind
