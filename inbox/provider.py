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


def handle_tracking(sender, event, esp_name: str, **kwargs) -> ProviderEvent | None:
    """anymail's `tracking` signal. None when the event was already processed."""
    reminder = _reminder(event.message_id or "")
    try:
        with transaction.atomic():
            row = ProviderEvent.objects.create(
                esp_name=esp_name[:40],
                event_id=(event.event_id or "")[:200] or f"{event.message_id}:{event.event_type}",
                event_type=str(event.event_type)[:20],
                company_id=reminder.company_id if reminder else None,
                reminder=reminder,
                recipient=(event.recipient or "")[:300],
                description=event.mta_response or event.description or "",
            )
            if reminder is not None and event.event_type in UNDELIVERABLE:
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
