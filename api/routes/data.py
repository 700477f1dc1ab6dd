"""Upserts pushed by an invoicing tool: one item or a batch of up to 10,000, all or nothing.

The rules (matching keys, validation, allocations) live in receivables.upsert, shared
with the file imports; this module only maps HTTP to it.
"""

from django.utils.translation import gettext as _
from ninja import Router

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


def _run(request, function_name: str, items: list) -> UpsertOut:
    require_writer(request)
    from receivables import upsert  # the imports' rules

    function = getattr(upsert, function_name)
    rows = [item.model_dump(mode="python") for item in items]
    try:
        result = function(company_of(request), rows)
    except upsert.UpsertError as exc:
        raise ApiError(
            422,
            _("%(n)s élément(s) refusé(s) : rien n'a été enregistré.") % {"n": len(exc.errors)},
            [_item_error(e) for e in exc.errors],
        ) from exc
    return _result(result)


def _item_error(error) -> dict:
    if isinstance(error, dict):
        return error
    return {
        "index": getattr(error, "index", None),
        "field": getattr(error, "field", ""),
        "message": str(getattr(error, "message", error)),
    }


def _result(result) -> UpsertOut:
    get = result.get if isinstance(result, dict) else lambda k, d=None: getattr(result, k, d)
    return UpsertOut(
        created=get("created", 0),
        updated=get("updated", 0),
        unchanged=get("unchanged", 0),
        ids=list(get("ids", []) or []),
    )


def _endpoints(path: str, name: str, item_schema, batch_schema, what: str):
    function_name = f"upsert_{name}"

    @router.post(
        path,
        response=with_errors({200: UpsertOut}),
        summary=f"Create or update one {what}",
        operation_id=f"upsert_{what.replace(' ', '_')}",
    )
    def upsert_one(request, payload: item_schema):
        return _run(request, function_name, [payload])

    @router.post(
        f"{path}/batch",
        response=with_errors({200: UpsertOut}),
        summary=f"Create or update up to 10,000 {name}, all or nothing",
        operation_id=f"upsert_{name}_batch",
    )
    def upsert_batch(request, payload: batch_schema):
        return _run(request, function_name, payload.items)


_endpoints("/customers", "customers", CustomerIn, CustomerBatch, "customer")
_endpoints("/invoices", "invoices", InvoiceIn, InvoiceBatch, "invoice")
_endpoints("/quotes", "quotes", QuoteIn, QuoteBatch, "quote")
_endpoints("/payments", "payments", PaymentIn, PaymentBatch, "payment")
