"""What a customer does on the portal, as the collector and the engine then see it."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

from django.urls import reverse

from banking.services import said_paid
from dunning.scan import scan
from inbox.models import InboundMessage, Outcome
from portal.models import PaymentPlan, PlanState, PortalSettings
from portal.plans import decide
from receivables.models import Document


def _refs(client, token):
    return re.findall(r"/factures/([0-9a-f]{16})/", client.get(f"/p/{token}/").content.decode())


def test_a_promise_holds_the_reminders_until_its_date(client, token, two_invoices, on_day):
    r = client.post(
        reverse("portal_promise", args=[token]),
        {"promise_date": "2026-03-25"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert r.status_code == 302 and "fait=promise" in r["Location"]
    for doc in Document.objects.filter(pk__in=[d.pk for d in two_invoices]):
        assert doc.promise_date == date(2026, 3, 25)
        assert (doc.stop_reason, doc.to_remind) == ("promise", False)
    row = InboundMessage.objects.get()
    assert row.outcome == Outcome.PROMISE and "203.0.113.7" in row.sender
    assert "F2026-001" in row.subject and row.mailbox is None
    page = client.get(r["Location"]).content.decode()
    assert "engagement est enregistré" in page and "paiement promis le 25/03/26" in page
    scan(two_invoices[0].company, date(2026, 3, 26))  # the promise is broken: reminders resume
    assert Document.objects.get(pk=two_invoices[0].pk).to_remind


def test_a_promise_beyond_the_horizon_is_refused(client, token, company, on_day):
    PortalSettings.objects.filter(company=company).update(promise_days=10)
    r = client.post(reverse("portal_promise", args=[token]), {"promise_date": "2026-03-25"})
    assert r.status_code == 400 and "20/03/2026" in r.content.decode()
    assert not Document.objects.filter(promise_date__isnull=False).exists()


def test_a_dispute_on_one_invoice_stops_it_and_waits_for_a_collector(
    client, token, two_invoices, on_day
):
    first = _refs(client, token)[0]
    proof = io.BytesIO(b"%PDF-1.4 bon de livraison %%EOF")
    proof.name = "bon.pdf"
    r = client.post(
        reverse("portal_dispute", args=[token]),
        {"docs": [first], "reason": "not_received", "message": "Jamais livré", "file": proof},
    )
    assert r.status_code == 302
    disputed = Document.objects.get(disputed=True)
    assert disputed.number == "F2026-001" and disputed.block_reason.startswith("Marchandise")
    assert not Document.objects.get(number="F2026-002").disputed
    message = InboundMessage.objects.to_handle().get()  # in « Réponses »
    assert message.body_text == "Jamais livré" and message.files.get().mimetype == "application/pdf"
    assert disputed.stop_reason == "disputed"  # the dispute stop, on that invoice only
    assert Document.objects.get(number="F2026-002").stop_reason != "disputed"


def test_only_pdf_png_or_jpeg_files_under_5_mb(client, token, on_day):
    for name, content in (
        ("x.html", b"<script>alert(1)</script>"),
        ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024)),
    ):
        upload = io.BytesIO(content)
        upload.name = name
        r = client.post(
            reverse("portal_dispute", args=[token]),
            {"reason": "other", "message": "x", "file": upload},
        )
        assert r.status_code == 400
    assert (
        not InboundMessage.objects.exists() and not Document.objects.filter(disputed=True).exists()
    )


def test_i_have_paid_pauses_and_is_a_hint_for_the_bank_matching(
    client, token, company, two_invoices, on_day
):
    r = client.post(
        reverse("portal_paid", args=[token]),
        {"paid_on": "2026-03-08", "amount": "960,00"},
    )
    assert r.status_code == 302
    doc = Document.objects.get(pk=two_invoices[0].pk)
    assert (doc.stop_reason, doc.to_remind) == ("reply", False)
    assert said_paid(company) == {Decimal("960.00"): (doc.customer_id,)}
    assert InboundMessage.objects.to_handle().get().paid_amount == Decimal("960.00")


def test_a_payment_plan_within_the_limits_then_accepted(
    client, token, company, two_invoices, alice, on_day
):
    r = client.post(reverse("portal_plan", args=[token]), {"instalments": "5"})
    assert r.status_code == 400  # the company allows 3
    r = client.post(reverse("portal_plan", args=[token]), {"instalments": "3"})
    assert r.status_code == 302
    plan = PaymentPlan.objects.get()
    amounts = [i.amount for i in plan.instalments.all()]
    assert sum(amounts) == Decimal("960.00") and amounts[0] == Decimal("320.00")
    days = [i.due_date for i in plan.instalments.all()]
    assert days[-1] <= on_day + timedelta(days=90)
    assert decide(plan, True, alice) and not decide(plan, False, alice)
    plan.refresh_from_db()
    assert plan.state == PlanState.ACCEPTED
    doc = Document.objects.get(pk=two_invoices[0].pk)
    # the engine chases the instalments now (tests/portal/test_plan_engine.py), not a
    # promise until the first one: nothing is due before the first instalment
    assert doc.promise_date is None and not doc.to_remind
    assert doc.next_action_date >= days[0] - timedelta(days=3)
    page = client.get(f"/p/{token}/").content.decode()
    assert "320,00" in page and "accepté" in page
    # a plan in force: no second request offered, and one posted anyway is refused
    assert reverse("portal_plan", args=[token]) not in page
    r = client.post(reverse("portal_plan", args=[token]), {"instalments": "2"})
    assert r.status_code == 400 and PaymentPlan.objects.count() == 1
