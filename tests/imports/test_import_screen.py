from django.core.files.uploadedfile import SimpleUploadedFile

from receivables.models import Document

from .conftest import csv_bytes


def _post(client, data: bytes, name="factures.csv", **extra):
    return client.post("/import/", {"file": SimpleUploadedFile(name, data), **extra})


def test_it_imports_and_shows_the_counts(alice_client, seed_screen):
    response = _post(alice_client, seed_screen, "relance.txt")
    assert response.status_code == 200
    assert "2 créées" in response.content.decode()
    assert Document.objects.count() == 2


def test_it_shows_the_errors_table_and_changes_nothing(alice_client):
    data = csv_bytes(
        [
            "Id;Date;Echéance;Client;Montant",
            "1;06/03/24;13/03/24;X;1",
            "2;06/03/24;13/03/24;X;beaucoup",
        ]
    )
    response = _post(alice_client, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "<td>3</td><td>Montant</td>" in page and "rien n" in page and "modifié" in page
    assert Document.objects.count() == 0


def test_it_refuses_a_file_above_the_upload_limit(alice_client, settings):
    settings.RELANCE_MAX_UPLOAD_BYTES = 100
    response = _post(alice_client, b"x" * 200)
    assert response.status_code == 400 and "trop gros" in response.content.decode()


def test_a_viewer_cannot_import(client, company, seed_screen):
    from django.contrib.auth import get_user_model

    from receivables.models import Membership, Role

    viewer = get_user_model().objects.create_user("victor")
    Membership.objects.create(user=viewer, company=company, role=Role.VIEWER)
    client.force_login(viewer)
    assert _post(client, seed_screen).status_code == 403
    assert Document.objects.count() == 0


def test_the_form_is_shown(alice_client):
    assert 'type="file"' in alice_client.get("/import/").content.decode()
