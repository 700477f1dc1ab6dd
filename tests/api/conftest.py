"""API fixtures: tokens for Alice (admin), Bob (collector), Vera (viewer), Charlie (other company)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from api.tokens import create_token
from receivables.models import Membership, Role


class Api:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.token = token

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, params=None):
        return self.client.get(path, params or {}, **self._headers())

    def post(self, path, data=None):
        body = json.dumps(data if data is not None else {}, default=str)
        return self.client.post(path, body, content_type="application/json", **self._headers())


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The users of these tests log in with tokens: a slow password hash only costs time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice_token(alice):
    return create_token(alice, "tests")[1]


@pytest.fixture
def api(client, alice_token):
    return Api(client, alice_token)


@pytest.fixture
def anon_api(client):
    return Api(client, None)


@pytest.fixture
def bob_api(client, bob):
    return Api(client, create_token(bob, "tests")[1])


@pytest.fixture
def vera(company):
    user = get_user_model().objects.create_user("vera", password="pw-vera")
    Membership.objects.create(user=user, company=company, role=Role.VIEWER)
    return user


@pytest.fixture
def viewer_api(client, vera):
    return Api(client, create_token(vera, "tests")[1])


@pytest.fixture
def charlie_api(client, charlie):
    return Api(client, create_token(charlie, "tests")[1])


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] == code, body
    assert body["message"]
    assert isinstance(body["details"], list)
    return body


AS_OF = "2026-03-10"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def dunning_company(company, media):
    from dunning.policies import ensure_default_policies
    from reminders.defaults import ensure_default_templates

    company.email = "compta@alice.example"
    company.address = "1 place du Marché\n35000 Rennes"
    company.save()
    ensure_default_policies(company)
    ensure_default_templates(company)
    return company


@pytest.fixture
def overdue(dunning_company, customer, make_invoice):
    """Two invoices of ANYWAY SARL 10 days late on AS_OF and one of a customer without
    e-mail; the scan has not run yet."""
    from datetime import date
    from decimal import Decimal

    from receivables.models import Customer

    silent = Customer.objects.create(company=dunning_company, code="NOMAIL", name="Sans Mail")
    due = date(2026, 2, 28)
    return {
        "a": make_invoice(number="A-1", due_date=due, amount=Decimal("720.00")),
        "b": make_invoice(number="A-2", due_date=due, amount=Decimal("5.10")),
        "c": make_invoice(number="N-1", due_date=due, customer=silent),
    }


@pytest.fixture
def worklist_ready():
    pytest.importorskip("receivables.worklist", reason="the worklist query comes with the screens")
