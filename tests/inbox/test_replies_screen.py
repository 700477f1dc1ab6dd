"""« Réponses » : what a collector does with a reply, and what it may not do."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.effects import record
from inbox.models import InboundMessage, Mailbox, Outcome, Security
from receivables.models import DocumentState
from reminders.models import Reminder, ReminderDocument, ReminderState

from . import mails


@pytest.fixture
def box(company, media):
    return Mailbox.objects.create(
        company=company, host="127.0.0.1", port=1, security=Security.NONE, login="alice"
    )


@pytest.fixture
def replied(box, company, customer, make_invoice):
    """An invoice reminded by e-mail, and the customer's reply recorded."""
    invoice = make_invoice()
    reminder = Reminder.objects.create(
        company=company, customer=customer, channel="email", state=ReminderState.SENT,
        sent_at=timezone.now(), level_rank=1, level_name="Rappel de courtoisie",
    )  # fmt: skip
    reminder.message_id = f"<reminder-{reminder.pk}.{company.pk}@alice.example>"
    reminder.save()
    ReminderDocument.objects.create(reminder=reminder, document=invoice, level_rank=1)
    reply = record(box, 1, 1, mails.outlook_html_reply(reminder.message_id[1:-1]))
    customer.refresh_from_db()
    assert customer.awaiting_reply
    return reply, invoice


def post(client, reply, **data):
    return client.post(reverse("reply_handle", args=[reply.pk]), data, follow=True)


def test_a_promise_holds_the_invoice_and_ends_the_pause(client, bob, replied, customer):
    reply, invoice = replied
    client.force_login(bob)
    page = post(client, reply, outcome="promise", promise_date="2026-04-15")
    assert "promesse de paiement" in page.content.decode()
    invoice.refresh_from_db()
    customer.refresh_from_db()
    assert invoice.promise_date == date(2026, 4, 15) and not customer.awaiting_reply
    assert InboundMessage.objects.to_handle().count() == 0


def test_a_dispute_marks_the_invoice_disputed(client, bob, replied):
    reply, invoice = replied
    client.force_login(bob)
    post(client, reply, outcome="dispute", dispute_reason="livraison incomplète")
    invoice.refresh_from_db()
    assert invoice.disputed and invoice.block_reason == "livraison incomplète"


def test_already_paid_is_a_hint_and_never_marks_the_invoice_paid(client, bob, replied):
    reply, invoice = replied
    client.force_login(bob)
    post(client, reply, outcome="paid", paid_on="2026-03-09", paid_amount="720,00")
    reply.refresh_from_db()
    invoice.refresh_from_db()
    assert (reply.outcome, reply.paid_on, reply.paid_amount) == (
        Outcome.PAID,
        date(2026, 3, 9),
        Decimal("720.00"),
    )
    assert invoice.state == DocumentState.OPEN and invoice.paid_amount == 0


def test_a_promise_without_a_date_changes_nothing(client, bob, replied, customer):
    reply, _invoice = replied
    client.force_login(bob)
    page = post(client, reply, outcome="promise")
    assert "Indiquez la date promise" in page.content.decode()
    customer.refresh_from_db()
    assert customer.awaiting_reply


def test_the_pause_lasts_while_another_reply_waits(client, bob, replied, box, customer):
    reply, _invoice = replied
    record(box, 1, 2, mails.thunderbird_reply("whatever@anyway.example"))
    client.force_login(bob)
    post(client, reply, outcome="done")
    customer.refresh_from_db()
    assert customer.awaiting_reply


def test_another_company_neither_sees_nor_handles_the_reply(client, charlie, replied):
    reply, _invoice = replied
    client.force_login(charlie)
    assert "ANYWAY" not in client.get(reverse("replies")).content.decode()
    assert (
        client.post(reverse("reply_handle", args=[reply.pk]), {"outcome": "done"}).status_code
        == 404
    )
    reply.refresh_from_db()
    assert reply.handled_at is None


def test_the_nav_counts_the_replies_waiting(client, bob, replied):
    client.force_login(bob)
    page = client.get(reverse("worklist")).content.decode()
    assert 'id="replies-count" aria-hidden="true">1<' in page


def test_already_paid_reaches_the_bank_matching_as_a_hint(client, bob, replied, customer):
    from banking.services import said_paid

    reply, _invoice = replied
    client.force_login(bob)
    post(client, reply, outcome="paid", paid_on="2026-03-09", paid_amount="720,00")
    assert said_paid(reply.company) == {Decimal("720.00"): (customer.pk,)}


def test_attachments_are_stored_once_by_content_and_too_big_ones_are_only_listed(
    box, customer, settings, client, bob
):
    raw = mails.thunderbird_reply("x@anyway.example", msg_id="a@anyway.example")
    first = record(box, 1, 10, raw)
    second = record(box, 1, 11, raw.replace(b"<a@anyway.example>", b"<b@anyway.example>"))
    a, b = first.files.get(), second.files.get()
    assert a.file.name == b.file.name and a.sha256 == b.sha256  # one file, two messages
    client.force_login(bob)
    got = client.get(reverse("reply_file", args=[a.pk]))
    assert b"".join(got.streaming_content).startswith(b"%PDF")
    assert got["Content-Type"] == "application/octet-stream"
    assert got["Content-Disposition"].startswith("attachment")
    settings.RELANCE_INBOX_MAX_ATTACHMENT_BYTES = 10
    big = record(box, 1, 12, raw.replace(b"<a@anyway.example>", b"<c@anyway.example>"))
    kept = big.files.get()
    assert not kept.file and "trop gros" in kept.refused
