"""A real SMTP server (aiosmtpd) on a random port, recording what it receives."""

import io
import socket
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core.files.base import ContentFile
from pypdf import PdfWriter

from dunning.policies import ensure_default_policies
from reminders.defaults import ensure_default_templates


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self):
        return message_from_bytes(self.raw, policy=policy.default)


@dataclass
class Recorder:
    """aiosmtpd handler. `script` holds the replies to give to the next DATA commands
    (e.g. "451 4.3.0 try later"); `drop_after` closes the connection after N messages."""

    received: list[Received] = field(default_factory=list)
    script: list[str] = field(default_factory=list)
    drop_at: set[int] = field(default_factory=set)
    data_calls: int = 0

    async def handle_DATA(self, server, session, envelope):
        self.data_calls += 1
        if self.data_calls in self.drop_at:
            server.transport.close()  # the connection drops mid-batch
            return "421 4.4.2 connection dropped"
        if self.script:
            return self.script.pop(0)
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 2.0.0 OK queued"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = Recorder()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def dunning_setup(company, media):
    company.email = "compta@alice.example"
    company.address = "1 place du Marché\n35000 Rennes"
    company.bic = "AGRIFRPP"
    company.legal_mentions = "Pénalités au taux BCE + 10 points ; indemnité forfaitaire de 40 €."
    company.save()
    ensure_default_policies(company)
    ensure_default_templates(company)
    return company


@pytest.fixture
def late_invoice(make_invoice, dunning_setup):
    """An invoice 10 days late on 2026-03-10, awaiting level 2 (Relance 1, e-mail),
    with its own small PDF (its number in the PDF's title)."""

    def make(with_pdf=True, **kwargs):
        fields = dict(
            issue_date=date(2026, 2, 20),
            due_date=date(2026, 2, 28),
            amount=Decimal("720.00"),
            pending_level=2,
            to_remind=True,
        )
        fields.update(kwargs)
        doc = make_invoice(**fields)
        if with_pdf:
            doc.pdf.save(f"{doc.number}.pdf", ContentFile(tiny_pdf(doc.number)))
        return doc

    return make


def tiny_pdf(title: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


AS_OF = date(2026, 3, 10)
