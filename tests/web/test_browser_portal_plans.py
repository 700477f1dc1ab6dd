"""The portal of a customer with an accepted payment plan, in Debian's chromium: the
instalments with their dates, amounts and states, in French and in English, on a laptop
and on a phone (375 px: nothing wider than the screen). SCREENSHOTS_PORTAL=DIR saves
the screenshots (e.g. /work/notes/shots/h20)."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from portal.plans import decide, request_plan
from portal.tokens import issue_token, resolve
from receivables.models import Customer, Document
from tests.reminders.conftest import dunning_setup, late_invoice, media  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOTS_PORTAL")


def _planned(company, late_invoice, customer=None):  # noqa: F811
    extra = {"customer": customer} if customer else {}
    docs = [late_invoice(number=f"P{n}-{customer.pk if customer else 0}", **extra)
            for n in (1, 2)]  # fmt: skip
    token = issue_token(company, docs[0].customer)
    plan = request_plan(resolve(token), 3, "", "198.51.100.2")
    decide(plan, True, get_user_model().objects.create_user(f"u{plan.pk}"))
    Document.objects.filter(pk=docs[0].pk).update(paid_amount=plan.instalments.first().amount)
    return token


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_instalments_read_well_on_a_laptop_and_a_phone(
    browser,
    live_server,
    company,
    late_invoice,  # noqa: F811
    language,
):
    customer = Customer.objects.create(
        company=company, code="C-PLAN", name="LENTY Sarah", emails="sarah@lenty.example",
        language=language,
    )  # fmt: skip
    token = _planned(company, late_invoice, customer)
    for width in (1366, 375):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/p/{token}/")
        table = page.locator("table.instalments")
        assert table.locator("tbody tr").count() == 3
        first = table.locator("tbody tr").first
        assert first.get_attribute("class") == "paid"
        paid, to_come = {"fr": ("payée", "à venir"), "en": ("paid", "to come")}[language]
        assert paid in first.inner_text()
        assert to_come in table.locator("tbody tr").last.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            path = Path(SHOTS) / f"portal-plan-{language}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
        context.close()
    assert Decimal("0") < sum(d.balance for d in Document.objects.filter(customer=customer))
