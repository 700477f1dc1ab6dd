"""The customers list as a bookkeeper reads it: names in dictionary order whatever the
accents and case, and the « Relances » column saying how many reminders went out."""

import re
from datetime import datetime

from receivables.models import Customer
from reminders.models import Reminder, ReminderState


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/clients/\d+/">([^<]+)</a>', html)


def test_names_sort_like_a_dictionary_accents_and_case_aside(alice_client, company):
    for code, name in [
        ("T", "Tartines &amp; Co"),
        ("E1", "Épicerie Robert"),
        ("E2", "epicerie Alain"),
        ("Z", "Zèbre Garage"),
        ("A", "Ateliers Durand"),
    ]:
        Customer.objects.create(company=company, code=code, name=name.replace("&amp;", "&"))
    html = alice_client.get("/clients/").content.decode()
    assert _names(html) == [
        "Ateliers Durand",
        "epicerie Alain",
        "Épicerie Robert",
        "Tartines &amp; Co",
        "Zèbre Garage",
    ]
    html = alice_client.get("/clients/?order=-name").content.decode()
    assert _names(html)[:2] == ["Zèbre Garage", "Tartines &amp; Co"]


def test_the_reminders_column_counts_the_sent_ones_and_dates_the_last(
    alice_client, company, customer
):
    quiet = Customer.objects.create(company=company, code="Q", name="Quiet SARL")
    for day, state in [(3, ReminderState.SENT), (10, ReminderState.SENT), (12, "failed")]:
        Reminder.objects.create(
            company=company,
            customer=customer,
            channel="email",
            state=state,
            sent_at=datetime(2026, 2, day, 9, tzinfo=company.zone)
            if state == ReminderState.SENT
            else None,
        )
    html = alice_client.get("/clients/").content.decode()
    row = re.search(rf"{customer.name}</a>.*?</tr>", html, re.S).group(0)
    assert "2 · 10/02/2026" in row  # two sent, the failed one does not count
    quiet_row = re.search(rf"{quiet.name}</a>.*?</tr>", html, re.S).group(0)
    assert "·" not in quiet_row
