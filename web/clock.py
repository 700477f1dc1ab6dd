"""« Aujourd'hui » decided in the company's time zone, not the server's."""

from datetime import date, datetime

from django.utils import timezone

from receivables.models import Company


def company_today(company: Company, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(company.zone).date()
