"""The portal's date fields are typed day first, as on every screen (the calendar beside
them writes jj/mm/aaaa); the ISO dates an older page or a script posts still count."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from inbox.models import InboundMessage
from receivables.models import Document


def test_a_promise_typed_day_first_is_recorded(client, token, two_invoices, on_day):
    r = client.post(reverse("portal_promise", args=[token]), {"promise_date": "25/03/2026"})
    assert r.status_code == 302 and "fait=promise" in r["Location"]
    assert Document.objects.get(pk=two_invoices[0].pk).promise_date == date(2026, 3, 25)


def test_a_payment_date_typed_day_first_with_a_short_year(client, token, two_invoices, on_day):
    r = client.post(
        reverse("portal_paid", args=[token]), {"paid_on": "08/03/26", "amount": "960,00"}
    )
    assert r.status_code == 302
    assert InboundMessage.objects.get().paid_on == date(2026, 3, 8)
    assert InboundMessage.objects.get().paid_amount == Decimal("960.00")


def test_a_date_that_is_not_a_day_is_refused_and_shown_back(client, token, two_invoices, on_day):
    r = client.post(reverse("portal_promise", args=[token]), {"promise_date": "31/02/2026"})
    page = r.content.decode()
    assert r.status_code == 400 and 'value="31/02/2026"' in page and 'aria-invalid="true"' in page
    assert not Document.objects.filter(promise_date__isnull=False).exists()


def test_the_page_offers_the_calendar_with_the_days_the_company_accepts(client, token, on_day):
    page = client.get(f"/p/{token}/").content.decode()
    assert page.count("data-datepicker") == 2
    assert 'data-min="2026-03-11"' in page and 'data-max="2026-03-10"' in page
    assert "flatpickr-4.6.13/flatpickr.min.js" in page and "flatpickr-4.6.13/fr.js" in page
