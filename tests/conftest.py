"""Shared fixtures: Alice's company, Bob on Alice's team, Charlie in another company."""

import os
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from receivables.models import Company, Customer, Invoice, Membership, Role


@pytest.fixture(autouse=True)
def default_language(monkeypatch):
    """Each test starts in French: a request in English leaves its thread in English, and
    the console script follows the terminal's LANG (relance.cli), whatever the machine's."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def company(db):
    return Company.objects.create(name="Alice SARL", iban="FR7630006000011234567890189")


@pytest.fixture
def other_company(db):
    return Company.objects.create(name="Charlie SA")


def _user(username, company, role):
    user = get_user_model().objects.create_user(username, password="pw-" + username)
    Membership.objects.create(user=user, company=company, role=role)
    return user


@pytest.fixture
def alice(company):
    return _user("alice", company, Role.ADMIN)


@pytest.fixture
def bob(company):
    return _user("bob", company, Role.COLLECTOR)


@pytest.fixture
def charlie(other_company):
    return _user("charlie", other_company, Role.ADMIN)


@pytest.fixture
def customer(company):
    return Customer.objects.create(
        company=company,
        code="C1",
        name="ANYWAY SARL",
        contact_name="DRATEY Daisy",
        emails="daisy@anyway.example",
        address="3 rue de Paris",
        postal_code="35000",
        city="Rennes",
    )


@pytest.fixture
def make_invoice(company, customer):
    counter = iter(range(1, 10**6))

    def make(**kwargs):
        fields = dict(
            company=company,
            customer=customer,
            number=f"F{next(counter):05d}",
            issue_date=date(2026, 1, 1),
            due_date=date(2026, 1, 31),
            amount=Decimal("100.00"),
            description="Livraison",
        )
        fields.update(kwargs)
        return Invoice.objects.create(**fields)

    return make


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


REDIS_SERVER = os.environ.get("RELANCE_TEST_REDIS_URL", "redis://127.0.0.1:6379")


@pytest.fixture
def redis_url():
    """A Redis database of this test's own, for tests that run RQ workers: test runs side
    by side on one machine (two checkouts, both databases) would otherwise take each
    other's jobs. Claims the first free database 1-15 with a lock key, empties its RQ
    keys; skips when no Redis answers."""
    redis = pytest.importorskip("redis")
    base = urlsplit(REDIS_SERVER)
    for n in range(1, 16):
        url = urlunsplit(base._replace(path=f"/{n}"))
        conn = redis.Redis.from_url(url, socket_timeout=2)
        try:
            claimed = conn.set(REDIS_LOCK, os.getpid(), nx=True, ex=900)
        except redis.exceptions.ConnectionError:
            pytest.skip(f"no Redis at {REDIS_SERVER}")
        if claimed:
            break
    else:
        pytest.skip("no free Redis database (1-15)")
    _drop_rq_keys(conn)
    yield url
    _drop_rq_keys(conn)
    conn.delete(REDIS_LOCK)


REDIS_LOCK = "relance:test-lock"


def _drop_rq_keys(conn) -> None:
    for key in conn.scan_iter("rq:*"):
        conn.delete(key)
