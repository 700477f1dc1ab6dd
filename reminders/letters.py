"""Letters: all letters of a batch as one PDF a person prints and posts.

The letter plug-in registered for the `letter` kind (reminders.delivery) lays them out
and prints them; the first print counts them as sent.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dunning.models import Channel

from . import attachments as files
from .delivery import LetterTransport, transport
from .models import Batch, Reminder, ReminderState
from .outcomes import close_if_done, mark_documents_sent
from .rendering import build_letter


def letters_pdf(batch: Batch, printed_at: datetime | None = None) -> tuple[bytes, int]:
    """All letters of the batch as ONE PDF, ordered by customer: (pdf, page count).
    The first call prints them (and counts them as sent, now or at `printed_at`); later
    calls return that PDF."""
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        if batch.letters_pdf:
            return files.read(batch.letters_pdf.name), batch.letters_pages
        rows = list(
            batch.reminders.filter(channel=Channel.LETTER, state=ReminderState.QUEUED)
            .select_related("customer")
            .order_by("customer__name", "customer_id", "pk")
        )
        if not rows:
            raise ValidationError(_("Cet envoi ne contient aucune lettre à imprimer."))
        company = batch.company
        letters = [
            build_letter(
                company,
                row.recipient,
                row.subject,
                row.body_html,
                row.language,
                company.today(row.created_at),
            )
            for row in rows
        ]
        printer: LetterTransport = transport(Channel.LETTER)
        pdf, pages = printer.send(letters)
        batch.letters_pdf.save(f"lettres-{batch.pk}.pdf", ContentFile(pdf), save=False)
        batch.letters_pages = pages
        batch.save(update_fields=["letters_pdf", "letters_pages"])
        ids = [row.pk for row in rows]
        printed_at = printed_at or timezone.now()
        Reminder.objects.filter(pk__in=ids).update(
            state=ReminderState.SENT, sent_at=printed_at, attempts=F("attempts") + 1
        )
        mark_documents_sent(ids, company.today(printed_at))
        close_if_done(batch)
    return pdf, pages
