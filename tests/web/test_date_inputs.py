"""Every date field is typed day first, as the worklist's period is: « jj/mm/aaaa » in
French, « dd/mm/yyyy » in English — never the browser's own month-first picker."""

import re
from datetime import date

import pytest


@pytest.fixture
def doc(seed_docs):
    return seed_docs["3"]


def _date_inputs(html: str) -> list[str]:
    return re.findall(r'<input[^>]*name="(?:blocked_until|promise_date)"[^>]*>', html)


def test_the_invoice_page_asks_for_dates_day_first(alice_client, doc):
    html = alice_client.get(f"/pieces/{doc.pk}/").content.decode()
    inputs = _date_inputs(html)
    assert len(inputs) == 2
    for tag in inputs:
        assert 'type="text"' in tag and 'placeholder="jj/mm/aaaa"' in tag


def test_a_date_typed_day_first_is_read_day_first_in_both_languages(alice_client, doc):
    alice_client.post(f"/pieces/{doc.pk}/blocage/", {"promise_date": "10/02/2027"})
    doc.refresh_from_db()
    assert doc.promise_date == date(2027, 2, 10)
    html = alice_client.get(f"/pieces/{doc.pk}/").content.decode()
    assert 'value="10/02/2027"' in html  # shown back as typed

    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = alice_client.get(f"/pieces/{doc.pk}/").content.decode()
    assert all('placeholder="dd/mm/yyyy"' in tag for tag in _date_inputs(html))
    alice_client.post(f"/pieces/{doc.pk}/blocage/", {"promise_date": "03/04/2027"})
    doc.refresh_from_db()
    assert doc.promise_date == date(2027, 4, 3)  # 3 April, not March 4


def test_the_customer_file_and_call_form_too(alice_client, customer, seed_docs):
    html = alice_client.get(f"/clients/{customer.pk}/").content.decode()
    assert 'type="date"' not in html and "jj/mm/aaaa" in html
