"""Brevo's and Postmark's events through django-anymail's webhooks: basic auth checked
(by anymail), a hard bounce or a complaint marks the address undeliverable once, a soft
bounce does not, and our Message-ID comes back through the headers they echo."""

import base64
import json

import pytest
from django.utils import timezone

from channels.email.transport import EmailChannel
from inbox.models import ProviderEvent
from reminders.delivery import Email
from reminders.models import Reminder, ReminderState

SECRET = "relance:s3cret-webhook-pass"


@pytest.fixture
def sent(company, customer, settings):
    settings.RELANCE_BREVO_WEBHOOK_SECRET = SECRET
    settings.RELANCE_POSTMARK_WEBHOOK_SECRET = SECRET
    row = Reminder.objects.create(
        company=company, customer=customer, channel="email", state=ReminderState.SENT,
        recipient=[customer.emails], sent_at=timezone.now(),
    )  # fmt: skip
    row.message_id = f"<reminder-{row.pk}.{company.pk}@alice.example>"
    row.save()
    return row


def _post(client, provider, body, auth=SECRET):
    headers = {}
    if auth:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return client.post(
        f"/esp/{provider}/tracking/", json.dumps(body), content_type="application/json", **headers
    )


def brevo(message_id, event="hard_bounce"):
    """Brevo's transactional webhook body (developers.brevo.com, « Transactional webhooks »)."""
    return {
        "event": event,
        "email": "daisy@anyway.example",
        "id": 804512,
        "date": "2026-03-10 11:00:05",
        "ts": 1773136805,
        "message-id": "<202603101100.12345678901@smtp-relay.mailin.fr>",
        "ts_event": 1773136805,
        "subject": "Relance 1 : facture 3",
        "tag": "",
        "sending_ip": "185.41.28.109",
        "ts_epoch": 1773136805123,
        "reason": "550 5.1.1 <daisy@anyway.example>: Recipient address rejected: unknown user",
        "X-Mailin-custom": json.dumps({"message_id": message_id}),
    }


def postmark(message_id, record="Bounce", kind="HardBounce", event_id=4323372036854775807):
    """Postmark's bounce / spam complaint webhook body (postmarkapp.com/developer/webhooks)."""
    return {
        "RecordType": record,
        "ID": event_id,
        "Type": kind,
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {"message_id": message_id},
        "ServerID": 23,
        "MessageStream": "outbound",
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": "daisy@anyway.example",
        "From": "compta@alice.example",
        "BouncedAt": "2026-03-10T11:00:05Z",
        "DumpAvailable": False,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Relance 1 : facture 3",
    }


def test_a_brevo_hard_bounce_marks_the_address_once(client, sent, customer):
    assert _post(client, "brevo", brevo(sent.message_id)).status_code == 200
    customer.refresh_from_db()
    sent.refresh_from_db()
    assert "unknown user" in customer.email_undeliverable and "unknown user" in sent.undelivered
    assert _post(client, "brevo", brevo(sent.message_id)).status_code == 200  # sent again
    assert ProviderEvent.objects.get().esp_name == "Brevo"


@pytest.mark.parametrize("auth", [None, "relance:wrong", "other:s3cret-webhook-pass"])
def test_without_the_right_basic_auth_nothing_changes(client, sent, customer, auth):
    assert _post(client, "brevo", brevo(sent.message_id), auth=auth).status_code == 400
    assert _post(client, "postmark", postmark(sent.message_id), auth=auth).status_code == 400
    customer.refresh_from_db()
    assert not customer.email_undeliverable and not ProviderEvent.objects.exists()


def test_a_soft_bounce_is_recorded_and_keeps_the_address(client, sent, customer):
    assert _post(client, "brevo", brevo(sent.message_id, event="soft_bounce")).status_code == 200
    body = postmark(sent.message_id, kind="SoftBounce", event_id=77)
    assert _post(client, "postmark", body).status_code == 200
    customer.refresh_from_db()
    assert not customer.email_undeliverable
    assert ProviderEvent.objects.count() == 2


def test_a_postmark_bounce_and_complaint_each_count_once(client, sent, customer):
    assert _post(client, "postmark", postmark(sent.message_id)).status_code == 200
    customer.refresh_from_db()
    assert "does not exist" in customer.email_undeliverable
    assert _post(client, "postmark", postmark(sent.message_id)).status_code == 200
    complaint = postmark(sent.message_id, record="SpamComplaint", kind="SpamComplaint", event_id=9)
    assert _post(client, "postmark", complaint).status_code == 200
    events = ProviderEvent.objects.order_by("pk")
    assert [(e.esp_name, e.event_type, e.reminder_id) for e in events] == [
        ("Postmark", "bounced", sent.pk),
        ("Postmark", "complained", sent.pk),
    ]


def test_a_message_id_that_is_not_ours_touches_no_customer(client, sent, customer):
    forged = f"<reminder-{sent.pk}.{sent.company_id + 1}@alice.example>"
    assert _post(client, "brevo", brevo(forged)).status_code == 200
    customer.refresh_from_db()
    assert not customer.email_undeliverable


def test_without_a_secret_the_webhooks_are_not_there(client, db, settings):
    settings.RELANCE_BREVO_WEBHOOK_SECRET = settings.RELANCE_POSTMARK_WEBHOOK_SECRET = ""
    assert _post(client, "brevo", {}).status_code == 404
    assert _post(client, "postmark", {}).status_code == 404


def test_each_email_carries_our_message_id_where_they_echo_it(sent):
    email = Email(
        from_email="compta@alice.example",
        to=["daisy@anyway.example"],
        subject="Relance 1",
        text="Bonjour",
        message_id=sent.message_id,
    )
    message = EmailChannel(connection=object()).build(email).message()
    assert json.loads(message["X-Mailin-custom"]) == {"message_id": sent.message_id}
    assert message["X-PM-Metadata-message_id"] == sent.message_id
    assert message["Message-ID"] == sent.message_id
