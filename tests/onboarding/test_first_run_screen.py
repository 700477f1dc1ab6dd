"""First run in the browser: « Créer votre société » for a superuser on an empty
database; a page saying whom to ask for a login without a company (not a bare 403)."""

import pytest
from django.contrib.auth import get_user_model

from receivables.models import Company, Membership, Role

from .test_ready_on_creation import assert_ready

FORM = {"name": "Boulangeries Réunies", "email": "compta@boulangeries.example",
        "country": "FR", "language": "fr", "currency": "EUR", "siren": "732 829 320",
        "iban": "FR76 3000 6000 0112 3456 7890 189"}  # fmt: skip


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@relance.example", "pw-root-42")


@pytest.mark.django_db
def test_a_superuser_on_an_empty_database_lands_on_the_form(client, root):
    page = client.post(
        "/accounts/login/", {"username": "root", "password": "pw-root-42"}, follow=True
    )
    assert page.redirect_chain[-1] == ("/bienvenue/", 302)
    assert "Créer votre société" in page.content.decode()


@pytest.mark.django_db
def test_the_form_creates_the_company_ready_with_this_login_as_admin(client, root):
    client.force_login(root)
    page = client.post("/bienvenue/", FORM, follow=True)
    assert page.redirect_chain[-1] == ("/", 302)
    company = Company.objects.get()
    assert (company.siren, company.iban) == ("732829320", "FR7630006000011234567890189")
    assert Membership.objects.get(user=root).role == Role.ADMIN
    assert_ready(company)
    assert "Boulangeries Réunies" in page.content.decode()
    assert client.get("/bienvenue/").status_code == 403  # done: a member now


@pytest.mark.django_db
def test_errors_name_the_field_and_nothing_is_created(client, root):
    client.force_login(root)
    page = client.post("/bienvenue/", {**FORM, "siren": "732829321", "currency": "EURO"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "SIREN invalide : la clé de contrôle est fausse" in text
    assert "devise inconnue" in text
    assert not Company.objects.exists()


@pytest.mark.django_db
def test_a_login_without_a_company_is_told_whom_to_ask(client, root, company):
    bob = get_user_model().objects.create_user("bob", password="pw-bob")
    client.force_login(bob)
    for url in ("/", "/relance/", "/import/"):
        page = client.get(url)
        assert page.status_code == 403
        text = page.content.decode()
        assert "Ce compte n'est rattaché à aucune société" in text
        assert "root@relance.example" in text
        assert "Créer une nouvelle société" not in text
    assert client.get("/bienvenue/").status_code == 403  # not a superuser


@pytest.mark.django_db
def test_a_superuser_without_membership_once_companies_exist_may_create_or_join(
    client, root, company
):
    client.force_login(root)
    page = client.get("/")
    assert page.status_code == 403
    assert "Créer une nouvelle société" in page.content.decode()


@pytest.mark.django_db
def test_a_member_with_too_small_a_role_still_gets_a_plain_403(client, company):
    viewer = get_user_model().objects.create_user("victor")
    Membership.objects.create(user=viewer, company=company, role=Role.VIEWER)
    client.force_login(viewer)
    page = client.get("/parametres/utilisateurs/")
    assert page.status_code == 403 and "aucune société" not in page.content.decode()
