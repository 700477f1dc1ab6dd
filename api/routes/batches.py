"""Reminder batches: preview, then confirm; a batch's summary; its letters to print.

Everything goes through reminders.runs and the reminders use cases; a preview is returned
with a signed token that the confirmation hands back, so nothing is stored until the
script confirms. Operation ids are those of the time these routes lived in
api/routes/reminders.py: clients generated from the schema keep their names.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from reminders import runs
from reminders.letters import letters_pdf
from reminders.models import Batch

from ..auth import company_of, require_writer
from ..errors import ApiError, not_found
from ..schemas import MAX_BATCH, ChannelName, Day, DunnedKind, Id, PathId, with_errors
from ..serializers import batch_out, message_out
from .reckoning import ReckoningOut

router = Router(tags=["reminders"])
OPERATION = "api_routes_reminders_"


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
    reckoning: ReckoningOut | None = Field(
        None, description="What the message claims, line by line (null: not worded)."
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


def _batch(request, batch_id: PathId):
    batch = Batch.objects.for_company(company_of(request)).filter(pk=batch_id).first()
    if batch is None:
        raise not_found(_("Envoi"), batch_id)
    return batch


@router.post(
    "/reminder-batches/preview",
    response=with_errors({200: PreviewOut}),
    summary="Preview a batch: what would go out, what would fail and why",
    operation_id=OPERATION + "preview_batch",
)
def preview_batch(request, payload: SelectionIn):
    require_writer(request)
    company = company_of(request)
    selection = runs.Selection(
        document_ids=payload.document_ids,
        kind=payload.kind,
        level=payload.level,
        channel=payload.channel,
        send_as=payload.send_as,
        group_by_customer=payload.group_by_customer,
    )
    try:
        result = runs.preview(company, selection, user=request.user, as_of=payload.as_of)
    except LookupError as exc:
        raise ApiError(
            404,
            _("Pièce(s) introuvable(s) : %(ids)s") % {"ids": ", ".join(map(str, exc.args[0]))},
        ) from exc
    return {
        "preview": runs.sign_preview(company, selection, result),
        "as_of": result.as_of,
        "counts": result.counts,
        "messages": [message_out(m, lone=result.single) for m in result.messages],
        "failures": [message_out(m) for m in result.failures],
    }


@router.post(
    "/reminder-batches",
    response=with_errors({201: BatchOut}),
    summary="Confirm a preview: write the reminders and start sending",
    operation_id=OPERATION + "confirm_batch",
)
def confirm_batch(request, payload: ConfirmIn):
    require_writer(request)
    company = company_of(request)
    edited = payload.edited.model_dump(exclude_none=True) if payload.edited else None
    try:
        batch = runs.confirm_preview(company, payload.preview, user=request.user, edited=edited)
    except ValidationError as exc:
        if edited and _about_the_edit(exc):
            raise _edit_refused(exc) from exc
        raise
    except LookupError as exc:
        raise ApiError(404, _("Aperçu introuvable.")) from exc
    except runs.PreviewChanged as exc:
        raise ApiError(
            409,
            _("Les données ont changé depuis l'aperçu : refaites l'aperçu. Rien n'a été envoyé."),
            [{"expected": exc.expected, "actual": exc.actual}],
        ) from exc
    return 201, batch_out(batch)


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
    operation_id=OPERATION + "read_batch",
)
def read_batch(request, batch_id: PathId):
    return batch_out(_batch(request, batch_id))


@router.post(
    "/reminder-batches/{batch_id}/letters",
    response=with_errors({200: None}),
    summary="The batch's letters as one PDF to print (printing counts them as sent)",
    openapi_extra={
        "responses": {200: {"content": {"application/pdf": {"schema": {"type": "string"}}}}}
    },
    operation_id=OPERATION + "batch_letters",
)
def batch_letters(request, batch_id: PathId):
    require_writer(request)
    pdf, pages = letters_pdf(_batch(request, batch_id))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="lettres-{batch_id}.pdf"'
    response["X-Page-Count"] = str(pages)
    return response
