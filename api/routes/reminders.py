"""Reminder batches (preview, then confirm), the outbox rows, letters and phone calls.

Everything goes through the reminders use cases; a preview is returned with a signed token
that the confirmation hands back, so nothing is stored until the script confirms.
"""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from pydantic import ConfigDict

from dunning.models import Channel
from reminders import review
from reminders.models import CallOutcome, ReminderState

from .. import services
from ..auth import company_of, require_writer
from ..errors import ApiError, not_found
from ..pagination import PageParams, paginate
from ..schemas import MAX_BATCH, Day, DunnedKind, Id, Page, one_of, with_errors

router = Router(tags=["reminders"])
PathId = Annotated[int, Path(ge=1, le=2**53)]

ChannelName = one_of(*Channel)
StateName = one_of(*ReminderState)
OutcomeName = one_of(*CallOutcome)


# -- schemas --------------------------------------------------------------------------


class SelectionIn(Schema):
    document_ids: list[Id] = Field(
        default_factory=list,
        max_length=MAX_BATCH,
        description="Documents to remind (ids from the worklist). Empty: every document "
        "the scan marked to remind.",
    )
    kind: DunnedKind = Field(
        "invoice", description="Without document_ids: invoices, or expired quotes."
    )
    level: int | None = Field(None, ge=1, le=100, description="Only this pending level rank.")
    channel: ChannelName | None = Field(None, description="Only messages on this channel.")
    send_as: ChannelName | None = Field(None, description="Force this channel for all.")
    group_by_customer: bool | None = Field(
        None, description="One reminder per customer (default: the policy's choice)."
    )
    as_of: Day | None = None


class MessageOut(Schema):
    customer_id: int
    customer: str
    documents: list[str]
    document_ids: list[int]
    level: int | None
    level_name: str
    channel: str
    recipient: list[str]
    subject: str
    body_text: str
    error: str
    editable_text: str | None = Field(
        None,
        description="A lone e-mail or letter: its words as a person edits them (without "
        "the payment block, added under them as it is). Send an edit back in `edited`.",
    )


class PreviewOut(Schema):
    preview: str = Field(description="Give it back to POST /reminder-batches to send.")
    as_of: date
    counts: dict[str, int] = Field(description="Messages per channel, and 'failed'.")
    messages: list[MessageOut]
    failures: list[MessageOut]


class EditIn(Schema):
    """The lone message's words, edited; keywords (%SOLDE%…) are substituted, an unknown
    one is refused. The HTML part is rebuilt from the text (a letter is printed from it)."""

    model_config = ConfigDict(extra="forbid")  # body_html: rebuilt, never taken as is
    subject: str | None = Field(None, max_length=255, description="One line.")
    body_text: str | None = Field(
        None, max_length=100_000, description="The words, without the payment block."
    )


class ConfirmIn(Schema):
    preview: str = Field(min_length=1, max_length=200_000)
    edited: EditIn | None = Field(
        None, description="Only when the preview has exactly one e-mail or letter."
    )


class ErrorLineOut(Schema):
    reminder_id: int
    customer: str
    documents: list[str]
    channel: str
    state: str
    error: str


class BatchOut(Schema):
    id: int
    created_at: datetime
    state: str
    channel: str
    counts: dict[str, dict[str, int]] = Field(description="channel → state → count")
    totals: dict[str, int] = Field(description="state → count")
    errors: list[ErrorLineOut]
    needs_review: list[ErrorLineOut]
    letters_ready: bool
    letters_pages: int
    done: bool


class ReminderOut(Schema):
    id: int
    batch_id: int | None
    customer_id: int
    customer: str
    documents: list[str]
    document_ids: list[int]
    level: int
    level_name: str
    channel: str
    state: str
    attempts: int
    recipient: list[str]
    subject: str
    last_error: str
    message_id: str
    created_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_customer(obj) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_documents(obj) -> list[str]:
        return [link.document.number for link in obj.links.all()]

    @staticmethod
    def resolve_document_ids(obj) -> list[int]:
        return [link.document_id for link in obj.links.all()]

    @staticmethod
    def resolve_level(obj) -> int:
        return obj.level_rank

    @staticmethod
    def resolve_recipient(obj) -> list[str]:
        return [str(r) for r in obj.recipient or []]


class ReminderDetailOut(ReminderOut):
    body_text: str
    body_html: str


class ReminderPage(Page):
    items: list[ReminderOut]


class ReminderFilters(PageParams):
    state: StateName | None = None
    channel: ChannelName | None = None
    batch: Id | None = None
    customer: str | None = Field(None, max_length=50, description="Customer code.")
    document: Id | None = Field(None, description="Document id.")
    stuck: bool = Field(False, description="Only failed, needs review, or queued with an error.")


