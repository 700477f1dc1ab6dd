import re

from web.models import UserPreference


def row_numbers(response) -> list[str]:
    html = response.content.decode()
    return re.findall(
        r'<tr data-id="\d+"[^>]*>\s*<td>.*?</td>\s*<td><a [^>]*>([^<]+)</a>', html, re.S
    )


def test_it_requires_login(client, db):
    response = client.get("/relance/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_the_seed_columns_and_rows_in_french(alice_client, seed_docs):
    response = alice_client.get("/relance/")
    html = response.content.decode()
    for label in [
        "Id",
        "Échéance",
        "Retard",
        "Mode pmt",
        "Nom prénom",
        "Nature",
        "Réglé",
        "Solde",
        "%Rgl",
    ]:
        assert label in html
    assert row_numbers(response) == ["9", "3", "5"]
    assert "Pommes de terre Bintje" in html and "DRATEY Daisy" in html
    assert "Relance 1 — À faire" in html


def test_total_row_sums_what_is_shown(alice_client, seed_docs):
    html = alice_client.get("/relance/").content.decode()
    assert 'data-total="amount">775,10<' in html.replace("\u202f", " ").replace("\xa0", " ")


def test_money_and_dates_are_french(alice_client, seed_docs, today):
    html = alice_client.get("/relance/").content.decode()
    assert ">720,00<" in html
    assert today.strftime("%d/%m/%y") not in html  # nothing due today in the seed list
    assert seed_docs["5"].due_date.strftime("%d/%m/%y") in html


def test_period_filter(alice_client, seed_docs):
    response = alice_client.get("/relance/?period=custom&start=2000-01-01&end=2000-01-02")
    assert row_numbers(response) == []
    assert row_numbers(alice_client.get("/relance/?period=90")) == ["9", "3", "5"]


def test_search_and_sort(alice_client, seed_docs):
    assert row_numbers(alice_client.get("/relance/?q=lenty")) == ["3"]
    assert row_numbers(alice_client.get("/relance/?order=amount")) == ["5", "9", "3"]
    assert row_numbers(alice_client.get("/relance/?order=bogus")) == ["9", "3", "5"]


def test_screen_options_are_remembered_per_user(alice_client, alice, seed_docs):
    alice_client.post("/relance/options/", {"hide_direct_debit": "on", "show_not_due": "on"})
    pref = UserPreference.objects.get(user=alice)
    assert pref.hide_direct_debit and pref.show_not_due
    assert row_numbers(alice_client.get("/relance/")) == ["3", "5", "11"]


def test_remove_selected_is_session_only_and_undoable(alice_client, seed_docs):
    ids = [seed_docs["3"].pk, seed_docs["5"].pk]
    response = alice_client.post(
        "/relance/enlever/", {"ids": ids, "next": "/relance/"}, follow=True
    )
    assert row_numbers(response) == ["9"]
    assert "2 pièces enlevées de la liste" in response.content.decode()
    seed_docs["3"].refresh_from_db()
    assert seed_docs["3"].to_remind  # still in the database, unchanged
    response = alice_client.post("/relance/remettre/", {"next": "/relance/"}, follow=True)
    assert row_numbers(response) == ["9", "3", "5"]


def test_removal_does_not_leak_to_another_session(alice_client, client, alice, seed_docs):
    alice_client.post("/relance/enlever/", {"ids": [seed_docs["3"].pk]})
    from django.test import Client

    other = Client()
    other.force_login(alice)
    assert row_numbers(other.get("/relance/")) == ["9", "3", "5"]


def test_expired_quotes_tab(alice_client, seed_docs, company, customer):
    from receivables.models import Quote

    Quote.objects.create(
        company=company,
        customer=customer,
        number="D7",
        issue_date="2026-01-01",
        due_date="2026-01-15",
        amount=100,
        state="expired",
        to_remind=True,
    )
    assert row_numbers(alice_client.get("/relance/?kind=quote")) == ["D7"]


def test_other_company_documents_are_not_listed(alice_client, seed_docs, other_invoice):
    assert "AUTRE-0042" not in row_numbers(alice_client.get("/relance/?kind=invoice"))


def test_viewer_sees_the_list_but_no_send_buttons(viewer_client, seed_docs):
    html = viewer_client.get("/relance/").content.decode()
    assert "Rel mail" not in html and "Lecture seule" in html


def test_htmx_request_gets_only_the_table(alice_client, seed_docs):
    response = alice_client.get("/relance/?period=30", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<table" in html and "<header" not in html


def test_pagination_is_server_side(alice_client, alice, make_invoice, today, policies):
    for i in range(7):
        make_invoice(number=f"P{i}", due_date=today, to_remind=True)
    pref = UserPreference.of(alice)
    pref.page_size = 5
    pref.save()
    first = alice_client.get("/relance/")
    assert len(row_numbers(first)) == 5 and "Page 1 sur 2" in first.content.decode()
    assert len(row_numbers(alice_client.get("/relance/?page=2"))) == 2
