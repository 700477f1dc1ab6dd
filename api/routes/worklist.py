"""The worklist ("Relance des factures") with the screen's filters, paginated."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import AfterValidator

from receivables.worklist import PERIODS, worklist, worklist_totals

from ..auth import company_of
from ..errors import ApiError
from ..pagination import PageParams, paginate
from ..schemas import Day, DunnedKind, MoneyOut, Page, one_of, with_errors

router = Router(tags=["worklist"])


class WorklistFilters(PageParams):
    as_of: Day | None = Field(None, description="Default: today in the company's time zone.")
    period: one_of(*PERIODS) | None = None
    show_not_due: bool = Field(False, description="Also the open documents not to remind yet.")
    hide_direct_debit: bool = False
    kind: DunnedKind = "invoice"
    search: str = Field("", max_length=100, description="Number, customer name, code or contact.")
    order: str = Field(
        "-days_late",
        max_length=30,
        description="A column (days_late, amount, balance, customer, due_date, …), '-' first "
        "for descending.",
    )


class WorklistRow(Schema):
    id: int
    kind: str
    number: str
    issue_date: date
    due_date: date
    days_late: int
    payment_method: str
    customer_id: int
    customer_code: str
    customer: str
    contact: str
    description: str
    amount: MoneyOut
    paid: MoneyOut
    balance: MoneyOut
    percent_paid: Annotated[Decimal, AfterValidator(lambda v: v.quantize(Decimal("0.1")))]
    state: str
    dunning_level: int
    pending_level: int | None
    to_remind: bool
    to_remind_since: date | None
    reminder_count: int
    last_reminder_date: date | None
    lifecycle_status: str = Field(
        "", description="Latest e-invoicing lifecycle status (200–228), '' when none."
    )
    lifecycle_date: date | None = None

    @staticmethod
    def resolve_customer_code(obj) -> str:
        return obj.customer.code

    @staticmethod
    def resolve_customer(obj) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_contact(obj) -> str:
        return obj.customer.contact_name

    @staticmethod
    def resolve_paid(obj) -> Decimal:
        return obj.paid_amount


class CurrencyTotals(Schema):
    currency: str
    count: int
    amount: MoneyOut
    paid: MoneyOut
    balance: MoneyOut


class Totals(Schema):
    count: int
    amount: MoneyOut | None = Field(
        description="Null when the documents are in several currencies."
    )
    paid: MoneyOut | None
    balance: MoneyOut | None
    by_currency: list[CurrencyTotals] = Field(description="Sums per currency, never added up.")


class WorklistPage(Page):
    as_of: date
    totals: Totals
    items: list[WorklistRow]


@router.get("/worklist", response=with_errors({200: WorklistPage}), summary="The worklist")
def read_worklist(request, filters: Query[WorklistFilters]):
    company = company_of(request)
    as_of = filters.as_of or company.today()
    try:
        qs = worklist(
            company,
            as_of=as_of,
            period=filters.period,
            show_not_due=filters.show_not_due,
            hide_direct_debit=filters.hide_direct_debit,
            kind=filters.kind,
            search=filters.search,
            order=filters.order,
        )
    except ValueError as exc:
        raise ApiError(422, _("Filtre refusé : %(e)s") % {"e": exc}, [{"loc": ["query"]}]) from exc
    totals = worklist_totals(qs)
    page = paginate(qs, filters, count=totals["count"])
    return {**page, "as_of": as_of, "totals": totals}
