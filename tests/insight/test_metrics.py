from datetime import date
from decimal import Decimal

from insight.metrics import ReminderEvent, bucket_of, dso, effectiveness, month_ends


def test_aging_buckets_have_exact_boundaries():
    assert [bucket_of(d) for d in (-5, 0, 1, 30, 31, 60, 61, 90, 91, 400)] == [
        "not_due", "not_due", "1_30", "1_30", "31_60", "31_60", "61_90", "61_90",
        "over_90", "over_90",
    ]  # fmt: skip


def test_month_ends_end_on_the_as_of_day():
    ends = month_ends(date(2026, 3, 10))
    assert len(ends) == 12 and ends[-1] == date(2026, 3, 10)
    assert ends[-2] == date(2026, 2, 28) and ends[0] == date(2025, 4, 30)


def test_dso_is_receivables_over_sales_times_days():
    assert dso(Decimal("1480"), Decimal("880")) == Decimal("151.4")
    assert dso(Decimal("100"), Decimal("0")) is None


def test_effectiveness_counts_only_reminders_old_enough_to_judge():
    events = [
        ReminderEvent(1, date(2026, 6, 1), date(2026, 6, 8)),  # paid on day 7
        ReminderEvent(1, date(2026, 6, 1), None),
        ReminderEvent(1, date(2026, 6, 10), None),  # 5 days old: judged for nothing
        ReminderEvent(2, date(2026, 5, 1), date(2026, 5, 20)),  # paid on day 19
    ]
    rows = effectiveness(events, as_of=date(2026, 6, 15))
    one, two = rows
    assert (one.level, one.sent, one.within[7], one.within[15], one.within[30]) == (
        1, 3, (2, 1), (0, 0), (0, 0),
    )  # fmt: skip
    assert one.share(7) == Decimal("50.0") and one.share(15) is None
    assert (two.share(7), two.share(15), two.share(30)) == (0, 0, Decimal("100.0"))
