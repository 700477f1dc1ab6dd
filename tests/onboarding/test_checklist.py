"""« Pour bien démarrer » on the home page: each step links to its screen and ticks
itself; « M'envoyer un e-mail d'essai » goes through a real SMTP server (aiosmtpd) and
shows its answer in words."""

import re
import socket
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller
from django.core.files.base import ContentFile

from receivables.models import Company
from reminders.models import Reminder, ReminderState


def steps(client) -> dict[str, bool]:
    page = client.get("/").content.decode()
    return {key: state == "done" for key, state in
            re.findall(r'data-step="(\w+)" class="(done|todo)"', page)}  # fmt: skip


class Handler:
    def __init__(self, mail_reply=None):
        self.mail_reply = mail_reply
        self.received = []

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 2.0.0 Ok: queued as 4F2A1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    servers = []

    def start(mail_reply=None):
        handler = Handler(mail_reply)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER, settings.EMAIL_TIMEOUT = "", 5
        return handler

    yield start
    for controller in servers:
        controller.stop()


@pytest.fixture
def admin(alice_client, alice):
    alice.email = "alice@alice.example"
    alice.save()
    return alice_client


@pytest.mark.django_db
def test_each_step_ticks_itself_and_the_list_goes_when_all_are_done(
    admin, company, make_invoice, smtp, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    Company.objects.filter(pk=company.pk).update(iban="")
    assert steps(admin) == dict.fromkeys(
        ["company", "email", "iban", "logo", "import", "reminder"], False
    )
    page = admin.get("/").content.decode()
    assert 'href="/import/"' in page and 'href="/parametres/#test-email"' in page
    company.refresh_from_db()
    company.address, company.siren = "1 place du Marché\n35000 Rennes", "732829320"
    company.iban, company.email = "FR7630006000011234567890189", "compta@alice.example"
    company.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    assert steps(admin) == {"company": True, "email": False, "iban": True, "logo": True,
                            "import": False, "reminder": False}  # fmt: skip
    smtp()
    admin.post("/parametres/email-essai/")
    invoice = make_invoice(amount=Decimal("10"))
    assert steps(admin)["email"] and steps(admin)["import"] and not steps(admin)["reminder"]
    Reminder.objects.create(company=company, customer=invoice.customer, level_rank=1,
                            channel="email", state=ReminderState.SENT)  # fmt: skip
    assert 'id="getting-started"' not in admin.get("/").content.decode()


@pytest.mark.django_db
def test_the_test_email_shows_the_servers_answer_and_ticks_the_step(admin, company, smtp):
    company.email = "compta@alice.example"
    company.save()
    server = smtp()
    page = admin.post("/parametres/email-essai/", follow=True).content.decode()
    assert "a accepté le message pour alice@alice.example" in page
    assert "250 2.0.0 Ok: queued as 4F2A1" in page
    assert server.received[0].rcpt_tos == ["alice@alice.example"]
    assert server.received[0].mail_from == "compta@alice.example"
    assert steps(admin)["email"]
    company.refresh_from_db()
    company.email = "autre@alice.example"  # another sender: to be checked again
    company.save()
    assert not steps(admin)["email"]


@pytest.mark.django_db
def test_a_refused_sender_is_said_in_words_and_not_ticked(admin, company, smtp):
    company.email = "compta@alice.example"
    company.save()
    smtp(mail_reply="550 5.7.1 Sender address rejected: not owned by user")
    page = admin.post("/parametres/email-essai/", follow=True).content.decode()
    assert "refuse l&#x27;adresse d&#x27;expédition compta@alice.example" in page
    assert "550 5.7.1 Sender address rejected: not owned by user" in page
    assert not steps(admin)["email"]


@pytest.mark.django_db
def test_an_unreachable_server_and_no_server_at_all(admin, company, settings):
    company.email = "compta@alice.example"
    company.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    page = admin.post("/parametres/email-essai/", follow=True).content.decode()
    assert f"Impossible de joindre le serveur 127.0.0.1:{settings.EMAIL_PORT}" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page = admin.post("/parametres/email-essai/", follow=True).content.decode()
    assert "Aucun serveur SMTP n&#x27;est configuré" in page
    assert not steps(admin)["email"]
