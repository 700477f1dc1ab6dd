"""Dashboard figures on a small data set, checked against values computed by hand."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from insight import queries
from receivables.models import Customer, Invoice

from .conftest import AS_OF

D = Decimal


def test_aging_by_amount_and_count(dataset):
    rows = queries.aging(dataset, AS_OF)
    assert [(r.key, r.count, r.amount) for r in rows] == [
        ("not_due", 2, D("110")),  # I1 100 + I8 10 (due today)
        ("1_30", 2, D("170")),  # I2 200-50 + I9 20 (30 days)
        ("31_60", 1, D("300")),
        ("61_90", 1, D("400")),
        ("over_90", 1, D("500")),
    ]


def test_dso_from_receivables_and_last_quarter_sales(dataset):
    points = {p.month_end: p for p in queries.dso_series(dataset, AS_OF)}
    today = points[AS_OF]
    # issued by 15/06: 100+200+300+400+500+250+10+20 = 1780; settled 50+250 = 300
    # sales 18/03–15/06: 100+200+300+250+10+20 = 880; 1480 / 880 × 90 = 151.36
    assert (today.receivables, today.sales, today.dso) == (D("1480"), D("880"), D("151.4"))
    may = points[date(2026, 5, 31)]
    # issued by 31/05: 200+300+400+500+250+20 = 1670; settled 250; sales 03/03–31/05: 770
    assert (may.receivables, may.sales, may.dso) == (D("1420"), D("770"), D("166.0"))
    assert points[date(2025, 7, 31)].dso is None  # nothing sold yet


def test_overdue_by_customer_biggest_first(dataset):
    rows = queries.overdue_by_customer(dataset, AS_OF)
    assert [(r.name, r.count, r.amount) for r in rows] == [
        ("LENTY Sarah", 3, D("720")),  # I3 300 + I4 400 + I9 20
        ("ANYWAY SARL", 2, D("650")),  # I2 150 + I5 500
    ]


@pytest.fixture
def june_15():
    with time_machine.travel("2026-06-15 10:00 +02:00", tick=False):
        yield


def test_dashboard_requires_login(client, db):
    assert client.get("/insight/").status_code == 302


def test_dashboard_shows_svg_charts_and_csv_links(alice_client, dataset, june_15):
    page = alice_client.get("/insight/").content.decode()
    assert page.count("<svg") == 5
    for chart in ["aging", "dso", "overdue", "effectiveness"]:
        assert f'href="/insight/{chart}.csv"' in page
    assert "LENTY Sarah" in page and "http" not in page.split("<svg", 1)[1].split("xmlns")[0]


def test_each_chart_csv_holds_its_numbers(alice_client, dataset, june_15):
    # a French user's spreadsheet: « ; » between cells, a decimal comma, UTF-8 with a BOM
    text = alice_client.get("/insight/aging.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["tranche", "nombre", "montant"]
    assert [(r[1], r[2]) for r in rows[1:]] == [
        ("2", "110,00"), ("2", "170,00"), ("1", "300,00"), ("1", "400,00"), ("1", "500,00"),
    ]  # fmt: skip
    dso = alice_client.get("/insight/dso.csv").content.decode("utf-8-sig")
    dso_rows = list(csv.reader(io.StringIO(dso), delimiter=";"))
    assert dso_rows[-1][0] == "2026-06-15" and dso_rows[-1][3] == "151,4"
    assert len(dso_rows) == 13
    assert alice_client.get("/insight/effectiveness.csv").status_code == 200
    assert alice_client.get("/insight/nothing.csv").status_code == 404


def test_another_company_figures_never_show(alice_client, dataset, other_company, june_15):
    other = Customer.objects.create(company=other_company, code="Z", name="ZORGLUB")
    Invoice.objects.create(
        company=other_company, customer=other, number="Z1", issue_date=date(2026, 1, 1),
        due_date=date(2026, 1, 2), amount=D("99999"),
    )  # fmt: skip
    assert "ZORGLUB" not in alice_client.get("/insight/overdue.csv").content.decode()
    assert queries.aging(dataset, AS_OF)[-1].amount == D("500")


def test_reminder_effectiveness_counts_every_sent_reminder(dataset):
    """With the reminders app: each sent reminder row counts, not only the last one."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from insight.metrics import effectiveness
    from reminders.models import Reminder, ReminderDocument, ReminderState

    paris = ZoneInfo("Europe/Paris")
    i6 = Invoice.objects.get(number="I6")  # paid 25/05
    i3 = Invoice.objects.get(number="I3")  # unpaid

    def sent(doc, rank, day, state=ReminderState.SENT):
        at = datetime(2026, 5, day, 23, 30, tzinfo=paris)  # late evening: Paris date counts
        reminder = Reminder.objects.create(
            company=dataset, customer=doc.customer, level_rank=rank, channel="email",
            state=state, sent_at=at if state == ReminderState.SENT else None,
        )  # fmt: skip
        ReminderDocument.objects.create(reminder=reminder, document=doc, level_rank=rank)

    sent(i6, 1, 11)  # level 1 on 11/05: I6 paid 14 days later
    sent(i6, 2, 21)  # level 2 on 21/05: paid 4 days later
    sent(i3, 2, 7)
    sent(i3, 3, 10, state=ReminderState.FAILED)  # never went out: not counted
    events = queries.reminder_events(dataset)
    rows = {r.level: r for r in effectiveness(events, AS_OF)}
    assert set(rows) == {1, 2}
    assert rows[1].within == {7: (1, 0), 15: (1, 1), 30: (1, 1)}
    assert rows[2].within == {7: (2, 1), 15: (2, 1), 30: (1, 0)}


def test_bar_labels_round_to_the_nearest_euro():
    """A bar of 24 596,92 € reads 24 597 €, not 24 596 € (whole euros above 1 000)."""
    from django.utils import translation

    from web.screens.insight import _money

    def plain(value):
        return _money(D(value)).replace("\u202f", " ").replace("\xa0", " ")

    with translation.override("fr"):
        assert plain("24596.92") == "24 597 €"
        assert plain("1499.5") == "1 500 €"
        assert plain("5.10") == "5,10 €"
        assert plain("0.005") == "0,01 €"
