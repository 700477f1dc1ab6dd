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
