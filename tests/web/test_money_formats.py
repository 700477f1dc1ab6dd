"""Numbers and dates people can read: « 1er » in French dates, CSV a spreadsheet of the
reader's language opens as it is, JSON amounts as strings with two decimals, and totals
per currency (never a euro and a pound added together)."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import time_machine
from django.core.management import call_command

from reminders.keywords import fmt_date

TODAY = date(2026, 6, 15)


def test_french_dates_write_the_first_of_the_month_1er():
    assert fmt_date(date(2026, 12, 1), "fr") == "1er décembre 2026"
    assert fmt_date(date(2026, 12, 11), "fr") == "11 décembre 2026"  # not « 11er »
    assert fmt_date(date(2026, 12, 1), "en") == "1 December 2026"


def _two_currencies(make_invoice):
    make_invoice(number="E1", amount=Decimal("725.10"), due_date=date(2026, 5, 1), to_remind=True)
    make_invoice(number="E2", amount=Decimal("100.05"), due_date=date(2026, 5, 2), to_remind=True)
    make_invoice(
        number="G1",
        amount=Decimal("50.00"),
        due_date=date(2026, 5, 3),
        currency="GBP",
        to_remind=True,
    )


def test_the_worklist_totals_each_currency_apart(alice_client, make_invoice):
    _two_currencies(make_invoice)
    with time_machine.travel(TODAY, tick=False):
        page = alice_client.get("/relance/?show_not_due=1").content.decode()
    foot = page.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    assert 'data-currency="EUR"' in foot and 'data-currency="GBP"' in foot
    assert "825,15\xa0€" in foot and "50,00\xa0£GB" in foot
    assert "875,15" not in foot  # never the sum of both


def test_one_currency_keeps_the_seed_total_row(alice_client, make_invoice):
    make_invoice(number="E1", amount=Decimal("725.10"), due_date=date(2026, 5, 1), to_remind=True)
    with time_machine.travel(TODAY, tick=False):
        page = alice_client.get("/relance/").content.decode()
    foot = page.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    assert "data-currency" not in foot and 'data-total="balance">725,10<' in foot


def test_home_and_dashboard_show_one_balance_per_currency(alice_client, make_invoice):
    _two_currencies(make_invoice)
    with time_machine.travel(TODAY, tick=False):
        home = alice_client.get("/").content.decode()
        board = alice_client.get("/insight/").content.decode()
    assert "825,15\xa0€" in home and "50,00\xa0£GB" in home and "875,15" not in home
    cards = board.split('<div class="cards">', 1)[1].split('<div class="charts">', 1)[0]
    assert "Encours EUR" in cards and "Encours GBP" in cards and "875,15" not in cards


def test_dashboard_csv_follows_the_readers_language(alice_client, make_invoice):
    _two_currencies(make_invoice)
    with time_machine.travel(TODAY, tick=False):
        french = alice_client.get("/insight/overdue.csv").content.decode("utf-8-sig")
        english = alice_client.get(
            "/insight/overdue.csv", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(french), delimiter=";"))[1][1:] == ["2", "825,15"]
    assert list(csv.reader(io.StringIO(english)))[1][1:] == ["2", "825.15"]


def test_cli_json_amounts_are_strings_with_two_decimals(company, make_invoice):
    _two_currencies(make_invoice)
    out = io.StringIO()
    call_command(
        "worklist", "--as-of", "2026-06-15", "--format", "json", "--show-not-due", stdout=out
    )
    body = json.loads(out.getvalue())
    assert {i["number"]: i["balance"] for i in body["items"]} == {
        "E1": "725.10",
        "E2": "100.05",
        "G1": "50.00",
    }
    assert body["totals"]["balance"] is None  # two currencies: no grand total
    assert [(t["currency"], t["balance"]) for t in body["totals"]["by_currency"]] == [
        ("EUR", "825.15"),
        ("GBP", "50.00"),
    ]


def test_cli_csv_for_a_french_spreadsheet(company, make_invoice):
    make_invoice(number="E1", amount=Decimal("725.10"), due_date=date(2026, 5, 1), to_remind=True)
    out = io.StringIO()
    call_command(
        "worklist", "--as-of", "2026-06-15", "--format", "csv", "--csv-language", "fr", stdout=out
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows[0]["amount"] == "725,10" and rows[0]["number"] == "E1"
