"""Reminder use cases. Screens, API, CLI and tasks call these and nothing else.

preview_batch   what would go out, per message, and what cannot and why (writes nothing)
create_batch    the outbox rows, in one transaction; sending starts after commit
send_outbox     deliver queued e-mails (the worker's and `send_reminders`' entry point)
resume_open_batches  queue again what a killed worker left (when a worker starts)
record_past_send  reminders sent before Relance, written as sent on their day
letters_pdf     all letters of a batch as one PDF to print
log_call        a phone call on the customer's file (promise / dispute stop reminders)
batch_summary   counts per channel and outcome, each error in words
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.fields import CharField
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from channels.letter import LetterChannel
from channels.phone import Call, PhoneChannel
from dunning.models import Channel, Level
from receivables.models import Company, Customer, Document, DocumentKind

from . import attachments as files
from .already import refuse_repeat
from .editing import apply_edit, clean_edit
from .models import (
    Attachment,
    Batch,
    BatchState,
    CallOutcome,
    PhoneCall,
    Reminder,
    ReminderDocument,
    ReminderState,
)
from .outbox_sql import documents_reminded
from .rendering import (
    EMAIL_CHANNELS,
    Message,
    Renderer,
    build_letter,
    customer_problem,
    document_problem,
    language_of,
)

log = logging.getLogger(__name__)
QUEUED = ReminderState.QUEUED


# -- preview --------------------------------------------------------------------------


@dataclass
class BatchPreview:
    as_of: date
    messages: list[Message]  # will go out
    failures: list[Message]  # cannot, each with its `error` in words
    # (document pk, level rank) refused because that reminder is already live
    already_live: list[tuple[int, int]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many will go out per channel, and how many cannot ("failed")."""
        counts = Counter(m.channel for m in self.messages)
        result = {c.value: counts.get(c.value, 0) for c in Channel}
        result["failed"] = len(self.failures)
        return result

    @property
    def single(self) -> bool:
        return len(self.messages) == 1


def _scoped_documents(company: Company, documents) -> list[Document]:
    ids = [d.pk if isinstance(d, Document) else int(d) for d in documents]
    return list(
        Document.objects.for_company(company)
        .filter(pk__in=ids)
        .select_related("customer", "customer__policy", "company")
        .order_by("customer__name", "customer_id", "due_date", "number")
    )


def _groups(docs: list[Document]) -> list[list[Document]]:
    """The documents of one customer and one kind: a customer's expired quotes and
    overdue invoices get two messages (other words, and a quote is not paid)."""
    by_key: dict[tuple[int, bool], list[Document]] = defaultdict(list)
    for doc in docs:  # ordered by customer: the groups keep that order
        by_key[(doc.customer_id, doc.kind == DocumentKind.QUOTE)].append(doc)
    customers = list(dict.fromkeys(doc.customer_id for doc in docs))
    order = {pk: i for i, pk in enumerate(customers)}
    return [by_key[k] for k in sorted(by_key, key=lambda k: (order[k[0]], k[1]))]


def default_channel(document: Document) -> str | None:
    """The action a document offers by default: its pending (or next) level's channel."""
    level = Renderer(document.company, document.company.today()).level(document)
    return level.channel if level else None


