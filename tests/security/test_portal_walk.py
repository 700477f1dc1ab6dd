"""The customer portal is the first page strangers can reach. Walk EVERY portal URL, GET
and POST, with another customer's token (of the same company, and of another company),
with an expired and a revoked token, and with none that exists: nothing of Alice's
customer shows, and nothing of theirs changes."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from portal.models import PortalLink
from portal.tokens import issue_token, revoke
from receivables.models import Customer, Document, Invoice

from .walk import django_routes

SECRET = ("ALICE-CLIENT-SECRET", "ALX-F", "secret@alice-client.example")


@pytest.fixture
def world(company, other_company, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    mine = Customer.objects.create(
        company=company, code="ALX", name="ALICE-CLIENT-SECRET SA", emails=SECRET[2]
    )
    for n in (1, 2):
        Invoice.objects.create(
            company=company, customer=mine, number=f"ALX-F{n}", issue_date=date(2026, 1, 1),
            due_date=date(2026, 1, 31), amount=Decimal("100.00") * n,
        )  # fmt: skip
    neighbour = Customer.objects.create(company=company, code="NB", name="Voisin SARL")
    Invoice.objects.create(
        company=company, customer=neighbour, number="NB-1", issue_date=date(2026, 1, 1),
        due_date=date(2026, 1, 31), amount=Decimal("50.00"),
    )  # fmt: skip
    stranger = Customer.objects.create(company=other_company, code="ST", name="Étranger")
    Invoice.objects.create(
        company=other_company, customer=stranger, number="ST-1", issue_date=date(2026, 1, 1),
        due_date=date(2026, 1, 31), amount=Decimal("70.00"),
    )  # fmt: skip
    token = issue_token(company, mine)
    page = Client().get(f"/p/{token}/").content.decode()
    refs = re.findall(r"/factures/([0-9a-f]{16})/", page)
    assert len(refs) == 2 and "ALX-F1" in page
    expired = issue_token(company, mine)
    PortalLink.objects.filter(customer=mine).exclude(
        pk=PortalLink.objects.order_by("pk").first().pk
    ).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked_customer = Customer.objects.create(company=company, code="RV", name="Révoqué SA")
    revoked = issue_token(company, revoked_customer)
    revoke(company, revoked_customer)
    return {
        "mine": mine,
        "refs": refs,
        "tokens": {
            "neighbour": issue_token(company, neighbour),
            "other company": issue_token(other_company, stranger),
            "expired": expired,
            "revoked": revoked,
            "none": "A" * 32,
        },
    }


def _state(customer):
    docs = Document.objects.filter(customer=customer).order_by("pk")
    return (
        list(docs.values_list("disputed", "promise_date", "block_reason", "stop_reason")),
        Customer.objects.get(pk=customer.pk).awaiting_reply,
    )


def test_every_portal_url_shows_nothing_of_another_customer(world):
    routes = [r for r in django_routes() if r.name.startswith("portal")]
    assert len(routes) >= 8
    before = _state(world["mine"])
    problems = []
    form = {"docs": world["refs"], "promise_date": "2026-12-20", "paid_on": "2026-01-02",
            "amount": "100", "reason": "other", "message": "x", "instalments": "2"}  # fmt: skip
    for route in routes:
        for who, token in world["tokens"].items():
            for ref in [*world["refs"], "0" * 16]:
                path = route.fill({"token": token, "ref": ref})
                for method in ("get", "post"):
                    cache.clear()  # the rate limits are tested on their own
                    client = Client()
                    r = client.post(path, form) if method == "post" else client.get(path)
                    body = (b"".join(r.streaming_content) if r.streaming else r.content).decode(
                        "utf-8", "replace"
                    )
                    if r.status_code >= 500:
                        problems.append(f"{who} {method} {path}: {r.status_code}")
                    if leaked := [s for s in SECRET if s in body]:
                        problems.append(f"{who} {method} {path}: shows {leaked}")
                    dead = who in ("expired", "revoked", "none")
                    if dead and r.status_code not in (404, 405):  # 405: the method, for any token
                        problems.append(f"{who} {method} {path}: {r.status_code}, not 404")
    assert not problems, "\n".join(problems)
    assert _state(world["mine"]) == before


def test_a_dead_token_page_is_the_same_whatever_the_reason(world):
    pages = set()
    for who in ("expired", "revoked", "none"):
        r = Client().get(f"/p/{world['tokens'][who]}/")
        pages.add((r.status_code, r.content))
    assert len(pages) == 1


def test_too_many_requests_from_one_address_or_for_one_link(world):
    cache.clear()
    client = Client()
    for _ in range(20):
        client.get("/p/" + "B" * 32 + "/")  # tokens that lead nowhere
    token = world["tokens"]["neighbour"]
    assert client.get(f"/p/{token}/").status_code == 429  # this address is stopped
    cache.clear()
    statuses = {Client(REMOTE_ADDR=f"10.0.0.{i % 250}").get(f"/p/{token}/").status_code
                for i in range(130)}  # fmt: skip
    assert 429 in statuses  # and one link, whatever the addresses


def test_forms_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    token = world["tokens"]["neighbour"]
    r = client.post(f"/p/{token}/promesse/", {"promise_date": "2026-12-20"})
    assert r.status_code == 403
