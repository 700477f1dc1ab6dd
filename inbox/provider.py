"""An e-mail provider's events (delivered, bounced, complained, opened), received by
django-anymail's webhooks (the provider's signature is checked by anymail before this
runs): each event once (unique provider + event id); a bounce or a complaint does what a
bounce read from the mailbox does. The event names the reminder by our Message-ID,
which carries its company: nothing else is trusted, so an event can never touch another
company's customer."""

from django.db import IntegrityError, transaction

from reminders.models import Reminder

from .classify import our_reminder
from .effects import mark_undeliverable
from .models import ProviderEvent

UNDELIVERABLE = {"bounced", "complained", "rejected"}


# A bounce the provider calls temporary (mailbox full, greylisting): anymail reports
# Brevo's « soft_bounce » and Postmark's « SoftBounce » as « bounced »; the address stays.
SOFT = {("event", "soft_bounce"), ("Type", "SoftBounce"), ("Type", "Transient")}


def _soft(event) -> bool:
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    return any(raw.get(key) == value for key, value in SOFT)


def our_message_id(event) -> str:
    """The Message-ID we gave the e-mail: the event's own (Mailgun, and Brevo when it kept
    ours), else the one echoed in its metadata (Brevo's X-Mailin-custom, Postmark's
    X-PM-Metadata-message_id: channels/email/transport.py). Only ours are trusted."""
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    for candidate in (event.message_id, metadata.get("message_id")):
        if isinstance(candidate, str) and our_reminder(candidate.strip()):
            return candidate.strip()
    return str(event.message_id or "")


def handle_tracking(sender, event, esp_name: str, **kwargs) -> ProviderEvent | None:
    """anymail's `tracking` signal. None when the event was already processed."""
    message_id = our_message_id(event)
    reminder = _reminder(message_id)
    try:
        with transaction.atomic():
            row = ProviderEvent.objects.create(
                esp_name=esp_name[:40],
                event_id=(event.event_id or "")[:200] or f"{message_id}:{event.event_type}"[:200],
                event_type=str(event.event_type)[:20],
                company_id=reminder.company_id if reminder else None,
                reminder=reminder,
                recipient=(event.recipient or "")[:300],
                description=event.mta_response or event.description or "",
            )
            if reminder is not None and event.event_type in UNDELIVERABLE and not _soft(event):
                words = row.description or str(event.event_type)
                mark_undeliverable(reminder.customer, reminder, [row.recipient], words)
    except IntegrityError:  # the provider sent it again
        return None
    return row


def _reminder(message_id: str) -> Reminder | None:
    ours = our_reminder(message_id.strip())
    if ours is None:
        return None
    return (
        Reminder.objects.filter(pk=ours[0], company_id=ours[1], message_id=message_id.strip())
        .select_related("customer")
        .first()
    )
