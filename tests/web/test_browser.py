"""End-to-end in Debian's chromium against the live server: the morning story of the
seed screen, and a screenshot of every screen (test-artifacts/screenshots/, in French)."""

import socket
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


@pytest.fixture
def data(settings, tmp_path):
    """The seed's two invoices, a direct debit, a customer to call, a quote; one admin."""
    from django.contrib.auth import get_user_model

    from dunning.policies import ensure_default_policies
    from receivables.models import (
        Company,
        Customer,
        Invoice,
        Membership,
        PaymentMethod,
        Quote,
        Role,
    )
    from reminders.defaults import ensure_default_templates

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    company = Company.objects.create(
        name="Les Jardins de Relance",
        legal_name="Les Jardins de Relance SARL",
        address="12 rue des Maraîchers\n35000 Rennes",
        email="compta@jardins.example",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )
    ensure_default_policies(company)
    ensure_default_templates(company)
    user = get_user_model().objects.create_user("claire", password="claire-pass-1")
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    today = company.today()

    def customer(code, name, **kw):
        return Customer.objects.create(
            company=company,
            code=code,
            name=name,
            address="3 rue de Paris",
            postal_code="35000",
            city="Rennes",
            **kw,
        )

    anyway = customer(
        "ANYWAY",
        "ANYWAY SARL",
        contact_name="DRATEY Daisy",
        emails="daisy@anyway.example",
        phone="02 99 00 11 22",
    )
    lenty = customer("LENTY", "LENTY Sarah", emails="sarah@lenty.example", is_business=False)
    bio = customer(
        "BIO",
        "BIOCOOP Vilaine",
        contact_name="MARTIN Paul",
        emails="paul@bio.example",
        default_payment_method=PaymentMethod.DIRECT_DEBIT,
    )

    def invoice(number, cust, late, amount, description, **kw):
        due = today - timedelta(days=late)
        return Invoice.objects.create(
            company=company,
            customer=cust,
            number=number,
            issue_date=due - timedelta(days=7),
            due_date=due,
            amount=Decimal(amount),
            description=description,
            **kw,
        )

    docs = {
        "5": invoice(
            "5", anyway, 2, "5.10", "Pommes de terre Bintje", to_remind=True, pending_level=2
        ),
        "3": invoice(
            "3",
            lenty,
            7,
            "720.00",
            "Livraisons Janvier-Février",
            payment_method=PaymentMethod.CARD,
            to_remind=True,
            pending_level=2,
        ),
        "8": invoice(
            "8",
            bio,
            12,
            "310.00",
            "Paniers hebdomadaires",
            payment_method=PaymentMethod.DIRECT_DEBIT,
            to_remind=True,
            pending_level=2,
        ),
        "2": invoice(
            "2", anyway, 35, "1250.00", "Plants de tomates", to_remind=True, pending_level=4
        ),
        "12": invoice("12", lenty, -10, "48.50", "Confitures"),
    }
    Quote.objects.create(
        company=company,
        customer=bio,
        number="D-2024-07",
        issue_date=today - timedelta(days=40),
        due_date=today - timedelta(days=10),
        amount=Decimal("980.00"),
        state="expired",
        description="Aménagement serre",
        to_remind=True,
        pending_level=1,
    )
    return {"company": company, "docs": docs, "today": today}


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def login(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 850}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    shot(page, "00-connexion")
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "claire-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return context, page


def row(page, number):
    return page.locator(f'#worklist-table tbody tr:has(td:nth-child(2) a:text-is("{number}"))')


def numbers(page):
    return page.locator("#worklist-table tbody tr[data-id] td:nth-child(2) a").all_inner_texts()


