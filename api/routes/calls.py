"""Phone calls logged from a script: the outcome on the customer's file (a promise or a
dispute stops the reminders), through reminders.calls.log_call. The operation id is
that of the time this route lived in api/routes/reminders.py."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from receivables.models import Customer, Document
from reminders.calls import log_call as log
from reminders.models import CallOutcome

from ..auth import company_of, require_writer
from ..errors import ApiError, not_found
from ..schemas import Day, Id, one_of, with_errors

router = Router(tags=["reminders"])
OutcomeName = one_of(*CallOutcome)


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


@router.post(
    "/calls",
    response=with_errors({201: CallOut}),
    summary="Log a phone call",
    operation_id="api_routes_reminders_log_call",
)
def log_call(request, payload: CallIn):
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
