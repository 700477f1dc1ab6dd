"""The dashboard's arithmetic: pure functions on numbers the queries bring (no database,
no today(): `as_of` is always given)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

# (key, label, first day late, last day late); None = open-ended.
AGING_BUCKETS = [
    ("not_due", _("Non échu"), None, 0),
    ("1_30", _("1–30 j"), 1, 30),
    ("31_60", _("31–60 j"), 31, 60),
    ("61_90", _("61–90 j"), 61, 90),
    ("over_90", _("> 90 j"), 91, None),
]
DSO_WINDOW_DAYS = 90  # sales of the last quarter: one slow month does not swing the figure
PAID_WITHIN_DAYS = (7, 15, 30)


def bucket_of(days_late: int) -> str:
    for key, _label, low, high in AGING_BUCKETS:
        if (low is None or days_late >= low) and (high is None or days_late <= high):
            return key
    raise AssertionError(days_late)  # the buckets cover every integer


def due_date_range(key: str, as_of: date) -> tuple[date | None, date | None]:
    """The due dates (inclusive) whose lateness on `as_of` falls in bucket `key`."""
    _key, _label, low, high = next(b for b in AGING_BUCKETS if b[0] == key)
    latest = as_of - timedelta(days=low) if low is not None else None
    earliest = as_of - timedelta(days=high) if high is not None else None
    return earliest, latest


def month_ends(as_of: date, months: int = 12) -> list[date]:
    """The last day of each of the `months` months up to as_of's; the current month's point
    is as_of itself (its end has not come yet)."""
    ends = []
    year, month = as_of.year, as_of.month
    for _i in range(months):
        last = date(year, month, calendar.monthrange(year, month)[1])
        ends.append(min(last, as_of))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return ends[::-1]


def dso(receivables: Decimal, sales: Decimal, days: int = DSO_WINDOW_DAYS) -> Decimal | None:
    """Days sales outstanding: receivables / sales of the last `days` days × days.
    None when nothing was sold (the ratio means nothing then)."""
    if not sales:
        return None
    return (Decimal(receivables) / Decimal(sales) * days).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class ReminderEvent:
    """One reminder sent about one invoice, and when that invoice got fully paid."""

    level: int
    sent_on: date
    paid_on: date | None


@dataclass
class Effectiveness:
    level: int
    sent: int
    # window (days) -> (reminders old enough to judge, of which paid within the window)
    within: dict[int, tuple[int, int]]

    def share(self, days: int) -> Decimal | None:
        judged, paid = self.within[days]
        if not judged:
            return None
        return (Decimal(paid) * 100 / judged).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def effectiveness(
    events: Iterable[ReminderEvent], as_of: date, windows: Iterable[int] = PAID_WITHIN_DAYS
) -> list[Effectiveness]:
    """Per level, the share of reminded invoices paid within N days after the reminder.

    Only reminders sent at least N days before as_of count for window N: a reminder sent
    yesterday has not had its 30 days yet, and counting it would make every level look bad.
    """
    windows = tuple(windows)
    rows: dict[int, Effectiveness] = {}
    for event in events:
        row = rows.setdefault(
            event.level, Effectiveness(event.level, 0, dict.fromkeys(windows, (0, 0)))
        )
        row.sent += 1
        for days in windows:
            if (as_of - event.sent_on).days < days:
                continue
            judged, paid = row.within[days]
            in_time = (
                event.paid_on is not None and 0 <= (event.paid_on - event.sent_on).days <= days
            )
            row.within[days] = (judged + 1, paid + int(in_time))
    return [rows[level] for level in sorted(rows)]
