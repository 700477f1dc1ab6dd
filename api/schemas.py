"""Request and response bodies. They validate input and document the API (OpenAPI)."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import create_model

from dunning.models import Channel
from receivables.models import DocumentState, PaymentMethod

MAX_BATCH = 10_000

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
Code = Annotated[str, Field(min_length=1, max_length=50)]


class ErrorOut(Schema):
    error: str = Field(description="Stable code: invalid, not_found, rate_limited, …")
    message: str = Field(description="Human-readable, in the request's language.")
    details: list[dict] = Field(description="Per-field or per-item errors, when any.")


ERRORS = {c: ErrorOut for c in (400, 401, 403, 404, 409, 422, 429)}


def with_errors(ok: dict) -> dict:
    return {**ERRORS, **ok}


# --- data pushed from an invoicing tool ---------------------------------------------


class CustomerIn(Schema):
    code: Code = Field(description="Your customer code: the key of the upsert.")
    name: str = Field(min_length=1, max_length=200)
    contact_name: str = Field("", max_length=200)
    emails: list[Annotated[str, Field(max_length=254)]] = Field(default_factory=list)
    phone: str = Field("", max_length=30)
    address: str = Field("", max_length=1000)
    postal_code: str = Field("", max_length=20)
    city: str = Field("", max_length=100)
    country: str = Field("FR", min_length=2, max_length=2)
    language: str = Field("fr", min_length=2, max_length=5)
    is_business: bool = True
    default_payment_method: PaymentMethod = PaymentMethod.UNSPECIFIED
    no_reminders: bool = False
    no_reminders_reason: str = Field("", max_length=200)
    external_id: str = Field("", max_length=100)


class InvoiceIn(Schema):
    number: Code = Field(description="Invoice number: the key of the upsert.")
    customer: Code = Field(description="Code of an existing customer (or one in the same call).")
    issue_date: date
    due_date: date
    amount: Money = Field(description="Amount including tax.")
    currency: str = Field("EUR", min_length=3, max_length=3)
    payment_method: PaymentMethod = PaymentMethod.UNSPECIFIED
    state: DocumentState = DocumentState.OPEN
    description: str = Field("", max_length=300)
    external_id: str = Field("", max_length=100)
    disputed: bool = False


class QuoteIn(Schema):
    number: Code = Field(description="Quote number: the key of the upsert.")
    customer: Code
    issue_date: date
    validity_date: date
    amount: Money
    currency: str = Field("EUR", min_length=3, max_length=3)
    state: DocumentState = DocumentState.OPEN
    description: str = Field("", max_length=300)
    external_id: str = Field("", max_length=100)


class AllocationIn(Schema):
    invoice: Code = Field(description="Number of the invoice this payment settles (part of).")
    amount: PositiveMoney


class PaymentIn(Schema):
    external_id: str = Field(
        min_length=1, max_length=100, description="Your payment id: the key of the upsert."
    )
    customer: Code
    date: date
    amount: PositiveMoney
    currency: str = Field("EUR", min_length=3, max_length=3)
    method: PaymentMethod = PaymentMethod.TRANSFER
    reference: str = Field("", max_length=140)
    allocations: list[AllocationIn] = Field(default_factory=list)


def batch_of(item):
    name = item.__name__.removesuffix("In") + "Batch"
    items = (list[item], Field(min_length=1, max_length=MAX_BATCH))
    return create_model(name, __base__=Schema, items=items)


CustomerBatch = batch_of(CustomerIn)
InvoiceBatch = batch_of(InvoiceIn)
QuoteBatch = batch_of(QuoteIn)
PaymentBatch = batch_of(PaymentIn)


class UpsertOut(Schema):
    created: int
    updated: int
    unchanged: int = 0
    ids: list[int] = Field(default_factory=list, description="Row ids, in the order sent.")


# --- worklist ------------------------------------------------------------------------


class CustomerRef(Schema):
    id: int
    code: str
    name: str


class Page(Schema):
    count: int
    page: int
    page_size: int
    pages: int


ChannelField = Channel
