"""A batch: the outbox rows of a selection, written in one transaction.

create_batch      the rows (failures too, with their reason); sending starts after commit
record_past_send  reminders sent before Relance, written as sent on their day
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dunning.models import Channel
from receivables.models import Company

from . import attachments as files
from . import outbox_sql as sql
from .already import refuse_repeat
from .editing import apply_edit, clean_edit
from .letters import letters_pdf
from .links import add_link_for_edit
from .models import Attachment, Batch, Reminder, ReminderDocument, ReminderState
from .outcomes import close_if_done, mark_documents_sent
from .preview import BatchPreview, preview_batch
from .rendering import EMAIL_CHANNELS
from .sending import enqueue_batch

QUEUED = ReminderState.QUEUED


def create_batch(
    company: Company,
    documents: Iterable,
    channel: str | None = None,
    user=None,
    group_by_customer: bool | None = None,
    *,
    edited: dict | None = None,
    as_of: date | None = None,
) -> Batch:
    """Write the batch and its outbox rows (failures too, with their reason), then
    start sending once the transaction has committed. The same selection again while
    (or after) it went out writes nothing: `already.AlreadySending` names its batch.
    `edited` (subject and/or body_text, keywords allowed) replaces the words of the
    message when there is exactly one (`reminders.editing`: the HTML part is rebuilt
    from the text); it is worded now and goes as edited. Other e-mails are worded by the worker that sends
    them (`reminders.wording`): what the preview showed, with the figures of the day."""
    words = bool(edited)
    if edited:
        clean_edit(edited)  # refused before anything is read or written
    try:
        with transaction.atomic():
            preview = preview_batch(
                company, documents, channel, user, group_by_customer, as_of=as_of, words=words,
                issue_links=True,
            )  # fmt: skip
            refuse_repeat(preview)
            if edited:
                if not preview.single:
                    raise ValidationError(
                        {"edited": _("Un message ne se modifie que s'il est seul dans l'envoi.")}
                    )
                msg = preview.messages[0]
                add_link_for_edit(msg.values, company, msg.customer, "".join(str(v) for v in edited.values() if v),
                                  printed=msg.channel == "letter")  # fmt: skip
                apply_edit(msg, edited)
            batch = Batch.objects.create(
                company=company, created_by=user, channel=channel or "", counts=preview.counts
            )
            written = _write_rows(company, batch, preview, words)
    except IntegrityError as exc:  # a concurrent send took a document first
        again = preview_batch(
            company, documents, channel, user, group_by_customer, as_of=as_of, words=False
        )
        refuse_repeat(again)  # the same selection sent twice at once: say which batch
        raise ValidationError(
            _("Une des pièces vient d'être relancée à ce niveau par quelqu'un d'autre ; réessayez.")
        ) from exc
    transaction.on_commit(lambda: _start_sending(batch, written))
    return batch


def _start_sending(batch: Batch, written: int) -> None:
    sql.refresh_statistics(written)  # before the workers plan their reads
    enqueue_batch(batch.pk)


def _write_rows(company: Company, batch: Batch, preview: BatchPreview, words: bool) -> int:
    """The rows of the batch; answers how many."""
    now = timezone.now()
    pairs = [(m, ReminderState.QUEUED) for m in preview.messages] + [
        (m, ReminderState.FAILED) for m in preview.failures
    ]
    values = [_row(company, batch, m, state, words, now) for m, state in pairs]
    # the keys first, so each row is written whole, its Message-ID with it
    domain = (company.email or "").rpartition("@")[2] or "relance"
    for v, pk in zip(values, sql.new_ids(Reminder, len(values)), strict=True):
        v.update(id=pk, message_id=f"<reminder-{pk}.{company.pk}@{domain}>")
    sql.write(Reminder, values)
    links, attached, stored = [], [], {}
    for (m, state), row in zip(pairs, values, strict=True):
        links += [
            {
                "reminder_id": row["id"],
                "document_id": doc.pk,
                "level_rank": m.document_ranks.get(doc.pk, row["level_rank"]),
                "live": state == QUEUED,
            }
            for doc in m.documents
        ]
        if state == QUEUED and m.channel in EMAIL_CHANNELS and not row["words_pending"]:
            # the attachments' foreign key wants the row as an object
            attached += files.attach(Reminder(**row), m.documents, stored)
    sql.write(ReminderDocument, links)
    Attachment.objects.bulk_create(attached, batch_size=1000)
    return len(values)


def _row(company: Company, batch: Batch, m, state: str, words: bool, now: datetime) -> dict:
    """A message's outbox row, as values (ids, not objects: an object's assignment also
    asks the database router, per row and per relation)."""
    return {
        "company_id": company.pk,
        "batch_id": batch.pk,
        "customer_id": m.customer.pk,
        "level_id": m.level.pk if m.level else None,
        "level_rank": m.level.rank if m.level else 0,
        "level_name": m.level.name if m.level else "",
        "channel": m.channel,
        "language": m.language,
        "recipient": m.recipient,
        "subject": m.subject,
        "body_text": m.body_text,
        "body_html": m.body_html,
        "words_pending": not words and state == QUEUED and m.channel in EMAIL_CHANNELS,
        "state": state,
        "last_error": str(m.error),
        "next_attempt_at": now,
        "created_at": now,
    }


def record_past_send(
    company: Company,
    documents: Iterable,
    sent_at: datetime,
    channel: str | None = None,
    user=None,
) -> Batch | None:
    """Write, as sent at `sent_at`, the e-mails and letters the documents were due for
    on that day, worded as they were then: reminders sent before Relance kept the file
    (the demo's past). Nothing leaves; the documents move on as after a real send.
    Phone levels are left out (a call is logged with `log_call(when=...)`), and so is
    what could not have gone out. None when nothing could."""
    day = company.today(sent_at)
    with transaction.atomic():
        preview = preview_batch(company, documents, channel, user, as_of=day)
        preview.messages = [m for m in preview.messages if m.channel != Channel.PHONE]
        preview.failures = []
        if not preview.messages:
            return None
        batch = Batch.objects.create(
            company=company,
            created_by=user,
            channel=channel or "",
            counts=preview.counts,
            created_at=sent_at,
        )
        _write_rows(company, batch, preview, words=True)
        rows = Reminder.objects.filter(batch=batch)
        rows.update(created_at=sent_at, next_attempt_at=sent_at)
        if rows.filter(channel=Channel.LETTER).exists():
            letters_pdf(batch, printed_at=sent_at)  # printed that day, as then
        emails = rows.filter(channel__in=EMAIL_CHANNELS)
        ids = list(emails.values_list("pk", flat=True))
        emails.update(state=ReminderState.SENT, handed_at=sent_at, sent_at=sent_at, attempts=1)
        mark_documents_sent(ids, day)
        close_if_done(batch)
    batch.refresh_from_db()
    return batch
