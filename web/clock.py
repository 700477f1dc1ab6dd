"""« Aujourd'hui » decided in the company's time zone, not the server's."""

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from receivables.models import Company


def company_today(company: Company) -> date:
    try:
        tz = ZoneInfo(company.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("Europe/Paris")
    return timezone.now().astimezone(tz).date()
