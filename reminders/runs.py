"""Reminder runs, as the API, the CLI and the scheduler ask for them: a selection, its
preview, the batch of exactly what was previewed, a signed preview confirmed later, and
the daily run. Built only from the reminder and dunning services, so no rule is written
twice; the faces shape the answers (api/serializers.py), the workers send.

Selection        which documents a run covers, and how
preview          what would go out and what would fail (writes nothing)
create           preview, then the batch of exactly the previewed documents
sign_preview / confirm_preview   a preview confirmed later (signed, nothing stored)
daily_run        the scan, then the automatic levels of a company that wants them
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dunning.scan import scan
from receivables.models import INVOICE_LIKE, Company, Document, DocumentKind

from .already import AlreadySending
from .batches import create_batch
from .models import ReminderDocument, ReminderState
from .preview import preview_batch

# The salt keeps its first home's name: previews signed before the move stay valid.
PREVIEW_SALT = "relance.api.batch-preview"
PREVIEW_MAX_AGE = 3600  # seconds a preview may be confirmed after it was made


@dataclass
class Selection:
    """Which documents a reminder run covers, and how (as a script asks for it)."""

    document_ids: list[int] = field(default_factory=list)
    # Invoices and quotes are reminded in separate batches (one message never mixes them).
    kind: str = "invoice"
    level: int | None = None  # only documents whose pending level has this rank
    channel: str | None = None  # only messages going out on this channel
    send_as: str | None = None  # force this channel instead of each level's
    group_by_customer: bool | None = None
    automatic_only: bool = False  # only levels marked "automatic"

    def as_dict(self) -> dict:
        return {
            "document_ids": self.document_ids,
            "kind": self.kind,
            "level": self.level,
            "channel": self.channel,
            "send_as": self.send_as,
            "group_by_customer": self.group_by_customer,
            "automatic_only": self.automatic_only,
        }


def candidate_ids(company: Company, selection: Selection) -> list[int]:
    """The documents asked for: explicit ids (scoped to the company), else everything
    the scan marked "to remind", narrowed by pending level."""
    docs = Document.objects.for_company(company)
    if selection.document_ids:
        docs = docs.filter(pk__in=selection.document_ids)
        found = set(docs.values_list("pk", flat=True))
        missing = sorted(set(selection.document_ids) - found)
        if missing:
            raise LookupError(missing)
    else:
        kinds = INVOICE_LIKE if selection.kind == DocumentKind.INVOICE else (selection.kind,)
        docs = docs.filter(to_remind=True, kind__in=kinds)
    if selection.level is not None:
        docs = docs.filter(pending_level=selection.level)
    return list(docs.order_by("pk").values_list("pk", flat=True))


def preview(company: Company, selection: Selection, *, user=None, as_of: date | None = None):
    """The reminders' preview of the selection, narrowed to one channel when asked.

    The channel filter keeps the messages the reminders app would send on that channel
    (it decides each document's level and channel), and the selection's documents become
    those of the kept messages, so confirming sends exactly what was shown."""
    ids = candidate_ids(company, selection)
    result = preview_batch(
        company,
        ids,
        selection.send_as,
        user,
        selection.group_by_customer,
        as_of=as_of,
    )
    if selection.channel or selection.automatic_only:

        def keep(message) -> bool:
            if selection.channel and message.channel != selection.channel:
                return False
            return not selection.automatic_only or bool(message.level and message.level.automatic)

        result.messages = [m for m in result.messages if keep(m)]
        result.failures = [m for m in result.failures if keep(m)]
    if selection.automatic_only:
        # An unattended run reports a failure once (it waits in the outbox for a person),
        # not again at every run of the day.
        result.failures = [m for m in result.failures if not _already_failed(m)]
    return result


def _already_failed(message) -> bool:
    rank = message.level.rank if message.level else 0
    ids = {d.pk for d in message.documents}
    failed = ReminderDocument.objects.filter(
        document_id__in=ids, level_rank=rank, reminder__state=ReminderState.FAILED
    ).values_list("document_id", flat=True)
    return ids <= set(failed)


def documents_of(result) -> list[int]:
    return sorted({d.pk for m in result.messages + result.failures for d in m.documents})


def create(company: Company, selection: Selection, *, user=None, as_of: date | None = None):
    """Preview, then create the batch of exactly the previewed documents (None if empty,
    or if they are all already being sent: no batch of refusals)."""
    result = preview(company, selection, user=user, as_of=as_of)
    ids = documents_of(result)
    if not ids:
        return result, None
    try:
        batch = create_batch(
            company, ids, selection.send_as, user, selection.group_by_customer, as_of=as_of
        )
    except AlreadySending:
        return result, None
    return result, batch


# -- previews a script confirms later (signed, nothing stored) -------------------------


def sign_preview(company: Company, selection: Selection, result) -> str:
    payload = {
        "company": company.pk,
        "as_of": result.as_of.isoformat(),
        "document_ids": documents_of(result),
        "send_as": selection.send_as,
        "group_by_customer": selection.group_by_customer,
        "counts": result.counts,
    }
    return signing.dumps(payload, salt=PREVIEW_SALT, compress=True)


def unsign_preview(company: Company, token: str) -> dict:
    try:
        payload = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(_("Cet aperçu a expiré : refaites-le.")) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("Aperçu inconnu ou altéré.")) from exc
    if payload.get("company") != company.pk:
        raise LookupError(token)
    return payload


class PreviewChanged(Exception):
    """The data moved since the preview: what would go out is no longer what was shown."""

    def __init__(self, expected: dict, actual: dict):
        super().__init__(expected, actual)
        self.expected, self.actual = expected, actual


def confirm_preview(company: Company, token: str, *, user=None, edited: dict | None = None):
    """Create the batch a signed preview showed, or raise PreviewChanged (nothing written).
    `edited`: the lone message's new subject and/or text (reminders.editing)."""
    payload = unsign_preview(company, token)
    with transaction.atomic():  # a mismatch rolls back: the batch is never sent
        batch = create_batch(
            company,
            payload["document_ids"],
            payload["send_as"],
            user,
            payload["group_by_customer"],
            edited=edited or None,
            as_of=date.fromisoformat(payload["as_of"]),
        )
        if batch.counts != payload["counts"]:
            raise PreviewChanged(payload["counts"], batch.counts)
    return batch


# -- the daily run (cron, systemd timer or rq-scheduler) ------------------------------------


@dataclass
class DailyReport:
    company: Company
    as_of: date
    changed: int
    to_remind: int
    batches: list = field(default_factory=list)  # automatic batches (invoices, quotes)


_before_scan: list[Callable[[Company, date], object]] = []


def before_scan(step: Callable[[Company, date], object]) -> None:
    """Register a step of the daily run that comes before the scan (floors above register,
    as the portal does for the payment plans it breaks): `step(company, day)`."""
    if step not in _before_scan:
        _before_scan.append(step)


def daily_run(company: Company, *, as_of: date | None = None, send: bool = True) -> DailyReport:
    """The registered steps, the scan, then (if the company asked for it) the reminders of
    the levels marked automatic: created as a batch like a person would, and handed to the
    worker."""
    day = as_of or company.today()
    for step in _before_scan:
        step(company, day)
    result = scan(company, day)
    report = DailyReport(
        company=company,
        as_of=day,
        changed=result.changed,
        to_remind=Document.objects.for_company(company).filter(to_remind=True).count(),
    )
    if send and company.auto_send:
        for kind in ("invoice", "quote"):
            _preview, batch = create(company, Selection(kind=kind, automatic_only=True), as_of=day)
            if batch is not None:
                report.batches.append(batch)
    return report
