def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_home_shows_company_name(alice_client):
    response = alice_client.get("/")
    assert "Alice SARL" in response.content.decode()


def test_demo_loads_and_is_idempotent(db):
    from datetime import date

    from receivables.models import Invoice
    from relance.demo import load_demo

    company = load_demo(date(2026, 11, 23))
    load_demo(date(2026, 11, 23))
    seeds = Invoice.objects.for_company(company).filter(number__in=["3", "5"])
    assert {i.days_late(date(2026, 11, 23)) for i in seeds} == {2, 7}


def test_a_fresh_demo_opens_on_the_seed_invoices_to_remind(client, db):
    """`make demo` loads the data then shows the worklist: no scheduler has run yet, so
    the command itself must leave the seed's two late invoices "to remind"."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_demo", "--seed-only", stdout=out)
    assert "2 document(s) to remind" in out.getvalue()
    client.post("/accounts/login/", {"username": "demo", "password": "demo-relance"})
    response = client.get("/relance/")
    assert sorted(d.number for d in response.context["rows"]) == ["3", "5"]
    assert "Rien à relancer" not in response.content.decode()


def test_the_browsers_favicon_request_finds_our_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg") and "favicon" in response["Location"]
