"""What a collector sees of the replies, in Debian's chromium: the customer's file with
the reply and the bounce, « Réponses » with a one-click outcome, and the mailbox
settings' « Tester » against a real Dovecot (screenshots in test-artifacts/screenshots/)."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth import get_user_model

from inbox.fetch import fetch_mailbox
from receivables.models import Customer, Membership, Role
from reminders.batches import create_batch
from tests.inbox import mails
from tests.inbox.conftest import dovecot, dovecot_server, mailbox  # noqa: F401
from tests.reminders.conftest import dunning_setup, late_invoice, media, smtp_server  # noqa: F401

from .test_browser import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(company, dunning_setup, late_invoice, smtp_server, mailbox, dovecot, settings,  # noqa: F811
          django_capture_on_commit_callbacks):  # fmt: skip
    """Two customers reminded on 10/03; one answers (Thunderbird), the other's address
    bounces (Postfix); both read from the mailbox."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    user = get_user_model().objects.create_user("claire", password="claire-pass-1")
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    daisy = late_invoice()
    other = Customer.objects.create(
        company=company, code="C2", name="LENTY Sarah", emails="sarah@lenty.example",
        address="8 allée des Tilleuls", postal_code="44000", city="Nantes",
    )  # fmt: skip
    sarah = late_invoice(customer=other)
    with time_machine.travel("2026-03-10 09:00 +01:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            create_batch(company, [daisy, sarah], as_of=date(2026, 3, 10))
    sent = {r.rcpt_tos[0]: r.message["Message-ID"] for r in smtp_server.received}
    dovecot.deliver("alice", mails.thunderbird_reply(sent["daisy@anyway.example"][1:-1]))
    dovecot.deliver(
        "alice", mails.postfix_bounce(sent["sarah@lenty.example"], "sarah@lenty.example")
    )
    with time_machine.travel("2026-03-10 14:05 +01:00", tick=False):
        assert fetch_mailbox(mailbox).read == 2
    return {"daisy": daisy.customer, "sarah": other}


def login(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "claire-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return context, page


def test_a_collector_reads_the_reply_and_records_a_promise(browser, live_server, story):
    context, page = login(browser, live_server)
    url = live_server.url
    assert page.locator("#replies-count").inner_text() == "1"

    page.goto(f"{url}/clients/{story['daisy'].pk}/")
    assert page.locator("#awaiting-reply").is_visible()
    page.locator("details:has-text('Voir le message')").first.click()
    assert page.get_by_text("La livraison était incomplète").first.is_visible()
    shot(page, "i19-fiche-client-reponse")

    page.goto(f"{url}/clients/{story['sarah'].pk}/")
    assert "550 5.1.1" in page.locator("#email-undeliverable").inner_text()
    shot(page, "i19-fiche-client-non-distribue")

    page.goto(f"{url}/reponses/")
    shot(page, "i19-reponses")
    card = page.locator("section.reply").first
    card.locator("input[name=promise_date]").fill("2026-03-31")
    card.get_by_role("button", name="Promesse de paiement").click()
    page.wait_for_selector("#no-replies")
    assert "promesse de paiement" in page.locator(".messages").inner_text()
    assert page.locator("#replies-count").count() == 0
    shot(page, "i19-reponses-traitees")
    context.close()


def test_the_mailbox_test_button_shows_the_servers_answer(browser, live_server, story, dovecot):  # noqa: F811
    context, page = login(browser, live_server)
    page.goto(f"{live_server.url}/parametres/messagerie/")
    page.fill("input[name=password]", dovecot.password("alice"))
    page.get_by_role("button", name="Tester").click()
    assert "Connexion réussie" in page.locator("#mailbox-test").inner_text()
    shot(page, "i19-parametres-boite")
    page.fill("input[name=password]", "faux")
    page.get_by_role("button", name="Tester").click()
    assert "AUTHENTICATIONFAILED" in page.locator("#mailbox-test").inner_text()
    shot(page, "i19-parametres-boite-refus")
    context.close()
