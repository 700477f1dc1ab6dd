import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from dunning.scan import scan
from receivables.models import Allocation, Customer, Document, Payment
from relance.demo import DEMO_USERNAME, load_demo
from reminders.models import Batch, Reminder, ReminderDocument, ReminderState

TODAY = date(2026, 3, 15)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the history's invoice PDFs and printed letters


def _counts():
    return (
        Customer.objects.count(),
        Document.objects.count(),
        Payment.objects.count(),
        Allocation.objects.count(),
    )


def _history():
    reminders = Reminder.objects.order_by("pk").values_list("pk", "state", "sent_at")
    documents = Document.objects.order_by("pk").values_list(
        "pk", "dunning_level", "reminder_count", "last_reminder_date", "pending_level"
    )
    return list(reminders), list(documents)


def test_demo_loads_every_case_and_loading_again_changes_nothing(db):
    today = TODAY
    company = load_demo(today, generated=True)
    first, history = _counts(), _history()
    load_demo(today, generated=True)
    assert _counts() == first and 180 <= sum(first[:3]) <= 260
    assert _history() == history
    docs = Document.objects.for_company(company)
    seed = docs.get(number="5")
    assert (seed.amount, seed.customer.name, seed.due_date) == (
        Decimal("5.10"),
        "ANYWAY SARL",
        today - timedelta(days=2),
    )
    invoices = docs.filter(kind="invoice")
    assert invoices.filter(state="paid").exists()
    assert invoices.filter(state="open", paid_amount__gt=0).exists()
    assert invoices.filter(payment_method="direct_debit").exists()
    assert invoices.filter(due_date__gt=today).exists()
    assert invoices.filter(disputed=True).exists()
    assert docs.filter(kind="credit_note").exists()
    assert docs.filter(kind="quote", state="expired").exists()
    assert docs.filter(kind="quote", state="open", due_date__lt=today).exists()
    customers = Customer.objects.for_company(company)
    assert customers.filter(emails="").exists() and customers.filter(address="").exists()
    assert customers.filter(is_business=False).exists()


def test_the_scanned_demo_shows_the_procedure_at_work_with_a_consistent_history(db, client):
    """One load for three views of it (a load prints PDFs: seconds): the worklist after
    the morning scan, each document's past reminders, and a customer's file."""
    from django.contrib.auth import get_user_model

    company = load_demo(TODAY, generated=True)
    scan(company, as_of=TODAY, report=False)
    invoices = Document.objects.for_company(company).filter(kind="invoice")
    pending = Counter(invoices.filter(to_remind=True).values_list("pending_level", flat=True))
    # courtesy, Relance 1, Relance 2, phone call, formal notice: each waits on the worklist
    assert set(pending) == {1, 2, 3, 4, 5}, pending
    assert invoices.filter(stop_reason="done").exists()  # and some went all the way
    for number in ("3", "5"):  # the guided tour's invoices: no history, courtesy first
        seed = invoices.get(number=number)
        assert (seed.reminder_count, seed.dunning_level, seed.pending_level) == (0, 0, 1)
        assert not seed.reminder_links.exists()

    reminded = invoices.filter(reminder_count__gt=0)
    assert reminded.count() >= 30
    for doc in reminded:
        links = (
            ReminderDocument.objects.filter(document=doc, live=True)
            .select_related("reminder")
            .order_by("reminder__sent_at")
        )
        # one reminder per level, in order, each sent on a past day of its own
        assert [link.level_rank for link in links] == list(range(1, doc.dunning_level + 1))
        assert doc.reminder_count == len(links)
        sent = [link.reminder for link in links]
        assert all(r.state == ReminderState.SENT for r in sent)
        days = [company.today(r.sent_at) for r in sent]
        assert days == sorted(set(days)) and days[-1] < TODAY
        assert doc.last_reminder_date == days[-1]
        assert days[0] >= doc.due_date - timedelta(days=3)  # not before the courtesy date
    rows = Reminder.objects.for_company(company)
    assert {r.channel for r in rows} == {"email", "firm_email", "phone", "letter"}
    for row in rows.exclude(channel="phone"):  # the words as they went out
        assert row.subject and row.recipient and (row.body_text or row.body_html)
        assert not row.words_pending
    emails = rows.filter(channel__in=["email", "firm_email"])
    assert all(r.message_id and r.attachments.exists() for r in emails)
    batches = Batch.objects.for_company(company)
    assert not batches.exclude(state="done").exists()
    letters = batches.filter(reminders__channel="letter").distinct()
    assert letters and all(b.letters_pdf and b.letters_pages for b in letters)  # printed

    client.force_login(get_user_model().objects.get(username=DEMO_USERNAME))
    done = invoices.filter(dunning_level=5).first()
    page = client.get(reverse("customer_detail", args=[done.customer_id])).content.decode()
    for level in ("Rappel de courtoisie", "Relance 1", "Relance 2", "Appel", "Mise en demeure"):
        assert level in page

    # Reminders worked, some of the time: the dashboard's effectiveness is not 0 % and
    # its CSV explains it (per level: reminders judged at 7 days, of which paid).
    with time_machine.travel(datetime(2026, 3, 15, 12, tzinfo=company.zone), tick=False):
        text = client.get(reverse("insight:csv", args=["effectiveness"])).content.decode()
    text = text.lstrip("\ufeff")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;")
    rows = list(csv.reader(io.StringIO(text), dialect))
    by_level = {int(r[0]): r for r in rows[1:]}
    assert set(by_level) == {1, 2, 3, 4, 5}, rows
    judged_7, paid_7 = int(by_level[1][2]), int(by_level[1][3])
    assert judged_7 > 0 and 0 < paid_7 < judged_7, rows  # not 0 %, not every one either
    paid_after = Document.objects.filter(state="paid", reminder_links__isnull=False).distinct()
    assert paid_after.count() >= 10
    names = list(Customer.objects.for_company(company).values_list("name", flat=True))
    assert len(names) == len(set(names))  # one « Boulangerie Thomas », not three