def preview_batch(
    company: Company,
    documents: Iterable,
    channel: str | None = None,
    user=None,
    group_by_customer: bool | None = None,
    *,
    as_of: date | None = None,
    words: bool = True,
    word_first: int | None = None,
) -> BatchPreview:
    """Render every reminder the selection would produce; write nothing.

    `channel` None = each document's level channel. `group_by_customer` None = the
    policy's choice: one reminder per customer, at the level of the most overdue document.
    `words=False`: e-mails are only checked (recipient, template), not worded.
    `word_first=n`: only the first n messages that can go are worded (a person reads
    those); every other one is checked only, letters too. Every message is checked
    either way: the counts and the failures are complete.
    """
    if channel is not None and channel not in Channel.values:
        raise ValidationError({"channel": _("Canal inconnu : %(c)s") % {"c": channel}})
    as_of = as_of or company.today()
    docs = _scoped_documents(company, documents)
    renderer = Renderer(company, as_of)
    renderer.preload(docs, overdue=word_first is None)
    messages: list[Message] = []
    failures: list[Message] = []
    already: list[tuple[int, int]] = []

    def fail(customer, group, level, why, ch=None):
        failures.append(
            Message(
                customer=customer,
                documents=group,
                level=level,
                channel=ch or channel or (level.channel if level else Channel.EMAIL),
                language=language_of(customer, company),
                error=why,
            )
        )

    for group in _groups(docs):
        customer = group[0].customer
        problem = customer_problem(customer, as_of)
        if problem:
            fail(customer, group, renderer.level(group[0]), problem)
            continue
        ready: list[tuple[Document, Level]] = []
        for doc in group:
            level = renderer.level(doc)
            why = document_problem(doc, as_of)
            if not why and level is None:
                why = _("aucun niveau de relance à venir (procédure terminée ou absente)")
            if not why and renderer.already_live(doc, level.rank):
                why = _("un rappel de ce niveau est déjà envoyé ou en file d'attente")
                already.append((doc.pk, level.rank))
            if why:
                fail(customer, [doc], level, why)
            else:
                ready.append((doc, level))
        if not ready:
            continue
        grouped = group_by_customer
        if grouped is None:
            grouped = renderer.policy(ready[0][0]).group_by_customer
        parts = [ready] if grouped else [[pair] for pair in ready]
        for part in parts:
            # the most overdue document sets the level (and so the words and channel)
            main_doc, level = min(part, key=lambda p: (p[0].due_date, p[0].number))
            msg = Message(
                customer=customer,
                documents=[d for d, _lv in sorted(part, key=lambda p: p[0].due_date)],
                level=level,
                channel=channel or level.channel,
                language=language_of(customer, company),
                document_ranks={d.pk: lv.rank for d, lv in part},
            )
            if word_first is None or len(messages) < word_first:
                renderer.render(msg, words)
            else:
                renderer.check(msg)
            (failures if msg.error else messages).append(msg)
    return BatchPreview(as_of=as_of, messages=messages, failures=failures, already_live=already)


# -- create ---------------------------------------------------------------------------


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
                company, documents, channel, user, group_by_customer, as_of=as_of, words=words
            )
            refuse_repeat(preview)
            if edited:
                if not preview.single:
                    raise ValidationError(
                        {"edited": _("Un message ne se modifie que s'il est seul dans l'envoi.")}
                    )
                apply_edit(preview.messages[0], edited)
            batch = Batch.objects.create(
                company=company, created_by=user, channel=channel or "", counts=preview.counts
            )
            _write_rows(company, batch, preview, words)
    except IntegrityError as exc:  # a concurrent send took a document first
        again = preview_batch(
            company, documents, channel, user, group_by_customer, as_of=as_of, words=False
        )
        refuse_repeat(again)  # the same selection sent twice at once: say which batch
        raise ValidationError(
            _("Une des pièces vient d'être relancée à ce niveau par quelqu'un d'autre ; réessayez.")
        ) from exc
    transaction.on_commit(lambda: enqueue_batch(batch.pk))
    return batch


def _write_rows(company: Company, batch: Batch, preview: BatchPreview, words: bool) -> None:
    now = timezone.now()
    pairs = [(m, ReminderState.QUEUED) for m in preview.messages] + [
        (m, ReminderState.FAILED) for m in preview.failures
    ]
    rows = [
        Reminder(
            company=company,
            batch=batch,
            customer=m.customer,
            level=m.level,
            level_rank=m.level.rank if m.level else 0,
            level_name=m.level.name if m.level else "",
            channel=m.channel,
            language=m.language,
            recipient=m.recipient,
            subject=m.subject,
            body_text=m.body_text,
            body_html=m.body_html,
            words_pending=not words and state == QUEUED and m.channel in EMAIL_CHANNELS,
            state=state,
            last_error=m.error,
            next_attempt_at=now,
            created_at=now,
        )
        for m, state in pairs
    ]
    Reminder.objects.bulk_create(rows, batch_size=500)
    links, attached, stored = [], [], {}
    for (m, state), row in zip(pairs, rows, strict=True):
        links += [
            ReminderDocument(
                reminder=row,
                document=doc,
                level_rank=m.document_ranks.get(doc.pk, row.level_rank),
                live=state == QUEUED,
            )
            for doc in m.documents
        ]
        if state == QUEUED and m.channel in EMAIL_CHANNELS and not row.words_pending:
            attached += files.attach(row, m.documents, stored)
    ReminderDocument.objects.bulk_create(links, batch_size=1000)
    Attachment.objects.bulk_create(attached, batch_size=1000)
    Reminder.objects.filter(batch=batch).update(message_id=_message_id_expression(company))


