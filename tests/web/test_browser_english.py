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
    from receivables.demo import load_demo

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
