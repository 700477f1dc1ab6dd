"""An accepted payment plan, as the engine chases it: the instalments' dates and amounts
instead of the invoices' own, and a missed instalment that breaks the plan."""

import re
from datetime import date
from decimal import Decimal

import time_machine

from dunning.models import PlanPart
from dunning.scan import scan
from inbox.models import InboundMessage
from portal.models import PaymentPlan, PlanState, PortalSettings
from portal.plans import decide, request_plan, shares
from portal.tokens import resolve
from receivables.models import Document
from reminders.preview import preview_batch
from reminders.runs import daily_run

D = Decimal


def test_instalments_pay_the_oldest_invoice_first():
    rows = shares([D("720"), D("240")], [(1, D("320")), (2, D("320")), (3, D("320"))])
    assert rows == [
        [(1, D("320"), D("400")), (2, D("320"), D("80")), (3, D("80"), D("0"))],
        [(3, D("240"), D("0"))],
    ]


def _accepted(token, two_invoices, alice):
    Document.objects.filter(pk__in=[d.pk for d in two_invoices]).update(dunning_level=1)
    plan = request_plan(resolve(token), 3, "", "198.51.100.2")
    assert decide(plan, True, alice)
    return plan, [Document.objects.get(pk=d.pk) for d in two_invoices]


def _doc(doc):
    return Document.objects.get(pk=doc.pk)


def test_an_instalment_not_yet_due_brings_no_reminder(token, two_invoices, alice, on_day):
    plan, (first, second) = _accepted(token, two_invoices, alice)
    days = [i.due_date for i in plan.instalments.all()]
    assert days == [date(2026, 4, 9), date(2026, 5, 9), date(2026, 6, 8)]
    # both invoices are long past their own due dates, yet nothing is due on 10 March:
    # the next level (« Relance 1 », 7 days) comes 7 days after the first instalment
    assert (first.to_remind, first.stop_reason, first.next_action_date) == (
        False, "", date(2026, 4, 16),
    )  # fmt: skip
    assert (second.to_remind, second.next_action_date) == (False, date(2026, 6, 15))
    assert PlanPart.objects.filter(document=second).count() == 1  # the last instalment only


def test_a_late_instalment_is_reminded_for_its_amount_not_the_whole_balance(
    token, two_invoices, alice, on_day, company
):
    _accepted(token, two_invoices, alice)
    scan(company, date(2026, 4, 16))
    first = _doc(two_invoices[0])
    assert (first.to_remind, first.pending_level) == (True, 2)
    assert not _doc(two_invoices[1]).to_remind
    msg = preview_batch(company, [first.pk], as_of=date(2026, 4, 16)).messages[0]
    text = msg.body_text
    assert "320,00" in text and "720,00" not in text, text
    assert "échéance 9 avril 2026" in text and "28 février" not in text  # the instalment
    # paid: nothing until the second instalment (9 May) is a week late
    Document.objects.filter(pk=first.pk).update(paid_amount=D("320.00"))
    scan(company, date(2026, 4, 20))
    first = _doc(first)
    assert (first.to_remind, first.next_action_date) == (False, date(2026, 5, 16))


def test_a_missed_instalment_breaks_the_plan_and_says_so(
    token, two_invoices, alice, on_day, company
):
    PortalSettings.objects.filter(company=company).update(plan_break_days=10)
    plan, _docs = _accepted(token, two_invoices, alice)
    daily_run(company, as_of=date(2026, 4, 18), send=False)  # 9 days late: still holds
    assert PaymentPlan.objects.get().state == PlanState.ACCEPTED
    report = daily_run(company, as_of=date(2026, 4, 19), send=False)
    assert PaymentPlan.objects.get().state == PlanState.BROKEN
    assert not PlanPart.objects.exists()
    row = InboundMessage.objects.filter(subject__startswith="Échéancier rompu").get()
    assert "F2026-001" in row.subject and "960.00" in row.body_text
    # chased again in full, on their own due dates: both are to remind at once
    for doc in two_invoices:
        assert _doc(doc).to_remind
    assert report.to_remind == 2
    msg = preview_batch(company, [two_invoices[0].pk], as_of=date(2026, 4, 19)).messages[0]
    assert "720,00" in msg.body_text


def test_the_portal_shows_each_instalment_paid_late_or_to_come(
    client, token, two_invoices, alice, on_day
):
    _accepted(token, two_invoices, alice)
    Document.objects.filter(pk=two_invoices[0].pk).update(paid_amount=D("320.00"))
    with time_machine.travel("2026-05-12 10:00 +02:00", tick=False):
        page = client.get(f"/p/{token}/").content.decode()
    rows = re.findall(r'<tr class="(\w*)"><td>([\d/]+)</td><td class="num">([^<]+)</td>', page)
    assert [(state, day) for state, day, _amount in rows] == [
        ("paid", "09/04/26"), ("late", "09/05/26"), ("", "08/06/26"),
    ]  # fmt: skip
    assert "320,00" in rows[1][2] and "en retard" in page and "à venir" in page