def test_the_morning_story(browser, live_server, data, smtp):
    from receivables.models import Document

    context, page = login(browser, live_server)
    page.goto(live_server.url + "/relance/")
    assert numbers(page) == ["2", "8", "3", "5"]
    shot(page, "01-relance-des-factures")

    # Période: 30 days drops the 35-day-old invoice (htmx swaps the table in place).
    page.select_option("#period", "30")
    page.wait_for_url("**period=30**")
    page.wait_for_function(
        "() => document.querySelectorAll('#worklist-table tbody tr[data-id]').length === 3"
    )
    assert numbers(page) == ["8", "3", "5"]

    # Screen option, remembered per user: hide direct debits.
    with page.expect_navigation():
        page.check("input[name=hide_direct_debit]")
    page.wait_for_function(
        "() => document.querySelectorAll('#worklist-table tbody tr[data-id]').length === 2"
    )
    assert numbers(page) == ["3", "5"]
    assert "period=30" in page.url
    assert page.is_checked("input[name=hide_direct_debit]")

    # Select two rows: click one, shift-click the other (a range of two).
    row(page, "3").locator("td:nth-child(9)").click()
    row(page, "5").locator("td:nth-child(9)").click(modifiers=["Shift"])
    assert page.locator("#selection-count").inner_text() == "2 pièces sélectionnées"
    assert page.locator("tr.selected").count() == 2

    # Rel mail → preview → send → summary.
    page.click("button[value=email]")
    page.wait_for_url("**/relances/apercu/")
    assert "2 relances prêtes à partir" in page.inner_text("#preview-counts")
    assert page.locator(".preview-message").count() == 2
    assert "sarah@lenty.example" in page.content() and "daisy@anyway.example" in page.content()
    shot(page, "02-apercu-des-relances")
    page.click("#send-button")
    page.wait_for_url("**/relances/lots/*/")
    page.wait_for_selector("#sent-count:has-text('2 envoyées')")
    shot(page, "03-resume-des-relances")
    assert len(smtp.messages) == 2
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == [
        "daisy@anyway.example",
        "sarah@lenty.example",
    ]

    # Sent documents are no longer "à relancer": show the not-yet-due ones to see them.
    page.goto(live_server.url + "/relance/")
    with page.expect_navigation():
        page.check("input[name=show_not_due]")
    for number in ("3", "5"):
        assert row(page, number).locator('[data-col="reminder_count"]').inner_text() == "1"
    assert Document.objects.get(number="3").reminder_count == 1

    # Remove a row from the list (context menu), then undo.
    row(page, "12").click(button="right")
    with page.expect_navigation():
        page.click("#context-menu [data-menu-action=remove-selected]")
    assert "12" not in numbers(page)
    assert "1 pièce enlevée de la liste" in page.inner_text(".messages")
    shot(page, "04-relance-piece-enlevee")
    with page.expect_navigation():
        page.click(".messages button:has-text('Annuler')")
    assert "12" in numbers(page)
    assert Document.objects.filter(number="12").exists()

    # Tablet width: the table scrolls inside its box, the toolbar wraps.
    page.set_viewport_size({"width": 800, "height": 1100})
    shot(page, "05-relance-tablette")
    context.close()


def test_every_screen_renders_in_french(browser, live_server, data):
    context, page = login(browser, live_server)
    docs, url = data["docs"], live_server.url
    pages = [
        ("06-factures-a-relancer", "/factures/?filter=to_remind", "À relancer"),
        ("07-devis-echus", "/devis/?filter=expired", "D-2024-07"),
        ("08-facture", f"/pieces/{docs['2'].pk}/", "Appel téléphonique — À faire"),
        ("09-fiche-client", f"/clients/{docs['2'].customer_id}/", "Solde ouvert par ancienneté"),
        ("10-clients", "/clients/", "ANYWAY SARL"),
        ("11-appel", f"/relances/appel/?ids={docs['2'].pk}", "Résultat de l'appel"),
        ("12-parametres-societe", "/parametres/", "EMAIL_HOST"),
        ("13-procedures", "/parametres/procedures/", "7 jours après l'échéance"),
        ("15-modeles", "/parametres/modeles/", "Relance 1"),
        ("17-utilisateurs", "/parametres/utilisateurs/", "Nouvel utilisateur"),
        ("18-accueil", "/", "Relance des factures"),
        ("19-devis-relance", "/relance/?kind=quote", "D-2024-07"),
    ]
    for name, path, expected in pages:
        page.goto(url + path)
        assert expected in page.inner_text("main"), name
        shot(page, name)
    page.goto(url + "/parametres/procedures/")
    page.click("main h2 a >> nth=0")
    assert "Niveaux" in page.inner_text("main")
    shot(page, "14-procedure-niveaux")

    # Template editor: typing updates the live preview on a real document (htmx).
    page.goto(url + "/parametres/modeles/")
    page.click("main td a >> nth=1")
    page.fill("#id_subject", "Rappel %NUMERO% : solde %SOLDE%")
    page.wait_for_function(
        # a function, not an expression: Playwright would eval() a string, which the
        # page's Content-Security-Policy refuses
        "() => document.querySelector('#template-preview').innerText.includes('solde ')"
        " && !document.querySelector('#template-preview').innerText.includes('%SOLDE%')"
    )
    assert "Rappel " in page.inner_text("#template-preview")
    shot(page, "16-modele-apercu")

    # English on request.
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert "Invoice reminders" in page.inner_text("header")
    context.close()


