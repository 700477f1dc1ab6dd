"""Issue 20's "done when", in Debian's chromium: a reminder goes out through a real SMTP
server; the customer opens the link the server received, sees the statement, downloads
an invoice and promises a date; the collector's worklist shows the promise and the scan
skips those invoices; a second customer disputes and the dispute stop shows. axe-core
audits the portal in French and English; screenshots at 1366 px and a phone's 390 px
(SCREENSHOTS_PORTAL=DIR saves them, e.g. /work/notes/shots/i20portal)."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from dunning.scan import scan
from receivables.models import Customer, Document, Membership, Role
from reminders.batches import create_batch
from tests.reminders.conftest import dunning_setup, late_invoice, media, smtp_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOTS_PORTAL")
LINK = re.compile(r"(https?://[^\s\"<]+/p/[A-Za-z0-9_-]{32,}/)")
SERIOUS = {"serious", "critical"}


def shoot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def audit(page, name) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for v in Axe().run(page).response["violations"]:
        if v["impact"] in SERIOUS:
            found.append(f"{name}: {v['id']} ({v['impact']}) {v['help']}")
    return found


@pytest.fixture
def story(company, dunning_setup, late_invoice, smtp_server, settings, live_server,  # noqa: F811
          django_capture_on_commit_callbacks):  # fmt: skip
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RELANCE_PUBLIC_URL = live_server.url
    user = get_user_model().objects.create_user("claire", password="claire-pass-1")
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    daisy = [late_invoice(number="F2026-001"), late_invoice(number="F2026-002")]
    other = Customer.objects.create(
        company=company, code="C2", name="LENTY Sarah", emails="sarah@lenty.example",
        language="en", address="8 allée des Tilleuls", postal_code="44000", city="Nantes",
    )  # fmt: skip
    sarah = late_invoice(customer=other, number="F2026-003")
    with django_capture_on_commit_callbacks(execute=True):
        create_batch(company, [*daisy, sarah])
    links = {}
    for mail in smtp_server.received:  # what the server received, as the customer reads it
        text = mail.message.get_body(("plain",)).get_content()
        links[mail.rcpt_tos[0]] = LINK.search(text).group(1)
    return {"daisy": daisy, "sarah": sarah, "links": links, "company": company}


def test_a_customer_promises_another_disputes(browser, live_server, story):
    found = []
    daisy_link = story["links"]["daisy@anyway.example"]
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(daisy_link)
    assert page.get_by_role("heading", name=re.compile("Relevé de compte")).is_visible()
    assert page.get_by_role("row", name=re.compile("F2026-001")).is_visible()
    found += audit(page, "portail fr")
    shoot(page, "portail-fr-1366")
    with page.expect_download() as download:
        page.get_by_role("link", name="Facture F2026-001 (PDF)").click()
    assert download.value.suggested_filename == "F2026-001.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    company = story["company"]
    promised = company.today() + timedelta(days=10)
    page.locator("summary", has_text="Je m'engage à payer le").click()
    page.fill("#promise-date", promised.isoformat())
    page.get_by_role("button", name="Je m'engage").click()
    assert "engagement est enregistré" in page.locator(".notice.ok").inner_text()
    assert page.get_by_text(f"paiement promis le {promised:%d/%m/%y}").first.is_visible()
    shoot(page, "portail-fr-promesse")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "portail-fr-390")
    context.close()

    # the engine: the promised invoices are skipped until that date
    scan(company)
    for doc in Document.objects.filter(pk__in=[d.pk for d in story["daisy"]]):
        assert (doc.to_remind, doc.stop_reason, doc.promise_date) == (False, "promise", promised)

    # the second customer, in English, disputes
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(story["links"]["sarah@lenty.example"])
    assert page.get_by_role("heading", name=re.compile("Statement of account")).is_visible()
    found += audit(page, "portal en (390)")
    shoot(page, "portal-en-390")
    page.locator("summary", has_text="I dispute").click()
    page.select_option("#dispute-reason", "not_received")
    page.fill("#dispute-message", "The delivery never arrived.")
    page.get_by_role("button", name="Send my dispute").click()
    assert "dispute is recorded" in page.locator(".notice.ok").inner_text()
    assert page.get_by_text("disputed").first.is_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    shoot(page, "portal-en-1366")
    context.close()

    # the collector: the worklist shows the promise and the dispute
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "claire-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/relance/")
    with page.expect_navigation():  # the screen option: every open invoice, stopped ones too
        page.check("input[name=show_not_due]")
    worklist = page.locator("main").inner_text()
    assert f"Promesse au {promised:%d/%m/%y}" in worklist
    assert "En litige" in worklist
    shoot(page, "collecteur-liste-de-relance")
    page.goto(live_server.url + "/reponses/")
    assert "Contestation" in page.locator("main").inner_text()
    shoot(page, "collecteur-reponses")
    page.goto(live_server.url + f"/clients/{story['sarah'].customer_id}/")
    shoot(page, "collecteur-fiche-client")
    page.goto(live_server.url + f"/clients/{story['daisy'][0].customer_id}/portail/")
    assert "Aperçu" in page.locator("main").inner_text()
    shoot(page, "collecteur-voir-comme-le-client")
    context.close()
    sarah = Document.objects.get(pk=story["sarah"].pk)
    assert sarah.disputed and sarah.stop_reason == "disputed" and not sarah.to_remind
    assert not found, "axe: serious or critical violations:\n" + "\n".join(found)
