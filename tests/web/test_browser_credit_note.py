"""In chromium, as a collector: the customer file's « Modifier » refuses a wrong SIREN
and saves the 2026 mentions; a debit note's waiver issues the credit note AV-00001,
shown on the note, the credit note and the customer's timeline (screenshots in
test-artifacts/screenshots/)."""

from datetime import timedelta
from decimal import Decimal
from importlib import import_module
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def story(settings, tmp_path):
    from django.contrib.auth import get_user_model

    from dunning.debit_notes import invoice_charges
    from dunning.policies import ensure_default_policies
    from receivables.models import Company, Customer, Invoice, Membership, Role

    settings.MEDIA_ROOT = tmp_path
    # a transactional test may follow another that emptied the tables: the late-charge
    # rules and rates that migration seeds, back again (get_or_create: no double)
    from django.apps import apps

    import_module("dunning.migrations.0004_seed_late_charges").seed(apps, None)
    company = Company.objects.create(
        name="Alice SARL", legal_name="Alice SARL", address="1 rue du Port\n35000 Rennes",
        siren="732829320", vat_number="FR44732829320", iban="FR7630006000011234567890189",
    )  # fmt: skip
    ensure_default_policies(company)
    user = get_user_model().objects.create_user("claire", password="claire-pass-1")
    Membership.objects.create(user=user, company=company, role=Role.COLLECTOR)
    moreau = Customer.objects.create(
        company=company, code="K1", name="Pharmacie Moreau", address="4 rue Haute",
        postal_code="35000", city="Rennes", emails="compta@moreau.example",
    )  # fmt: skip
    today = company.today()
    invoice = Invoice.objects.create(
        company=company, customer=moreau, number="FA-0008", issue_date=today - timedelta(70),
        due_date=today - timedelta(40), amount=Decimal("1008.14"),
    )  # fmt: skip
    (note,) = invoice_charges([invoice], today)
    return moreau, note


def test_mentions_then_waiver_by_a_credit_note(browser, live_server, story):
    customer, note = story
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "claire-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    page.goto(f"{live_server.url}/clients/{customer.pk}/")
    page.click("text=Modifier")
    page.fill("input[name=siren]", "552 100 555")
    page.select_option("select[name=operation_category]", "services")
    page.fill("textarea[name=delivery_address]", "Entrepôt Nord\n12 rue des Docks\n76600 Le Havre")
    with page.expect_navigation():  # the form comes back from the server with its error
        page.click("button:text('Enregistrer')")
    assert "SIREN invalide : la clé de contrôle est fausse" in page.content()
    page.screenshot(path=SHOTS / "h18-customer-edit-error.png", full_page=True)
    page.fill("input[name=siren]", "552 100 554")
    page.click("button:text('Enregistrer')")
    page.wait_for_url(f"{live_server.url}/clients/{customer.pk}/")
    body = page.inner_text("body")
    assert "552100554" in body and "prestation de services" in body and "Le Havre" in body

    page.goto(f"{live_server.url}/pieces/{note.pk}/")
    page.fill("#waive-reason", "Client fidèle, premier retard")
    page.click("button:text('Abandonner la note de débit')")
    body = page.inner_text("body")
    assert "avoir AV-00001 émis" in body and "annulée par l'avoir AV-00001" in body
    page.screenshot(path=SHOTS / "h18-debit-note-waived.png", full_page=True)
    page.click("a:text('AV-00001')")
    assert "Annule en totalité" in page.inner_text("body")
    page.goto(f"{live_server.url}/clients/{customer.pk}/")
    assert "Avoir AV-00001 émis" in page.inner_text("body")
    page.screenshot(path=SHOTS / "h18-customer-timeline.png", full_page=True)
    context.close()
