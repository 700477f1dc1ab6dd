"""The Content-Security-Policy in a real chromium: the main screens, the admin and the API
docs run with it and report no violation (tests/web/conftest.py watches every page's
console); an inline script slipped into a page is refused."""

from datetime import timedelta
from decimal import Decimal

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(settings, tmp_path):
    from django.contrib.auth import get_user_model

    from dunning.policies import ensure_default_policies
    from receivables.models import Company, Customer, Invoice, Membership, Role
    from reminders.defaults import ensure_default_templates

    settings.MEDIA_ROOT = tmp_path / "media"
    company = Company.objects.create(
        name="Jardins", address="1 rue Haute\n35000 Rennes", email="compta@jardins.example",
        iban="FR7630006000011234567890189",
    )  # fmt: skip
    ensure_default_policies(company)
    ensure_default_templates(company)
    user = get_user_model().objects.create_user(
        "claire", password="claire-pass-1", is_staff=True, is_superuser=True
    )
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    who = Customer.objects.create(
        company=company, code="A", name="ANYWAY SARL", emails="daisy@anyway.example",
        address="3 rue de Paris", postal_code="35000", city="Rennes",
    )  # fmt: skip
    due = company.today() - timedelta(days=40)
    invoice = Invoice.objects.create(
        company=company, customer=who, number="7", issue_date=due - timedelta(days=7),
        due_date=due, amount=Decimal("120.00"), to_remind=True, pending_level=2,
    )  # fmt: skip
    return {"invoice": invoice, "customer": who}


def test_the_screens_run_under_the_policy(browser, live_server, site, no_csp_violation):
    from reminders.models import Template

    context = browser.new_context(viewport={"width": 1366, "height": 850}, locale="fr-FR")
    page = context.new_page()
    url = live_server.url
    page.goto(url + "/accounts/login/")
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "claire-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")
    invoice = site["invoice"]
    # an invoice's e-mail template: its preview is drawn on an invoice (quote ones on a quote)
    template = (
        Template.objects.filter(level__policy__kind="invoice", channel="email", language="fr")
        .order_by("level__rank", "pk")
        .first()
    )
    screens = [
        ("/relance/", "ANYWAY SARL"),
        ("/factures/", "ANYWAY SARL"),
        (f"/pieces/{invoice.pk}/", "120,00"),
        (f"/clients/{site['customer'].pk}/", "ANYWAY SARL"),
        (f"/relances/apercu/?ids={invoice.pk}&channel=email", "daisy@anyway.example"),
        (f"/relances/apercu/?ids={invoice.pk}&channel=letter", "Madame, Monsieur"),
        ("/parametres/", "Société"),
        (f"/parametres/modeles/{template.pk}/", "Aperçu"),
        ("/insight/", "Tableau de bord"),
        ("/banking/", "Relevés bancaires"),
        ("/admin/", "Administration"),
        ("/admin/receivables/document/", "ANYWAY SARL"),
        (f"/admin/receivables/document/{invoice.pk}/change/", "120"),
        ("/admin/auth/user/add/", "claire"),
    ]
    for path, expected in screens:
        response = page.goto(url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        assert "camera=()" in response.headers["permissions-policy"], path
        page.wait_for_load_state("networkidle")
        assert expected in page.content(), path

    # htmx still swaps under the policy: the template editor's live preview
    page.goto(f"{url}/parametres/modeles/{template.pk}/")
    page.fill("#id_subject", "Rappel %NUMERO% vu")
    page.wait_for_function(
        "() => document.querySelector('#template-preview').innerText.includes('Rappel 7 vu')"
    )
    # the language switch (its handler lives in relance.js now)
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert "Invoice reminders" in page.inner_text("header")

    # the API docs (Swagger UI, served from our static files)
    page.goto(url + "/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Relance API" in page.inner_text(".swagger-ui .info .title")
    context.close()


def test_an_inline_script_is_refused(browser, live_server, site, no_csp_violation):
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        """() => {
            const s = document.createElement("script");
            s.textContent = "document.body.dataset.owned = 'yes'";
            document.body.appendChild(s);
        }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => document.body.dataset.owned") is None
    assert any("inline script" in v for v in no_csp_violation)
    no_csp_violation.clear()  # the one violation this test wanted
    context.close()
