"""What a customer owes on a date, line by line: the reckoning every reminder states."""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dunning.reckoner import customer_reckonings
from receivables.models import Customer

from ..auth import company_of
from ..errors import not_found
from ..schemas import Day, PathId, with_errors
from ..serializers import reckoning_out

router = Router(tags=["reckoning"])


class PeriodOut(Schema):
    start: str
    end: str
    days: int
    rate: str = Field(description="% a year: base rate of the half-year + margin.")
    interest: str


class ReckoningLineOut(Schema):
    number: str
    due_date: str
    balance: str
    interest: str
    indemnity: str
    total: str
    periods: list[PeriodOut]


class BasisOut(Schema):
    name: str
    reference: str


class ReckoningOut(Schema):
    as_of: str
    currency: str
    claims_charges: bool
    balance: str = Field(description="Amounts are strings with the currency's digits.")
    interest: str
    indemnity: str
    total: str = Field(description="What a reminder claiming charges asks (and its QR code).")
    basis: BasisOut | None
    lines: list[ReckoningLineOut]


class ReckoningQuery(Schema):
    as_of: Day | None = Field(None, description="Default: today in the company's time zone.")


@router.get(
    "/customers/{id}/reckoning",
    response=with_errors({200: list[ReckoningOut]}),
    summary="A customer's overdue invoices with interest and indemnity, per currency",
)
def read_reckoning(request, id: PathId, query: Query[ReckoningQuery]):
    company = company_of(request)
    customer = Customer.objects.for_company(company).filter(pk=id).first()
    if customer is None:
        raise not_found(_("Client"), id)
    as_of = query.as_of or company.today()
    return [reckoning_out(r) for r in customer_reckonings(customer, as_of)]