class CallIn(Schema):
    customer: str | None = Field(
        None, max_length=50, description="Customer code (default: the documents' customer)."
    )
    document_ids: list[Id] = Field(default_factory=list, max_length=1000)
    outcome: OutcomeName
    note: str = Field("", max_length=5000)
    promise_date: Day | None = Field(None, description="Required for a promise.")
    dispute_reason: str = Field("", max_length=200)


class CallOut(Schema):
    id: int
    customer: str
    called_at: datetime
    outcome: str
    promise_date: date | None
    documents: list[str]


# -- helpers --------------------------------------------------------------------------


def _message(m, lone: bool = False) -> dict:
    from reminders.editing import can_edit, editable_text

    return {
        "editable_text": editable_text(m) if lone and can_edit(m) else None,
        "customer_id": m.customer.pk,
        "customer": m.customer.name,
        "documents": [d.number for d in m.documents],
        "document_ids": [d.pk for d in m.documents],
        "level": m.level.rank if m.level else None,
        "level_name": m.level.name if m.level else "",
        "channel": m.channel,
        "recipient": [str(r) for r in (m.recipient or [])],
        "subject": m.subject or "",
        "body_text": m.body_text or "",
        "error": str(m.error or ""),
    }


def _lines(lines) -> list[dict]:
    return [
        {
            "reminder_id": e.reminder_id,
            "customer": e.customer,
            "documents": e.documents,
            "channel": str(e.channel),
            "state": str(e.state),
            "error": e.error,
        }
        for e in lines
    ]


def _batch_out(batch) -> dict:
    from reminders.summary import batch_summary

    summary = batch_summary(batch)
    return {
        "id": batch.pk,
        "created_at": batch.created_at,
        "state": batch.state,
        "channel": batch.channel,
        "counts": summary.counts,
        "totals": summary.totals,
        "errors": _lines(summary.errors),
        "needs_review": _lines(summary.needs_review),
        "letters_ready": summary.letters_ready,
        "letters_pages": summary.letters_pages,
        "done": summary.done,
    }


def _batch(request, batch_id: PathId):
    from reminders.models import Batch

    batch = Batch.objects.for_company(company_of(request)).filter(pk=batch_id).first()
    if batch is None:
        raise not_found(_("Envoi"), batch_id)
    return batch


def _reminders(request):
    from reminders.models import Reminder, ReminderDocument

    links = ReminderDocument.objects.select_related("document").order_by("document__number")
    return (
        Reminder.objects.for_company(company_of(request))
        .select_related("customer")
        .prefetch_related(Prefetch("links", queryset=links))
    )


def _reminder(request, reminder_id: PathId):
    reminder = _reminders(request).filter(pk=reminder_id).first()
    if reminder is None:
        raise not_found(_("Rappel"), reminder_id)
    return reminder


# -- batches --------------------------------------------------------------------------


@router.post(
    "/reminder-batches/preview",
    response=with_errors({200: PreviewOut}),
    summary="Preview a batch: what would go out, what would fail and why",
)
def preview_batch(request, payload: SelectionIn):
    require_writer(request)
    company = company_of(request)
    selection = services.Selection(
        document_ids=payload.document_ids,
        kind=payload.kind,
        level=payload.level,
        channel=payload.channel,
        send_as=payload.send_as,
        group_by_customer=payload.group_by_customer,
    )
    try:
        result = services.preview(company, selection, user=request.user, as_of=payload.as_of)
    except LookupError as exc:
        raise ApiError(
            404,
            _("Pièce(s) introuvable(s) : %(ids)s") % {"ids": ", ".join(map(str, exc.args[0]))},
        ) from exc
    return {
        "preview": services.sign_preview(company, selection, result),
        "as_of": result.as_of,
        "counts": result.counts,
        "messages": [_message(m, lone=result.single) for m in result.messages],
        "failures": [_message(m) for m in result.failures],
    }


@router.post(
    "/reminder-batches",
    response=with_errors({201: BatchOut}),
    summary="Confirm a preview: write the reminders and start sending",
)
def confirm_batch(request, payload: ConfirmIn):
    require_writer(request)
    company = company_of(request)
    edited = payload.edited.model_dump(exclude_none=True) if payload.edited else None
    try:
        batch = services.confirm_preview(company, payload.preview, user=request.user, edited=edited)
    except ValidationError as exc:
        if edited and _about_the_edit(exc):
            raise _edit_refused(exc) from exc
        raise
    except LookupError as exc:
        raise ApiError(404, _("Aperçu introuvable.")) from exc
    except services.PreviewChanged as exc:
        raise ApiError(
            409,
            _("Les données ont changé depuis l'aperçu : refaites l'aperçu. Rien n'a été envoyé."),
            [{"expected": exc.expected, "actual": exc.actual}],
        ) from exc
    return 201, _batch_out(batch)


EDIT_KEYS = {"subject", "body_text", "edited"}


def _about_the_edit(exc: ValidationError) -> bool:
    return hasattr(exc, "error_dict") and set(exc.error_dict) <= EDIT_KEYS


