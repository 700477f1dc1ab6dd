from datetime import date, timedelta
from decimal import Decimal

from receivables.models import Customer


def test_customer_list_shows_open_balance(alice_client, seed_docs):
    html = (
        alice_client.get("/clients/").content.decode().replace("\u202f", " ").replace("\xa0", " ")
    )
    assert "ANYWAY SARL" in html and "720,00 €" in html


def test_customer_list_is_scoped(alice_client, other_invoice, seed_docs):
    assert "Other Co" not in alice_client.get("/clients/").content.decode()


def test_two_currencies_are_never_added_on_the_customer_file_and_list(
    alice_client, customer, make_invoice, today
):
    make_invoice(number="E", due_date=today - timedelta(days=10), amount=Decimal("100.00"))
    make_invoice(
        number="G", due_date=today - timedelta(days=10), amount=Decimal("50.00"), currency="GBP"
    )
    page = alice_client.get(f"/clients/{customer.pk}/").content.decode().replace("\xa0", " ")
    card = page.split('id="aging"', 1)[1].split("</table>", 1)[0]
    total = card.split("Total", 1)[1].split("</tr>", 1)[0]
    assert "100,00 €" in total and "50,00 £GB" in total and "150,00" not in card
    listing = alice_client.get("/clients/").content.decode().replace("\xa0", " ")
    row = listing.split("ANYWAY SARL", 1)[1].split("</tr>", 1)[0]
    assert "100,00 €" in row and "50,00 £GB" in row and "150,00" not in row


def test_customer_file_aging_buckets(alice_client, customer, make_invoice, today):
    make_invoice(number="A", due_date=today - timedelta(days=10), amount=Decimal("10"))
    make_invoice(number="B", due_date=today - timedelta(days=45), amount=Decimal("20"))
    make_invoice(number="C", due_date=today - timedelta(days=120), amount=Decimal("40"))
    make_invoice(number="D", due_date=today + timedelta(days=5), amount=Decimal("80"))
    response = alice_client.get(f"/clients/{customer.pk}/")
    aging = {label: dict(values)["EUR"] for label, values in response.context["aging"]["rows"]}
    assert aging["Non échu"] == Decimal("80")
    assert aging["1–30 j"] == Decimal("10")
    assert aging["31–60 j"] == Decimal("20")
    assert aging["61–90 j"] == Decimal("0")
    assert aging["> 90 j"] == Decimal("40")
    assert aging["Total"] == Decimal("150")
    assert "daisy@anyway.example" in response.content.decode()


def test_customer_of_another_company_is_404(alice_client, other_invoice):
    assert alice_client.get(f"/clients/{other_invoice.customer_id}/").status_code == 404


def test_notes_block_and_promise(alice_client, customer, seed_docs):
    alice_client.post(f"/clients/{customer.pk}/notes/", {"notes": "Rappeler le mardi"})
    alice_client.post(
        f"/clients/{customer.pk}/blocage/",
        {
            "no_reminders": "on",
            "no_reminders_reason": "Litige livraison",
            "blocked_until": "2026-12-31",
        },
    )
    alice_client.post(
        f"/clients/{customer.pk}/promesse/",
        {"ids": [seed_docs["5"].pk], "promise_date": "2026-12-15"},
    )
    customer.refresh_from_db()
    seed_docs["5"].refresh_from_db()
    assert customer.notes == "Rappeler le mardi"
    assert customer.no_reminders and customer.blocked_until == date(2026, 12, 31)
    assert seed_docs["5"].promise_date == date(2026, 12, 15)


def test_block_needs_a_reason(alice_client, customer):
    response = alice_client.post(
        f"/clients/{customer.pk}/blocage/", {"no_reminders": "on"}, follow=True
    )
    assert "Indiquez le motif" in response.content.decode()
    customer.refresh_from_db()
    assert not customer.no_reminders


def test_promise_cannot_touch_another_customers_documents(alice_client, company, seed_docs):
    other = Customer.objects.create(company=company, code="Z", name="Z")
    alice_client.post(
        f"/clients/{other.pk}/promesse/", {"ids": [seed_docs["5"].pk], "promise_date": "2026-12-15"}
    )
    seed_docs["5"].refresh_from_db()
    assert seed_docs["5"].promise_date is None


def test_viewer_cannot_edit_notes(viewer_client, customer):
    assert viewer_client.post(f"/clients/{customer.pk}/notes/", {"notes": "x"}).status_code == 403
