"""« Aujourd'hui » is the company's: one answer for the scan, the screens and the workers."""

from datetime import UTC, date, datetime

import pytest

from dunning.scan import scan
from receivables.models import Company

LATE_EVENING_UTC = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # already 2 March in Paris


@pytest.mark.django_db
@pytest.mark.parametrize("stored_zone", ["Europe/Paris", "Mars/Olympus_Mons", ""])
def test_the_scan_and_the_company_agree_on_today_even_for_an_unknown_zone(stored_zone):
    company = Company.objects.create(name="Zone SARL", timezone=stored_zone)

    result = scan(company, now=LATE_EVENING_UTC, dry_run=True, report=False)

    assert company.today(LATE_EVENING_UTC) == date(2026, 3, 2)
    assert list(result.as_of) == [date(2026, 3, 2)]


@pytest.mark.django_db
def test_a_company_in_new_york_is_still_on_the_first_of_march():
    company = Company.objects.create(name="NY Inc", timezone="America/New_York")

    assert company.today(LATE_EVENING_UTC) == date(2026, 3, 1)
    assert list(scan(company, now=LATE_EVENING_UTC, dry_run=True, report=False).as_of) == [
        date(2026, 3, 1)
    ]
