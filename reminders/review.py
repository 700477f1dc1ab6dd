"""The outbox for a person: the reminders that need a decision, and the decisions.

needing_decision  needs review (may have gone out) and failed (not redone since)
stuck_reminders   those, plus e-mails queued again after an error (CLI, API)
mark_sent         a person checked: it went out (counts as sent on its documents)
retry             send it again: needs review → the queue, once; failed → a new batch
                  rendered from today's data (a corrected address is used)
still_failing     why a redone one still cannot go out
dismiss           give up on it: cancelled, its documents free for a later reminder
set_emails        correct a customer's e-mail addresses before retrying
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from receivables.models import Company, Customer

from .batches import create_batch
from .models import Batch, Reminder, ReminderDocument, ReminderState
from .outcomes import release_documents
from .sending import resolve_needs_review


class CannotRetry(Exception):
    pass


def _not_redone(rows: QuerySet) -> QuerySet:
    """A failure since redone (a newer reminder about one of its documents) is settled."""
    redone = ReminderDocument.objects.filter(
        reminder_id__gt=OuterRef("pk"), document__reminder_links__reminder_id=OuterRef("pk")
    )
    return rows.exclude(Exists(redone))


def needing_decision(company: Company) -> QuerySet:
    """What the « À vérifier » screen lists: may have gone out, or failed and not redone."""
    rows = Reminder.objects.for_company(company)
    return rows.filter(state=ReminderState.NEEDS_REVIEW) | _not_redone(
        rows.filter(state=ReminderState.FAILED)
    )


def stuck_reminders(company: Company) -> QuerySet:
    """What a person must look at: failed, interrupted (needs review), or queued after an
    error; a failure since redone (a newer reminder about the same document) is not."""
    rows = Reminder.objects.for_company(company)
    return needing_decision(company) | rows.filter(state=ReminderState.QUEUED).exclude(
        last_error=""
    )


def mark_sent(reminder: Reminder) -> bool:
    """A person checked that a reminder needing review did go out. False: it was not
    (or no longer) waiting for that decision."""
    return resolve_needs_review(reminder, was_sent=True)


def retry(reminder: Reminder, *, user=None) -> Batch | None:
    """Try again: an interrupted row goes back to the queue (a person said it did not go
    out); a failed or cancelled one is redone as a new batch, rendered from today's data.
    Returns the batch sending it (None for a row without batch)."""
    if reminder.state == ReminderState.NEEDS_REVIEW:
        if not resolve_needs_review(reminder, was_sent=False):
            raise CannotRetry(_("Ce rappel vient d'être traité par quelqu'un d'autre."))
        return reminder.batch
    if reminder.state in (ReminderState.FAILED, ReminderState.CANCELLED):
        if not _not_redone(Reminder.objects.filter(pk=reminder.pk)).exists():
            raise CannotRetry(_("Ce rappel a déjà été refait : voyez le plus récent."))
        ids = list(reminder.links.values_list("document_id", flat=True))
        return create_batch(reminder.company, ids, reminder.channel, user)
    raise CannotRetry(
        _(
            "Ce rappel est « %(s)s » : seuls les rappels en échec, annulés ou à vérifier se relancent."
        )
        % {"s": reminder.get_state_display()}
    )


def still_failing(batch: Batch | None) -> str:
    """The reason a redone reminder still cannot go out ('' when it goes out)."""
    if batch is None:
        return ""
    rows = batch.reminders.exclude(state__in=[ReminderState.FAILED, ReminderState.CANCELLED])
    if rows.exists():
        return ""
    failed = batch.reminders.filter(state=ReminderState.FAILED).exclude(last_error="")
    return failed.values_list("last_error", flat=True).first() or _("échec")


def dismiss(reminder: Reminder) -> bool:
    """Give up on a reminder needing a decision (failed or needs review): cancelled, and
    its documents may get another reminder at that level later. False: not possible now."""
    with transaction.atomic():
        n = Reminder.objects.filter(
            pk=reminder.pk, state__in=[ReminderState.FAILED, ReminderState.NEEDS_REVIEW]
        ).update(state=ReminderState.CANCELLED)
        if n:
            release_documents([reminder.pk])
    return bool(n)


def set_emails(customer: Customer, text: str) -> list[str]:
    """Replace the customer's e-mail addresses (comma-separated); a bad one is refused
    by name and nothing changes."""
    addresses = Customer(emails=text).email_list  # split as the sending reads it
    if not addresses:
        raise ValidationError(_("Indiquez au moins une adresse e-mail."))
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError(_("Adresse e-mail invalide : %(a)s") % {"a": address}) from exc
    customer.emails = ", ".join(addresses)
    customer.email_undeliverable = ""  # a corrected address is tried again (inbox bounces)
    customer.save(update_fields=["emails", "email_undeliverable"])
    return addresses
