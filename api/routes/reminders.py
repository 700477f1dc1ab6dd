"""Reminders, the outbox rows: list and read them, cancel a queued one, retry a stuck
one. Batches are in batches.py, phone calls in calls.py."""

from datetime import datetime

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from reminders import review
from reminders.models import Reminder, ReminderDocument, ReminderState
from reminders.sending import cancel_reminder as cancel

from ..auth import company_of, require_writer
from ..errors import ApiError, not_found
from ..pagination import PageParams, paginate
from ..schemas import ChannelName, Id, Page, PathId, one_of, with_errors
from ..serializers import batch_out
from .batches import BatchOut

router = Router(tags=["reminders"])
StateName = one_of(*ReminderState)


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


class RetryOut(Schema):
    reminder: ReminderDetailOut
    batch: BatchOut | None = Field(description="The batch now sending it, if any.")


def _reminders(request):
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
    require_writer(request)
    reminder = _reminder(request, reminder_id)
    if not cancel(reminder):
        raise ApiError(
            409,
            _("Trop tard : ce rappel est « %(s)s », seul un rappel en file d'attente s'annule.")
            % {"s": reminder.get_state_display()},
        )
    return _reminder(request, reminder_id)


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
        "batch": batch_out(batch) if batch else None,
    }
