"""Request and response bodies. They validate input and document the API (OpenAPI)."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Path, Schema
from pydantic import AfterValidator, create_model

from dunning.models import Channel
from receivables.coerce import EARLIEST, LATEST
from receivables.models import DocumentKind, DocumentState, PaymentMethod

MAX_BATCH = 10_000


def one_of(*values: str):
    """A Literal of the models' own values (choices members, or a tuple of them): the API
    lists no value of its own, so a new state or channel reaches it with the model."""
    return Literal[tuple(str(v) for v in values)]


InvoiceKind = one_of(DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE)
InvoiceState = one_of(
    DocumentState.DRAFT, DocumentState.OPEN, DocumentState.PAID, DocumentState.CANCELLED
)
QuoteState = one_of(
    DocumentState.DRAFT,
    DocumentState.OPEN,
    DocumentState.ACCEPTED,
    DocumentState.REFUSED,
    DocumentState.EXPIRED,
)
DunnedKind = one_of(DocumentKind.INVOICE, DocumentKind.QUOTE)

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
# Sums from SQLite come back with stray digits: every amount leaves with two decimals.
MoneyOut = Annotated[Decimal, AfterValidator(lambda v: v.quantize(Decimal("0.01")))]
# Ids and dates from clients are bounded so that no value can overflow the database.
Id = Annotated[int, Field(ge=1, le=2**53)]
Day = Annotated[date, Field(ge=EARLIEST, le=LATEST)]
Code = Annotated[str, Field(min_length=1, max_length=50)]


class ErrorOut(Schema):
    error: str = Field(description="Stable code: invalid, not_found, rate_limited, …")
    message: str = Field(description="Human-readable, in the request's language.")
    details: list[dict] = Field(description="Per-field or per-item errors, when any.")


ERRORS = {c: ErrorOut for c in (400, 401, 403, 404, 409, 422, 429)}


def with_errors(ok: dict) -> dict:
    return {**ERRORS, **ok}


# --- data pushed from an invoicing tool ---------------------------------------------


# Upserts: the key field is required; any other field left out keeps its current value
# on update (it is required only to create the row, as the error then says).


class CustomerIn(Schema):
    code: Code = Field(description="Your customer code: the key of the upsert.")
    name: str | None = Field(None, min_length=1, max_length=200, description="Required to create.")
    contact_name: str | None = Field(None, max_length=200)
    emails: list[Annotated[str, Field(max_length=254)]] | None = None
    phone: str | None = Field(None, max_length=30)
    address: str | None = Field(None, max_length=1000)
    postal_code: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, min_length=2, max_length=2)
    language: str | None = Field(None, min_length=2, max_length=5)
    is_business: bool | None = None
    default_payment_method: PaymentMethod | None = None
    no_reminders: bool | None = None
    no_reminders_reason: str | None = Field(None, max_length=200)
    blocked_until: Day | None = None
    external_id: str | None = Field(None, max_length=100)
    notes: str | None = Field(None, max_length=5000)


CustomerRef = Annotated[
    Code | CustomerIn,
    Field(description="A customer code, or a customer object (created when new)."),
]


class InvoiceIn(Schema):
    number: Code = Field(description="Invoice number: the key of the upsert, with kind.")
    kind: InvoiceKind | None = Field(None, description="Default: invoice.")
    customer: CustomerRef | None = Field(None, description="Required to create.")
    issue_date: Day | None = Field(None, description="Required to create.")
    due_date: Day | None = Field(None, description="Required to create an invoice.")
    amount: Money | None = Field(None, description="Amount including tax. Required to create.")
    currency: str | None = Field(None, min_length=3, max_length=3)
    payment_method: PaymentMethod | None = None
    state: InvoiceState | None = None
    description: str | None = Field(None, max_length=300)
    external_id: str | None = Field(None, max_length=100)
    disputed: bool | None = None
    block_reason: str | None = Field(None, max_length=200)
    blocked_until: Day | None = None
    promise_date: Day | None = None
    paid: Money | None = Field(None, description="Amount already settled in your tool.")
    paid_date: Day | None = None


class QuoteIn(Schema):
    number: Code = Field(description="Quote number: the key of the upsert.")
    customer: CustomerRef | None = Field(None, description="Required to create.")
    issue_date: Day | None = Field(None, description="Required to create.")
    validity_date: Day | None = Field(None, description="Required to create.")
    amount: Money | None = Field(None, description="Required to create.")
    currency: str | None = Field(None, min_length=3, max_length=3)
    state: QuoteState | None = None
    description: str | None = Field(None, max_length=300)
    external_id: str | None = Field(None, max_length=100)


class AllocationIn(Schema):
    invoice: Code = Field(description="Number of the invoice this payment settles (part of).")
    amount: PositiveMoney | None = Field(None, description="Default: as much as possible.")


class PaymentIn(Schema):
    external_id: str = Field(
        min_length=1, max_length=100, description="Your payment id: the key of the upsert."
    )
    customer: CustomerRef | None = Field(
        None, description="Default: the customer of the first allocated invoice."
    )
    date: Day | None = Field(None, description="Required to create.")
    amount: PositiveMoney | None = Field(None, description="Required to create.")
    currency: str | None = Field(None, min_length=3, max_length=3)
    method: PaymentMethod | None = None
    reference: str | None = Field(None, max_length=140)
    allocations: list[AllocationIn] | None = Field(
        None, description="Replace the payment's allocations when given."
    )


def batch_of(item):
    name = item.__name__.removesuffix("In") + "Batch"
    items = (list[item], Field(min_length=1, max_length=MAX_BATCH))
    return create_model(name, __base__=Schema, items=items)


CustomerBatch = batch_of(CustomerIn)
InvoiceBatch = batch_of(InvoiceIn)
QuoteBatch = batch_of(QuoteIn)
PaymentBatch = batch_of(PaymentIn)


class LifecycleIn(Schema):
    """One e-invoicing lifecycle status of an invoice (DGFiP external specifications v3,
    AFNOR XP Z12-012): what a CDAR message carries, as JSON."""

    number: Code = Field(description="The invoice's number (BT-1).")
    status: str = Field(
        min_length=1,
        max_length=40,
        description="Code 200–228 (212, or VRBL:FR:212) or its name (Encaissée, Refusée…).",
    )
    date: Day = Field(description="Date of the status.")
    amount: PositiveMoney | None = Field(None, description="212 Encaissée: amount collected.")
    currency: str | None = Field(None, min_length=3, max_length=3)
    reason_code: str | None = Field(None, max_length=20)
    reason: str | None = Field(None, max_length=500)
    message_id: str | None = Field(None, max_length=200)


LifecycleBatch = batch_of(LifecycleIn)


class LifecycleOut(Schema):
    created: int = Field(description="Statuses recorded.")
    unchanged: int = Field(description="Statuses already known (same invoice, code, date).")
    payments_created: int = Field(description="Payments recorded for 212 Encaissée.")
    rejected: list[str] = Field(description="Invoices the platform rejected (213).")
    warnings: list[str]


class UpsertOut(Schema):
    created: int
    updated: int
    unchanged: int
    customers_created: int = Field(0, description="New customers given inline.")


# --- worklist ------------------------------------------------------------------------


class Page(Schema):
    count: int
    page: int
    page_size: int
    pages: int


ChannelField = Channel


# --- reminders -------------------------------------------------------------------------

PathId = Annotated[int, Path(ge=1, le=2**53)]
ChannelName = one_of(*Channel)
