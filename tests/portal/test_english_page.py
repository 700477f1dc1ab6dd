"""The portal in the customer's language: an English customer reads English typography
(no space before « : »), English dates (babel's medium format: 28 Feb 2026) and the
default levels' English names; a French customer reads the page as before."""

import html
import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from reminders.models import Reminder, ReminderState


@pytest.fixture
def one_sent(two_invoices):
    doc = two_invoices[0]
    return Reminder.objects.create(
        company=doc.company, customer=doc.customer, channel="email", level_name="Relance 1",
        state=ReminderState.SENT, sent_at=datetime(2026, 3, 8, 9, tzinfo=UTC),
    )  # fmt: skip


def _text(page: str) -> str:
    body = page.split("<main", 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_an_english_customer_reads_english_dates_punctuation_and_levels(
    client, token, two_invoices, one_sent
):
    customer = two_invoices[0].customer
    customer.language = "en"
    customer.save()
    text = _text(client.get(reverse("portal", args=[token])).content.decode())
    assert "28 Feb 2026" in text and "28/02/26" not in text  # the first invoice's due date
    assert "10 Mar 2026" in text  # « Position as of »
    assert "8 Mar 2026 · Reminder 1" in text and "Relance 1" not in text
    assert re.search(r"\w :", text) is None, re.findall(r".{30}\w :.{10}", text)
    assert "Beneficiary: " in text and "Amount: " in text


def test_a_french_customer_reads_the_page_as_before(client, token, two_invoices, one_sent):
    text = _text(client.get(reverse("portal", args=[token])).content.decode())
    assert "28/02/26" in text and "Situation au 10/03/2026" in text
    assert "08/03/26 · Relance 1" in text
    assert "Bénéficiaire : " in text and "Montant : " in text
