"""The README's gallery, from the demo a new user loads (`manage.py load_demo`: the seed's
invoices, ~200 generated rows and 18 weeks of reminders): a collector's morning — home,
worklist, Rel mail's preview, the summary after sending, a customer's file, the
dashboard, a procedure — and the customer portal that customer opens from the e-mail, at
a laptop's and a phone's width. Each screen is checked to show that data (not an empty
table); with SCREENSHOTS=DIR each is saved as DIR/fr/NAME-1366.png (the portal also
NAME-390.png), which scripts/gallery.sh copies, optimised, into docs/screenshots/."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .test_browser import row, smtp  # noqa: F401 - fixtures shared with the story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOTS")
LAPTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


def shoot(page, name: str, width: int, full_page: bool = False) -> None:
    if SHOTS:
        folder = Path(SHOTS) / "fr"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=full_page)


@pytest.fixture
def demo(settings, tmp_path):
    from django.utils import timezone

    from dunning.scan import scan
    from relance.demo import load_demo

    settings.MEDIA_ROOT = tmp_path  # the demo history's PDFs
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    company = load_demo(timezone.localdate(), generated=True)
    scan(company, company.today())
    return company


def busiest_customer(company):
    """The customer a gallery should show: the most open invoices, reminded already."""
    from django.db.models import Count, Q

    from receivables.models import Customer

    return (
        Customer.objects.filter(company=company)
        .annotate(
            open=Count("documents", filter=Q(documents__to_remind=True)),
            reminded=Count("documents", filter=Q(documents__reminder_count__gt=0)),
        )
        .filter(reminded__gt=0)
        .order_by("-open", "-reminded", "name")
        .first()
    )


def test_the_gallery_shows_the_demo_a_new_user_loads(browser, live_server, demo, smtp):  # noqa: F811
    from dunning.models import Policy
    from portal.tokens import issue_token

    context = browser.new_context(viewport=LAPTOP, locale="fr-FR", reduced_motion="reduce")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", "demo-relance")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_text("Par où commencer ?").first).to_be_visible()
    shoot(page, "accueil", 1366)

    page.goto(live_server.url + "/relance/")
    assert page.locator("#worklist-table tbody tr[data-id]").count() >= 8
    shoot(page, "relance-des-factures", 1366)

    row(page, "3").locator("input[type=checkbox]").check()
    row(page, "5").locator("input[type=checkbox]").check()
    page.click("button[value=email]")
    page.wait_for_url("**/relances/apercu/")
    assert "2 relances prêtes à partir" in page.inner_text("#preview-counts")
    shoot(page, "apercu", 1366)
    page.click("#send-button")
    page.wait_for_url("**/relances/lots/*/")
    page.wait_for_selector("#sent-count:has-text('2 envoyées')")
    shoot(page, "resume", 1366)

    customer = busiest_customer(demo)
    page.goto(f"{live_server.url}/clients/{customer.pk}/")
    expect(
        page.get_by_role("heading", name=re.compile(re.escape(customer.name))).first
    ).to_be_visible()
    shoot(page, "fiche-client", 1366)

    page.goto(live_server.url + "/insight/")
    effect = page.locator("figure, section, div").filter(has_text="Efficacité des relances").last
    assert re.search(r"[1-9]\d* %", effect.inner_text()), "the demo's effectiveness is all 0 %"
    shoot(page, "tableau-de-bord", 1366, full_page=True)  # down to the effectiveness

    policy = Policy.objects.filter(company=demo, kind="invoice").first()
    page.goto(f"{live_server.url}/parametres/procedures/{policy.pk}/")
    shoot(page, "procedure", 1366)
    context.close()

    # the customer opens the link of the reminder: their statement, in French
    token = issue_token(demo, customer)
    for size in (LAPTOP, PHONE):
        context = browser.new_context(viewport=size, locale="fr-FR")
        page = context.new_page()
        page.goto(f"{live_server.url}/p/{token}/")
        expect(page.get_by_role("heading", name=re.compile("Relevé de compte"))).to_be_visible()
        assert page.locator("table tbody tr").count() >= 2
        shoot(page, "portail", size["width"])
        context.close()