def _edit_refused(exc: ValidationError) -> ApiError:
    details = [
        {"loc": ["edited"] + ([key] if key != "edited" else []), "message": str(m)}
        for key, messages in exc.message_dict.items()
        for m in messages
    ]
    return ApiError(400, " ".join(exc.messages), details)


@router.get(
    "/reminder-batches/{batch_id}",
    response=with_errors({200: BatchOut}),
    summary="A batch's summary: counts per channel and outcome, each error",
)
def read_batch(request, batch_id: PathId):
    return _batch_out(_batch(request, batch_id))


@router.post(
    "/reminder-batches/{batch_id}/letters",
    response=with_errors({200: None}),
    summary="The batch's letters as one PDF to print (printing counts them as sent)",
    openapi_extra={
        "responses": {200: {"content": {"application/pdf": {"schema": {"type": "string"}}}}}
    },
)
def batch_letters(request, batch_id: PathId):
    from reminders.letters import letters_pdf

    require_writer(request)
    pdf, pages = letters_pdf(_batch(request, batch_id))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="lettres-{batch_id}.pdf"'
    response["X-Page-Count"] = str(pages)
    return response


# -- reminders (outbox rows) ------------------------------------------------------------


@router.get("/reminders", response=with_errors({200: ReminderPage}), summary="Reminders")
def list_reminders(request, filters: Query[ReminderFilters]):
    qs = _reminders(request)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.batch:
        qs = qs.filter(batch_id=filters.batch)
    if filters.customer:
        qs = qs.filter(customer__code=filters.customer)
    if filters.document:
        qs = qs.filter(links__document_id=filters.document)
    if filters.stuck:
        qs = qs.filter(pk__in=review.stuck_reminders(company_of(request)).values("pk"))
    return paginate(qs.order_by("-created_at", "-pk").distinct(), filters)


@router.get(
    "/reminders/{reminder_id}", response=with_errors({200: ReminderDetailOut}), summary="A reminder"
)
def read_reminder(request, reminder_id: PathId):
    return _reminder(request, reminder_id)


@router.post(
    "/reminders/{reminder_id}/cancel",
    response=with_errors({200: ReminderDetailOut}),
    summary="Cancel a queued reminder",
)
def cancel_reminder(request, reminder_id: PathId):
    from reminders.sending import cancel_reminder as cancel

    require_writer(request)
    reminder = _reminder(request, reminder_id)
    if not cancel(reminder):
        raise ApiError(
            409,
            _("Trop tard : ce rappel est « %(s)s », seul un rappel en file d'attente s'annule.")
            % {"s": reminder.get_state_display()},
        )
    return _reminder(request, reminder_id)


class RetryOut(Schema):
    reminder: ReminderDetailOut
    batch: BatchOut | None = Field(description="The batch now sending it, if any.")


@router.post(
    "/reminders/{reminder_id}/retry",
    response=with_errors({200: RetryOut}),
    summary="Try a failed, cancelled or interrupted reminder again",
)
def retry_reminder(request, reminder_id: PathId):
    require_writer(request)
    reminder = _reminder(request, reminder_id)
    try:
        batch = review.retry(reminder, user=request.user)
    except review.CannotRetry as exc:
        raise ApiError(409, str(exc)) from exc
    return {
        "reminder": _reminder(request, reminder_id),
        "batch": _batch_out(batch) if batch else None,
    }


# -- phone calls --------------------------------------------------------------------------


@router.post("/calls", response=with_errors({201: CallOut}), summary="Log a phone call")
def log_call(request, payload: CallIn):
    from receivables.models import Customer, Document
    from reminders.calls import log_call as log

    require_writer(request)
    company = company_of(request)
    docs = list(Document.objects.for_company(company).filter(pk__in=payload.document_ids))
    missing = sorted(set(payload.document_ids) - {d.pk for d in docs})
    if missing:
        raise ApiError(
            404, _("Pièce(s) introuvable(s) : %(ids)s") % {"ids": ", ".join(map(str, missing))}
        )
    if payload.customer:
        customer = Customer.objects.for_company(company).filter(code=payload.customer).first()
        if customer is None:
            raise not_found(_("Client"), payload.customer)
    elif len({d.customer_id for d in docs}) == 1:
        customer = docs[0].customer
    else:
        raise ApiError(
            422,
            _("Donnez le client, ou des pièces d'un seul client."),
            [{"loc": ["body", "payload", "customer"], "message": _("requis")}],
        )
    call = log(
        company,
        customer,
        docs,
        payload.outcome,
        user=request.user,
        note=payload.note,
        promise_date=payload.promise_date,
        dispute_reason=payload.dispute_reason,
    )
    return 201, {
        "id": call.pk,
        "customer": customer.name,
        "called_at": call.called_at,
        "outcome": call.outcome,
        "promise_date": call.promise_date,
        "documents": sorted(d.number for d in docs),
    }