def test_a_reminder_in_doubt_is_decided_on_screen(browser, live_server, data, smtp):
    """« À vérifier »: one reminder interrupted mid-send, one failed for want of an address."""
    from django.db import transaction

    from receivables.models import Customer, Document
    from reminders.batches import create_batch
    from reminders.models import Reminder, ReminderState
    from reminders.outbox import claim

    docs = data["docs"]
    Customer.objects.filter(code="LENTY").update(emails="")
    with transaction.atomic():  # the worker runs at commit: by then one row is "in doubt"
        batch = create_batch(data["company"], [docs["5"], docs["3"]], channel="email")
        claim(10, batch.pk)  # a worker worded it, handed it over, then died
        Reminder.objects.filter(batch=batch, customer__code="ANYWAY").update(
            state=ReminderState.NEEDS_REVIEW,
            attempts=1,
            last_error="Interrompu pendant l'envoi : vérifier s'il est parti avant de le renvoyer.",
        )
    context, page = login(browser, live_server)
    assert page.inner_text("#decisions-count") == "2"
    page.goto(f"{live_server.url}/relances/lots/{batch.pk}/")
    assert page.inner_text("#to-decide") == "Décider des 2 rappels à vérifier ou en échec"
    shot(page, "23-resume-a-decider")
    page.click("header nav a:has-text('À vérifier')")
    page.wait_for_url("**/relances/a-verifier/")
    assert "1 rappel peut-être parti" in page.inner_text("main")
    assert "pas d'adresse e-mail" in page.inner_text("main")
    card = page.locator("article.decision:has-text('ANYWAY SARL')")
    card.locator("summary").click()
    assert "Rappel : facture(s) 5 échue(s)" in card.inner_text()
    shot(page, "20-a-verifier")

    with page.expect_navigation():
        card.locator("button:has-text('Il est bien parti')").click()
    assert "Noté comme envoyé : ANYWAY SARL" in page.inner_text(".messages")
    assert page.inner_text("#decisions-count") == "1"
    assert Document.objects.get(pk=docs["5"].pk).reminder_count == 1
    assert smtp.messages == []  # counted as sent, not sent again
    shot(page, "21-a-verifier-parti")

    failed = page.locator("article.decision:has-text('LENTY Sarah')")
    failed.locator("input[name=emails]").fill("sarah@lenty.example")
    with page.expect_navigation():
        failed.locator("button:has-text('Réessayer')").click()
    assert "Rappel refait pour LENTY Sarah" in page.inner_text(".messages")
    assert "Rien à vérifier" in page.inner_text("main")
    assert page.locator("#decisions-count").count() == 0
    assert [m.rcpt_tos for m in smtp.messages] == [["sarah@lenty.example"]]
    shot(page, "22-a-verifier-vide")
    context.close()


