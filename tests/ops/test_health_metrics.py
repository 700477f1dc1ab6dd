"""/healthz and /metrics as an operator and an outsider see them."""

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from dunning.scan import scan
from receivables.models import Company
from reminders.models import Reminder


def _reminder(company, customer, **fields):
    return Reminder.objects.create(
        company=company, customer=customer, channel="email", recipient=["a@b.example"], **fields
    )


def test_healthz_is_green_on_a_quiet_installation_and_says_no_name(client, company):
    scan(company)
    response = client.get("/healthz")  # no login
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["reasons"] == []
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["scans"]["last"][0]["company"] == company.pk
    assert company.name not in response.content.decode()


def test_healthz_fails_when_the_oldest_due_email_waits_too_long(client, company, customer):
    scan(company)
    _reminder(company, customer, next_attempt_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    [reason] = response.json()["reasons"]
    assert reason.startswith("queue: the oldest due e-mail has waited 36")
    assert response.json()["checks"]["queue"]["depth"] == 1


def test_healthz_fails_when_a_company_was_not_scanned_for_a_day(client, company, other_company):
    scan(company)
    Company.objects.filter(pk=company.pk).update(last_scan_at=timezone.now() - timedelta(days=2))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["reasons"][0].startswith("scan: 1 company(ies) not scanned")
    # Charlie's company was never scanned: listed, not failed (a new company waits for cron)
    assert response.json()["checks"]["scans"]["never"] == 1


def test_metrics_do_not_exist_until_a_token_or_addresses_are_set(client, db, settings):
    settings.RELANCE_METRICS_TOKEN, settings.RELANCE_METRICS_ALLOWED_IPS = "", []
    assert client.get("/metrics").status_code == 404


def test_metrics_want_the_token_from_an_address_not_allowed(client, db, settings):
    settings.RELANCE_METRICS_TOKEN, settings.RELANCE_METRICS_ALLOWED_IPS = "s3cret-token", []
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert ok.status_code == 200


def test_metrics_count_reminders_requests_scans_and_imported_rows(
    client, alice, company, customer, settings
):
    import ipaddress

    settings.RELANCE_METRICS_ALLOWED_IPS = [ipaddress.ip_network("127.0.0.0/8")]
    now = timezone.now()
    _reminder(company, customer, state="sent", handed_at=now - timedelta(seconds=0.3), sent_at=now)
    _reminder(company, customer, state="failed")
    scan(company)
    client.force_login(alice)
    csv = b"code;nom;email\nC9;Zeta SARL;z@zeta.example\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post("/import/", {"file": SimpleUploadedFile("clients.csv", csv), "kind": "customers"})
    text = client.get("/metrics").content.decode()
    assert 'relance_reminders{channel="email",state="sent"} 1.0' in text
    assert 'relance_reminders{channel="email",state="failed"} 1.0' in text
    assert 'relance_send_seconds_bucket{le="0.25"} 0.0' in text
    assert 'relance_send_seconds_bucket{le="0.5"} 1.0' in text
    assert f'relance_scan_duration_seconds{{company="{company.pk}"}}' in text
    assert 'relance_import_rows_total{kind="customers"}' in text
    assert 'relance_http_requests_total{method="POST",route="import/",status="200"}' in text
    assert "relance_queue_depth 0.0" in text


@pytest.mark.parametrize("incoming", ["", "abc", "x" * 100, "bad id with spaces"])
def test_each_request_gets_an_id_a_client_cannot_choose_badly(client, db, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    assert len(response["X-Request-ID"]) == 32 and response["X-Request-ID"] != incoming


def test_a_proxys_request_id_is_kept_and_logged_in_json_with_the_company(
    alice_client, company, caplog
):
    from relance.ops.logs import ContextFilter, JsonFormatter

    caplog.handler.addFilter(ContextFilter())
    with caplog.at_level(logging.INFO, logger="relance.http"):
        response = alice_client.get("/relance/", HTTP_X_REQUEST_ID="f00dfeed12345678")
    assert response["X-Request-ID"] == "f00dfeed12345678"
    [record] = [r for r in caplog.records if r.name == "relance.http"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "f00dfeed12345678"
    assert line["company_id"] == company.pk
    assert line["status"] == 200 and line["path"] == "/relance/"
