"""The first day in chromium, from an empty database: a superuser logs in, creates the
company on « Créer votre société », uploads the old ERP's grid, sees its rows on the
worklist, and watches « Pour bien démarrer » tick itself."""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRID = Path(__file__).parent / "data" / "export_gescom_2024.csv"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"i16-{name}.png"), full_page=True)


def ticked(page) -> dict[str, bool]:
    items = page.locator("#getting-started li[data-step]")
    return {
        items.nth(i).get_attribute("data-step"): items.nth(i).get_attribute("class") == "done"
        for i in range(items.count())
    }


def test_first_day_in_the_browser(browser, live_server, settings, tmp_path):
    from django.contrib.auth import get_user_model

    from receivables.models import Company

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    get_user_model().objects.create_superuser("root", "root@relance.example", "root-pass-2026")
    assert not Company.objects.exists()

    context = browser.new_context(viewport={"width": 1366, "height": 850}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "root-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/bienvenue/")
    assert page.locator("h1").inner_text() == "Créer votre société"
    shot(page, "1-bienvenue")

    page.fill("input[name=name]", "Boulangeries Réunies")
    page.fill("input[name=siren]", "732 829 321")  # a typo: the field says so
    with page.expect_navigation():  # the form comes back from the server with its error
        page.click("#welcome-form button[type=submit]")
    assert "SIREN invalide : la clé de contrôle est fausse" in page.content()
    page.fill("input[name=siren]", "732 829 320")
    page.fill("input[name=iban]", "FR76 3000 6000 0112 3456 7890 189")
    page.click("#welcome-form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    assert "Boulangeries Réunies" in page.locator("h1").inner_text()
    assert ticked(page) == {"company": False, "email": False, "iban": True, "logo": False,
                            "import": False, "reminder": False}  # fmt: skip
    assert "0 facture à relancer" in page.locator("#today").inner_text()
    shot(page, "2-accueil")

    page.click('#getting-started a[href="/import/"]')
    page.set_input_files("input[name=file]", str(GRID))
    page.click("button:text-is('Importer')")
    status = page.locator("#refresh-status")
    status.wait_for()
    assert re.search(r"4 pièces à relancer", status.inner_text())
    shot(page, "3-import")

    page.click("#refresh-status a:text('Voir la liste de relance')")
    page.wait_for_url("**/relance/**")
    rows = page.locator("#worklist-table tbody tr[data-id] td:nth-child(2) a").all_inner_texts()
    assert sorted(rows) == ["FA240101", "FA240102", "FA240105", "FA240106"]
    shot(page, "4-relance")

    page.goto(live_server.url + "/")
    assert ticked(page)["import"]
    assert "4 factures à relancer" in page.locator("#today").inner_text()
    shot(page, "5-accueil-apres-import")

    # The sender address, checked through a real SMTP server: the step ticks itself.
    inbox = smtp_server(settings)
    page.click('#getting-started a[href="/parametres/#test-email"]')
    page.fill("input[name=email]", "compta@boulangeries.example")
    page.click("form.stack button[type=submit]")
    page.click("#test-email button")
    message = page.locator(".messages li").inner_text()
    assert "a accepté le message pour root@relance.example" in message
    assert "250 2.0.0 Ok: queued as 4F2A1" in message
    shot(page, "6-email-essai")
    assert inbox.handler.received[0].mail_from == "compta@boulangeries.example"
    page.goto(live_server.url + "/")
    assert ticked(page)["email"]
    inbox.stop()
    context.close()


def smtp_server(settings):
    from aiosmtpd.controller import Controller

    from .test_checklist import Handler, free_port

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER, settings.EMAIL_TIMEOUT = "", 5
    return controller
