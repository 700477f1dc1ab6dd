"""/healthz reports each company's reply mailbox: last fetch, last error (as a kind, never
the server's words), stale when the fetch task stopped, and no secret of the mailbox."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dunning.scan import scan
from inbox.fetch import fetch_mailbox
from inbox.models import Mailbox, Security


@pytest.fixture
def box(company):
    scan(company)  # the scan check stays green: only the mailbox is looked at
    box = Mailbox(
        company=company,
        host="imap.secret-host.example",
        port=1,
        security=Security.NONE,
        login="alice-login@secret-host.example",
    )
    box.password = "hunter2-secret"
    box.save()
    return box


def _body(client):
    response = client.get("/healthz")
    text = response.content.decode()
    for secret in ("secret-host", "alice-login", "hunter2", "Alice SARL"):
        assert secret not in text
    return response.status_code, response.json()


def test_a_mailbox_fetched_recently_is_ok(client, box, company):
    Mailbox.objects.filter(pk=box.pk).update(last_ok_at=timezone.now() - timedelta(minutes=4))
    status, body = _body(client)
    assert status == 200
    [entry] = body["checks"]["mailboxes"]["last"]
    assert (entry["company"], entry["state"]) == (company.pk, "ok")
    assert 230 <= entry["age_seconds"] <= 300 and entry["last_fetch"]


def test_a_mailbox_whose_server_refuses_is_listed_with_the_kind_of_error(client, box, company):
    report = fetch_mailbox(box, force=True)  # a real connection to a closed port
    assert report.error
    status, body = _body(client)
    assert status == 200  # one company's setting does not take the web servers down
    figures = body["checks"]["mailboxes"]
    assert figures["failing"] == 1 and figures["stale"] == 0
    [entry] = figures["last"]
    assert entry["state"] == "failing" and entry["failures"] == 1
    assert entry["last_error"] == "connection" and entry["next_try"]


def test_a_refused_login_says_login_and_not_the_servers_words(client, box):
    Mailbox.objects.filter(pk=box.pk).update(
        failures=3,
        last_error="b'[AUTHENTICATIONFAILED] LOGIN failed for alice-login@secret-host.example'",
    )
    status, body = _body(client)
    assert body["checks"]["mailboxes"]["last"][0]["last_error"] == "login"


def test_a_mailbox_not_fetched_for_too_long_fails_the_check(client, box, company, settings):
    settings.RELANCE_HEALTH_MAX_MAILBOX_AGE = 1800
    Mailbox.objects.filter(pk=box.pk).update(last_ok_at=timezone.now() - timedelta(hours=2))
    status, body = _body(client)
    assert status == 503
    assert body["reasons"] == [f"mailbox: 1 not fetched for 1800 s (first: company {company.pk})"]
    assert body["checks"]["mailboxes"]["last"][0]["state"] == "stale"


def test_no_mailbox_configured_no_mailbox_check(client, company):
    scan(company)
    assert "mailboxes" not in client.get("/healthz").json()["checks"]
