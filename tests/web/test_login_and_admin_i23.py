"""The first page a user sees has the product's look; the admin speaks French (and
English), down to the background tasks' section."""

import re


def test_the_login_page_has_the_product_look(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'class="card login-card"' in html and "Relance</span>" in html
    assert "relancées au bon moment" in html
    assert re.search(r'<label for="id_username">', html)  # each field labelled
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert "chased at the right time" in html


def test_the_admin_names_the_tasks_in_the_reader_language(client, alice):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    client.force_login(alice)
    html = client.get("/admin/").content.decode()
    assert "Tasks Database Backend" not in html
    assert "Tâches en arrière-plan" in html and "Résultats des tâches" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    html = client.get("/admin/").content.decode()
    assert "Background tasks" in html and "Tasks Database Backend" not in html
