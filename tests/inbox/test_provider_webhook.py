"""A provider's events through django-anymail's webhook (Mailgun's JSON layout): the
signature is checked, each event is processed once, a bounce or a complaint marks the
address like a bounce read from the mailbox, and only our own Message-IDs are trusted."""

import hashlib
import hmac
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.models import ProviderEvent
from reminders.models import Reminder, ReminderState

KEY = "key-test-0123456789abcdef"


@pytest.fixture
def sent(company, customer, settings):
    settings.RELANCE_MAILGUN_WEBHOOK_SIGNING_KEY = KEY
    row = Reminder.objects.create(
        company=company, customer=customer, channel="email", state=ReminderState.SENT,
        recipient=[customer.emails], sent_at=timezone.now(),
    )  # fmt: skip
    row.message_id = f"<reminder-{row.pk}.{company.pk}@alice.example>"
    row.save()
    return row


def payload(message_id: str, event="failed", severity="permanent", token="a8ce0edb2dd8301dcee"):
    timestamp = "1773129605"
    signature = hmac.new(KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "id": "G9Bn5sl1TC6nu79C8C0bwg",
            "timestamp": 1773129605.2,
            "event": event,
            "severity": severity,
            "reason": "bounce",
            "recipient": "daisy@anyway.example",
            "delivery-status": {
                "code": 550,
                "message": "5.1.1 The email account that you tried to reach does not exist.",
                "description": "",
            },
            "message": {
                "headers": {"message-id": message_id.strip("<>"), "to": "daisy@anyway.example"}
            },
        },
    }


def post(client, body):
    return client.post(
        reverse("esp_mailgun_tracking"), json.dumps(body), content_type="application/json"
    )


def test_a_provider_bounce_marks_the_address_once(client, sent, customer):
    assert post(client, payload(sent.message_id)).status_code == 200
    customer.refresh_from_db()
    sent.refresh_from_db()
    assert "does not exist" in customer.email_undeliverable and "does not exist" in sent.undelivered
    assert post(client, payload(sent.message_id)).status_code == 200  # sent again
    assert ProviderEvent.objects.count() == 1


def test_a_wrong_signature_changes_nothing(client, sent, customer):
    body = payload(sent.message_id)
    body["signature"]["signature"] = "0" * 64
    assert post(client, body).status_code == 400
    customer.refresh_from_db()
    assert not customer.email_undeliverable and not ProviderEvent.objects.exists()


def test_a_delivery_is_recorded_and_changes_nothing(client, sent, customer):
    assert post(client, payload(sent.message_id, event="delivered", token="t2")).status_code == 200
    customer.refresh_from_db()
    assert not customer.email_undeliverable
    assert ProviderEvent.objects.get().event_type == "delivered"


def test_a_message_id_that_is_not_ours_touches_no_customer(client, sent, customer):
    forged = f"<reminder-{sent.pk}.{sent.company_id + 1}@alice.example>"
    assert post(client, payload(forged)).status_code == 200
    customer.refresh_from_db()
    assert not customer.email_undeliverable


def test_without_a_key_the_webhook_is_not_there(client, settings):
    settings.RELANCE_MAILGUN_WEBHOOK_SIGNING_KEY = ""
    assert post(client, {}).status_code == 404
