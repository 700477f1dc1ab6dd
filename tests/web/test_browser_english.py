"""The screens in English, as an English-speaking user switches to them: the row
selection counter of the worklist (words from the page, not from the script)."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def seed():
    """The demo company with the seed screen's two invoices, after the morning scan."""
    from django.utils import timezone

    from dunning.scan import scan
    from relance.demo import load_demo

    company = load_demo(timezone.localdate())
    scan(company)
    return company


def log_in(browser, live_server, language):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", "demo-relance")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    if language != "fr":
        with page.expect_navigation():
            page.select_option("#lang-select", language)
    return context, page


def tick(page, number):
    page.locator(f'#worklist-table tbody tr:has(td:nth-child(2) a:text-is("{number}"))').locator(
        "input[type=checkbox]"
    ).check()


@pytest.mark.parametrize(
    "language, none, one, two",
    [
        ("en", "No document selected", "1 document selected", "2 documents selected"),
        ("fr", "Aucune pièce sélectionnée", "1 pièce sélectionnée", "2 pièces sélectionnées"),
    ],
)
def test_the_selection_counter_speaks_the_page_language(
    browser, live_server, seed, language, none, one, two
):
    context, page = log_in(browser, live_server, language)
    page.goto(live_server.url + "/relance/")
    counter = page.locator("#selection-count")
    assert counter.inner_text() == none
    tick(page, "5")
    assert counter.inner_text() == one
    tick(page, "3")
    assert counter.inner_text() == two
    page.click("[data-select-all]")  # all ticked → untick all
    assert counter.inner_text() == none
    context.close()


def test_money_in_and_the_dashboard_read_in_english(browser, live_server, seed):
    """Bank statements and the dashboard, switched to English: screenshots to look at."""
    from banking import services
    from receivables.models import Invoice
    from tests.banking.writers import camt053, mv

    invoices = {i.number: i for i in Invoice.objects.filter(company=seed)}
    statement = services.import_statement(
        seed,
        camt053(
            [
                mv("720.00", "LENTY Sarah", "Facture 3"),
                mv(str(invoices["5"].balance), "M. INCONNU", "virement"),
                mv("42.00", "M. PERSONNE", "cadeau"),
            ]
        ),
    ).statement
    context, page = log_in(browser, live_server, "en")
    SHOTS.mkdir(parents=True, exist_ok=True)
    screens = [
        ("/banking/", "Bank statements", "21-releves-en"),
        (f"/banking/statements/{statement.pk}/", "amount only", "22-rapprochement-en"),
        ("/insight/", "Aged balance", "23-tableau-de-bord-en"),
    ]
    for path, english, name in screens:
        page.goto(live_server.url + path)
        text = page.inner_text("main")
        assert english in text, path
        for french in ("montant seul", "échéance", "Relevés", "Encours", " EUR"):
            assert french not in text, (path, french)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    context.close()
