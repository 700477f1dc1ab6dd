"""Phone calls: a person calls, then logs the call on the customer's file.

check_call  a promise has its date, a dispute its reason
log_call    the call on the file; a promise or a dispute stops the reminders, and a call
            that reached someone counts as the reminder of the documents' level
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dunning.models import Channel
from receivables.models import Company, Customer, Document

from .delivery import Call, CallTransport, transport
from .models import CallOutcome, PhoneCall, Reminder, ReminderDocument, ReminderState
from .outcomes import mark_documents_sent
from .preview import scoped_documents
from .rendering import Renderer, language_of

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
    phone: CallTransport = transport(Channel.PHONE)
    phone.send(Call(customer.name, outcome, promise_date, dispute_reason))
    docs = scoped_documents(company, documents)
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