def _message_id_expression(company: Company):
    domain = (company.email or "").rpartition("@")[2] or "relance"
    return Concat(
        Value("<reminder-"),
        Cast("pk", CharField()),
        Value(f".{company.pk}@{domain}>"),
        output_field=CharField(),
    )


def enqueue_batch(batch_id: int) -> None:
    """Hand the batch to the background workers; if the queue is down, the rows wait
    for `manage.py send_reminders` (cron) — they are already safely written. A big batch
    is queued once per worker (RELANCE_SEND_WORKERS) so that they share it: rows are
    claimed one chunk at a time, and a run that finds nothing left simply ends."""
    from .tasks import process_batch

    emails = Reminder.objects.filter(
        batch_id=batch_id, state=ReminderState.QUEUED, channel__in=EMAIL_CHANNELS
    ).count()
    runs = max(1, min(settings.RELANCE_SEND_WORKERS, emails // SHARED_FROM))
    try:
        for _run in range(runs):
            process_batch.enqueue(batch_id)
    except Exception:
        log.exception("could not enqueue batch %s; run `manage.py send_reminders`", batch_id)


SHARED_FROM = 200  # e-mails: below this, one worker is done before a second one starts


def resume_open_batches() -> int:
    """Queue again every batch with letters or e-mails still to send (or left 'sending'):
    what a worker does when it starts, since a killed worker's task is never run again.
    Returns how many batches were queued."""
    open_rows = Reminder.objects.filter(
        batch__state=BatchState.OPEN,
        state__in=[ReminderState.QUEUED, ReminderState.SENDING],
        channel__in=[*EMAIL_CHANNELS, Channel.LETTER],
    )
    ids = list(open_rows.order_by("batch_id").values_list("batch_id", flat=True).distinct())
    for batch_id in ids:
        enqueue_batch(batch_id)
    return len(ids)


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
        _close_if_done(batch)
    batch.refresh_from_db()
    return batch


# -- after sending --------------------------------------------------------------------


def mark_documents_sent(reminder_ids: list[int], today: date, links=None) -> None:
    """The shared contract: a sent reminder sets each of its documents' level, count, date
    and clears the pending level (the next scan decides what comes next). `links`: the
    reminders' (level_rank, document_id) pairs when the caller already has them."""
    if links is None:
        links = ReminderDocument.objects.filter(reminder_id__in=reminder_ids).values_list(
            "level_rank", "document_id"
        )
    documents_reminded(list(links), today)


def release_documents(reminder_ids: list[int]) -> None:
    """A failed or cancelled reminder frees its documents' level for another try."""
    ReminderDocument.objects.filter(reminder_id__in=reminder_ids).update(live=False)


def send_outbox(batch: Batch | None = None, stop=None, chunk: int | None = None):
    """Deliver the queued e-mails (of one batch, or all); safe to run many at once."""
    from .outbox import drain

    return drain(batch_id=batch.pk if batch else None, stop=stop, chunk=chunk)


def cancel_reminder(reminder: Reminder) -> bool:
    """Cancel a reminder that has not started sending; False if it is too late."""
    with transaction.atomic():
        n = Reminder.objects.filter(pk=reminder.pk, state=ReminderState.QUEUED).update(
            state=ReminderState.CANCELLED
        )
        if n:
            release_documents([reminder.pk])
    return bool(n)


def resolve_needs_review(reminder: Reminder, was_sent: bool) -> bool:
    """A person checked a reminder left in 'sending' by a crash: it went out, or not.
    False when it was not (or no longer) waiting for that decision."""
    with transaction.atomic():
        n = Reminder.objects.filter(pk=reminder.pk, state=ReminderState.NEEDS_REVIEW).update(
            state=ReminderState.SENT if was_sent else ReminderState.QUEUED,
            sent_at=timezone.now() if was_sent else None,
            next_attempt_at=timezone.now(),
        )
        if n and was_sent:
            mark_documents_sent([reminder.pk], reminder.company.today())
    if n and not was_sent and reminder.batch_id:
        transaction.on_commit(lambda: enqueue_batch(reminder.batch_id))
    return bool(n)


# -- letters --------------------------------------------------------------------------


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
        pdf, pages = LetterChannel().send(letters)
        batch.letters_pdf.save(f"lettres-{batch.pk}.pdf", ContentFile(pdf), save=False)
        batch.letters_pages = pages
        batch.save(update_fields=["letters_pdf", "letters_pages"])
        ids = [row.pk for row in rows]
        printed_at = printed_at or timezone.now()
        Reminder.objects.filter(pk__in=ids).update(
            state=ReminderState.SENT, sent_at=printed_at, attempts=F("attempts") + 1
        )
        mark_documents_sent(ids, company.today(printed_at))
        _close_if_done(batch)
    return pdf, pages


# -- phone ----------------------------------------------------------------------------

CALL_COUNTS_AS_REMINDER = {
    CallOutcome.PROMISE,
    CallOutcome.DISPUTE,
    CallOutcome.VOICEMAIL,
    CallOutcome.SAYS_PAID,
    CallOutcome.WILL_PAY,
}


def check_call(outcome: str, promise_date: date | None, dispute_reason: str) -> None:
    """A promise has its date, a dispute its reason (both stop the reminders): the one place
    this is said, for the screen, the API and the CLI."""
    if outcome == CallOutcome.PROMISE and promise_date is None:
        raise ValidationError({"promise_date": _("Indiquez la date promise.")})
    if outcome == CallOutcome.DISPUTE and not dispute_reason.strip():
        raise ValidationError({"dispute_reason": _("Indiquez le motif du litige.")})


def log_call(
    company: Company,
    customer: Customer,
    documents: Iterable,
    outcome: str,
    *,
    user=None,
    note: str = "",
    promise_date: date | None = None,
    dispute_reason: str = "",
    when: datetime | None = None,
) -> PhoneCall:
    """Log a call on the customer's file. A promise sets the documents' promise date, a
    dispute marks them disputed (both stop reminders). A call that reached someone (or
    a voicemail) counts as the reminder of the documents' current level; 'unreachable'
    leaves that level pending."""
    if outcome not in CallOutcome.values:
        raise ValidationError({"outcome": _("Résultat d'appel inconnu : %(o)s") % {"o": outcome}})
    if customer.company_id != company.pk:
        raise ValidationError(_("Ce client n'appartient pas à votre société."))
    dispute_reason = dispute_reason or (note if outcome == CallOutcome.DISPUTE else "")
    check_call(outcome, promise_date, dispute_reason)
    PhoneChannel().send(Call(customer.name, outcome, promise_date, dispute_reason))
    docs = _scoped_documents(company, documents)
    if any(d.customer_id != customer.pk for d in docs):
        raise ValidationError(_("Les pièces doivent être celles du client appelé."))
    as_of = company.today(when)
    with transaction.atomic():
        call = PhoneCall.objects.create(
            company=company,
            customer=customer,
            called_at=when or timezone.now(),
            by=user,
            outcome=outcome,
            promise_date=promise_date if outcome == CallOutcome.PROMISE else None,
            dispute_reason=dispute_reason[:200] if outcome == CallOutcome.DISPUTE else "",
            note=note,
        )
        call.documents.set(docs)
        ids = [d.pk for d in docs]
        if outcome == CallOutcome.PROMISE:
            Document.objects.filter(pk__in=ids).update(promise_date=promise_date)
        elif outcome == CallOutcome.DISPUTE:
            Document.objects.filter(pk__in=ids).update(
                disputed=True, block_reason=dispute_reason[:200]
            )
        if outcome in CALL_COUNTS_AS_REMINDER and docs:
            _call_as_reminder(company, customer, docs, call, as_of)
    return call


def _call_as_reminder(company, customer, docs, call: PhoneCall, as_of: date) -> None:
    # Queued phone reminders (a call list from a batch) are done by this call ...
    queued = list(
        Reminder.objects.for_company(company)
        .filter(
            channel=Channel.PHONE,
            state=ReminderState.QUEUED,
            customer=customer,
            links__document__in=docs,
        )
        .distinct()
    )
    done_ids = [r.pk for r in queued]
    covered = set(
        ReminderDocument.objects.filter(reminder_id__in=done_ids).values_list(
            "document_id", flat=True
        )
    )
    # ... and the other documents get a row of their own at their current level.
    renderer = Renderer(company, as_of)
    rest = [d for d in docs if d.pk not in covered]
    renderer.preload(rest)
    ranks = {}
    for doc in rest:
        level = renderer.level(doc)
        if level and not renderer.already_live(doc, level.rank):
            ranks[doc.pk] = level
    if ranks:
        main_level = max(ranks.values(), key=lambda lv: lv.rank)
        row = Reminder.objects.create(
            company=company,
            customer=customer,
            level=main_level,
            level_rank=main_level.rank,
            level_name=main_level.name,
            channel=Channel.PHONE,
            language=language_of(customer, company),
            recipient=[customer.phone] if customer.phone else [],
            subject=_("Appel : %(o)s") % {"o": call.get_outcome_display()},
            body_text=call.note,
            state=ReminderState.QUEUED,
        )
        ReminderDocument.objects.bulk_create(
            ReminderDocument(reminder=row, document_id=pk, level_rank=lv.rank)
            for pk, lv in ranks.items()
        )
        done_ids.append(row.pk)
    if done_ids:
        Reminder.objects.filter(pk__in=done_ids).update(
            state=ReminderState.SENT,
            sent_at=call.called_at,
            phone_call=call,
            attempts=F("attempts") + 1,
            body_text=call.note,
        )
        mark_documents_sent(done_ids, as_of)


# -- summary --------------------------------------------------------------------------


@dataclass
class ErrorLine:
    customer: str
    documents: list[str]
    channel: str
    state: str
    error: str
    reminder_id: int


@dataclass
class BatchSummary:
    batch: Batch
    counts: dict[str, dict[str, int]]  # channel -> state -> n
    totals: dict[str, int]  # state -> n
    errors: list[ErrorLine] = field(default_factory=list)
    needs_review: list[ErrorLine] = field(default_factory=list)
    letters_pages: int = 0
    letters_ready: bool = False

    @property
    def done(self) -> bool:
        open_states = (ReminderState.QUEUED, ReminderState.SENDING, INTERRUPTED)
        return not sum(self.totals.get(state, 0) for state in open_states)


# shown, not stored: rows left 'sending' by a worker whose lease ran out (it died); the
# next run sends those it never handed over and lists the one it was handing over
INTERRUPTED = "interrupted"


def batch_summary(batch: Batch) -> BatchSummary:
    """Counts per channel and outcome, and each error in words with its documents and
    customer. Available any time after (the rows are the record)."""
    from .lease import expired_before

    batch.refresh_from_db(fields=["state", "letters_pdf", "letters_pages"])
    lost = expired_before()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    totals: dict[str, int] = defaultdict(int)
    errors, review = [], []
    rows = (
        batch.reminders.select_related("customer")
        .prefetch_related("links__document")
        .order_by("customer__name", "pk")
    )
    for row in rows:
        state = row.state
        if state == ReminderState.SENDING and row.claimed_at and row.claimed_at < lost:
            state = INTERRUPTED
        counts[row.channel][state] += 1
        totals[state] += 1
        if row.state in (ReminderState.FAILED, ReminderState.NEEDS_REVIEW) or (
            row.last_error and row.state == ReminderState.QUEUED
        ):
            line = ErrorLine(
                customer=row.customer.name,
                documents=[link.document.number for link in row.links.all()],
                channel=row.get_channel_display(),
                state=row.get_state_display(),
                error=row.error_in_words,
                reminder_id=row.pk,
            )
            (review if row.state == ReminderState.NEEDS_REVIEW else errors).append(line)
    return BatchSummary(
        batch=batch,
        counts={k: dict(v) for k, v in counts.items()},
        totals=dict(totals),
        errors=errors,
        needs_review=review,
        letters_pages=batch.letters_pages,
        letters_ready=bool(batch.letters_pdf),
    )


def _close_if_done(batch: Batch) -> None:
    open_states = [ReminderState.QUEUED, ReminderState.SENDING]
    pending = batch.reminders.filter(state__in=open_states).exclude(channel=Channel.PHONE)
    if not pending.exists():
        Batch.objects.filter(pk=batch.pk).update(state=BatchState.DONE)
