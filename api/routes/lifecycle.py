"""E-invoicing lifecycle statuses pushed by a platform or an invoicing tool: a batch of up
to 10,000, all or nothing (receivables.lifecycle, shared with the CDAR and CSV imports)."""

from django.utils.translation import gettext as _
from ninja import Router

from receivables import upsert
from receivables.imports.cdar import lifecycle_warnings
from receivables.lifecycle import apply_statuses

from ..auth import company_of, require_writer
from ..errors import ApiError
from ..schemas import LifecycleBatch, LifecycleOut, with_errors
from .data import queue_scan

router = Router(tags=["data"])


@router.post(
    "/lifecycle",
    response=with_errors({200: LifecycleOut}),
    summary="Record e-invoicing lifecycle statuses (200 Déposée … 212 Encaissée, 213 Rejetée)",
    operation_id="record_lifecycle_statuses",
)
def record_statuses(request, payload: LifecycleBatch):
    require_writer(request)
    company = company_of(request)
    rows = [i.model_dump(mode="python", exclude_none=True) for i in payload.items]
    try:
        result = apply_statuses(company, rows)
    except upsert.UpsertError as exc:
        raise ApiError(
            422,
            _("%(n)s erreur(s) : rien n'a été enregistré.") % {"n": len(exc.errors)},
            [{"index": e.index, "field": e.field, "message": e.reason} for e in exc.errors],
        ) from exc
    if result.created:
        queue_scan(company)
    return LifecycleOut(
        created=result.created,
        unchanged=result.unchanged,
        payments_created=result.payments_created,
        rejected=result.rejected,
        warnings=lifecycle_warnings(result),
    )
