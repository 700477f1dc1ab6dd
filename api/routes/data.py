"""Upserts pushed by an invoicing tool: one item or a batch of up to 10,000, all or nothing.

The rules (matching keys, validation, allocations) live in receivables.upsert, shared
with the file imports; this module only maps HTTP to it.
"""

import logging

from django.utils.translation import gettext as _
from ninja import Router

from dunning.refresh import queue_refresh
from receivables import upsert

from ..auth import company_of, require_writer
from ..errors import ApiError
from ..schemas import (
    CustomerBatch,
    CustomerIn,
    InvoiceBatch,
    InvoiceIn,
    PaymentBatch,
    PaymentIn,
    QuoteBatch,
    QuoteIn,
    UpsertOut,
    with_errors,
)

router = Router(tags=["data"])
log = logging.getLogger(__name__)


def _run(request, function, items: list, rename: dict | None = None, scan=False) -> UpsertOut:
    require_writer(request)
    rows = [_row(item, rename or {}) for item in items]
    company = company_of(request)
    try:
        result = function(company, rows)
    except upsert.UpsertError as exc:
        raise ApiError(
            422,
            _("%(n)s erreur(s) : rien n'a été enregistré.") % {"n": len(exc.errors)},
            [{"index": e.index, "field": e.field, "message": e.reason} for e in exc.errors],
        ) from exc
    if scan and (result.created or result.updated):
        queue_scan(company)
    return UpsertOut(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        customers_created=result.customers_created,
    )


def queue_scan(company) -> None:
    """A batch committed: the company's worklist is brought up to date on a worker."""
    try:
        queue_refresh(company)
    except Exception:  # the data is saved; the daily scan or « Mettre à jour » catches up
        log.exception("could not queue the scan of company %s after a batch", company.pk)


def _row(item, rename: dict) -> dict:
    # Only what the client sent: a field left out keeps its value on update.
    row = item.model_dump(mode="python", exclude_unset=True, exclude_none=True)
    return {rename.get(k, k): v for k, v in row.items()}


def _endpoints(path: str, name: str, item_schema, batch_schema, what: str, rename=None):
    function = getattr(upsert, f"upsert_{name}")

    @router.post(
        path,
        response=with_errors({200: UpsertOut}),
        summary=f"Create or update one {what}",
        operation_id=f"upsert_{what.replace(' ', '_')}",
    )
    def upsert_one(request, payload: item_schema):
        return _run(request, function, [payload], rename)

    @router.post(
        f"{path}/batch",
        response=with_errors({200: UpsertOut}),
        summary=f"Create or update up to 10,000 {name}, all or nothing",
        operation_id=f"upsert_{name}_batch",
    )
    def upsert_batch(request, payload: batch_schema):
        return _run(request, function, payload.items, rename, scan=True)


_endpoints("/customers", "customers", CustomerIn, CustomerBatch, "customer")
_endpoints("/invoices", "invoices", InvoiceIn, InvoiceBatch, "invoice")
_endpoints("/quotes", "quotes", QuoteIn, QuoteBatch, "quote", {"validity_date": "due_date"})
_endpoints("/payments", "payments", PaymentIn, PaymentBatch, "payment")