def test_a_big_selection_is_previewed_in_short(browser, live_server, data):
    """« Rel mail » on 34 invoices: 20 messages in full, the others in a table, in French
    and in English."""
    from receivables.models import Customer, Document

    company, today = data["company"], data["today"]
    customers = Customer.objects.bulk_create(
        Customer(
            company=company,
            code=f"K{i:02d}",
            name=f"Primeurs {i:02d}",
            emails="" if i in (4, 9) else f"primeurs{i}@x.example",
            address=f"{i} quai Duguay-Trouin",
            postal_code="35000",
            city="Rennes",
        )
        for i in range(30)
    )
    Document.objects.bulk_create(
        Document(
            company=company,
            customer=c,
            kind="invoice",
            number=f"P{i:02d}",
            issue_date=today - timedelta(days=30),
            due_date=today - timedelta(days=10),
            amount=Decimal("80.00") + i,
            to_remind=True,
            pending_level=2,
        )
        for i, c in enumerate(customers)
    )
    context, page = login(browser, live_server)
    for language, ready, other in [
        ("fr", "prêtes à partir : ", "autres relances"),
        ("en", "ready to go: ", "other reminders"),
    ]:
        page.goto(live_server.url + "/relance/")
        if language == "en":
            with page.expect_navigation():
                page.select_option("#lang-select", "en")
        page.click("[data-select-all]")
        page.click("button[value=email]")
        page.wait_for_url("**/relances/apercu/")
        counts = page.inner_text("#preview-counts")
        assert ready in counts, counts
        assert page.locator(".preview-message").count() == 20
        rows = page.locator("#preview-others tbody tr")
        assert rows.count() == int(counts.split()[0]) - 20
        assert other in page.inner_text("#preview-others h2")
        assert page.locator("#h-fail + ul li").count() == 2
        shot(page, f"24-apercu-grand-envoi-{language}")
    # « Lire » opens one of the others in full, in a tab of its own.
    with context.expect_page() as opened:
        rows.last.locator("a:has-text('Read')").click()
    one = opened.value
    one.wait_for_load_state()
    assert "1 reminder ready to go: 1 e-mail" in one.inner_text("#preview-counts")
    assert one.locator(".preview-message").count() == 1
    # alone in its preview, it is shown editable: its subject is in the field
    assert one.input_value("#edit-subject") == "Rappel : facture(s) P29 échue(s)"
    shot(one, "25-apercu-une-relance-en")
    context.close()


def test_a_lone_reminder_is_edited_before_it_leaves(browser, live_server, data, smtp):
    """« Rel mail » on one invoice: the preview shows its subject and text in fields; the
    edit is what the customer receives, invoice attached; in English, an unknown keyword
    comes back under the text with the edit kept."""
    from email import message_from_bytes, policy

    docs = data["docs"]
    context, page = login(browser, live_server)
    page.goto(f"{live_server.url}/relances/apercu/?ids={docs['3'].pk}&channel=email")
    assert page.input_value("#edit-subject") == "Rappel : facture(s) 3 échue(s)"
    assert page.input_value("#edit-text").startswith("Bonjour LENTY Sarah,")
    assert "Référence à indiquer" in page.inner_text("#edit-payment")
    page.fill("#edit-subject", "Facture %NUMERO% : un petit oubli ?")
    page.fill("#edit-text", "Bonjour Sarah,\n\nIl reste %SOLDE% à régler.\n\nMerci !")
    shot(page, "26-apercu-modifier-un-message")
    page.click("#send-button")
    page.wait_for_url("**/relances/lots/*/")
    page.wait_for_selector("#sent-count:has-text('1 envoyée')")
    page.click("#lone-message summary")
    assert "Il reste 720,00" in page.inner_text("#lone-message")
    shot(page, "27-resume-message-modifie")
    [envelope] = smtp.messages
    received = message_from_bytes(envelope.original_content, policy=policy.default)
    assert received["Subject"] == "Facture 3 : un petit oubli ?"
    text = received.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Bonjour Sarah,\n\nIl reste 720,00\xa0€ à régler.\n\nMerci !")
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "<p>Il reste 720,00\xa0€ à régler.</p>" in html
    assert [p.get_filename() for p in received.iter_attachments() if p.get_filename()] == [
        "facture-3.pdf"
    ]

    page.goto(live_server.url + "/relance/")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    page.goto(f"{live_server.url}/relances/apercu/?ids={docs['5'].pk}&channel=email")
    assert page.locator("label[for=edit-text]").inner_text() == "Text"
    page.fill("#edit-text", "Dear Daisy,\n\n%AMOUNT_DUE% is still unpaid.")
    page.click("#send-button")
    page.wait_for_selector("#edit-text-error")
    assert page.inner_text("#edit-text-error") == "Unknown keyword: %AMOUNT_DUE%."
    assert "The message was not sent: correct “Text”." in page.inner_text(".messages")
    assert page.input_value("#edit-text") == "Dear Daisy,\n\n%AMOUNT_DUE% is still unpaid."
    shot(page, "28-preview-edit-refused-en")
    assert len(smtp.messages) == 1
    # A letter: its template is HTML (it is printed from it); the fields show its words.
    page.goto(f"{live_server.url}/relances/apercu/?ids={docs['2'].pk}&channel=letter")
    assert page.input_value("#edit-text").startswith("Madame, Monsieur,\n\n")
    assert "printed as you wrote it" in page.inner_text("#edit-help")
    shot(page, "29-preview-edit-letter-en")
    context.close()
