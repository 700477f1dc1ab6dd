from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken
from api.tokens import check_token, create_token, hash_token

from .conftest import Api, assert_error


def test_it_refuses_a_request_without_token(anon_api):
    response = anon_api.get("/api/me")
    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == "Bearer"


def test_it_refuses_an_unknown_token(client, alice_token):
    assert_error(Api(client, alice_token + "x").get("/api/me"), 401, "unauthorized")


def test_it_refuses_a_session_without_token(alice_client):
    # The web login does not open the API: a script must hold a token.
    assert_error(alice_client.get("/api/me"), 401, "unauthorized")


def test_it_tells_who_the_token_acts_as(api, company):
    body = api.get("/api/me").json()
    assert body == {
        "user": "alice",
        "company": company.name,
        "company_id": company.pk,
        "role": "admin",
        "token": "tests",
    }


def test_it_stores_only_the_hash(alice):
    token, raw = create_token(alice, "erp")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw)
    assert raw not in (stored.key_hash, stored.prefix)
    assert raw.startswith(stored.prefix)


def test_a_revoked_token_stops_working(client, alice):
    token, raw = create_token(alice, "erp")
    token.revoked_at = timezone.now()
    token.save()
    assert_error(Api(client, raw).get("/api/me"), 401, "unauthorized")


def test_a_user_moved_to_another_company_loses_the_old_token(client, alice, other_company):
    _, raw = create_token(alice, "erp")
    alice.membership.company = other_company
    alice.membership.save()
    assert_error(Api(client, raw).get("/api/me"), 401, "unauthorized")


def test_a_deactivated_user_loses_access(client, alice):
    _, raw = create_token(alice, "erp")
    alice.is_active = False
    alice.save()
    assert_error(Api(client, raw).get("/api/me"), 401, "unauthorized")


def test_last_use_is_recorded_at_most_once_a_minute(alice):
    token, raw = create_token(alice, "erp")
    now = timezone.now()
    check_token(raw, now=now)
    check_token(raw, now=now + timedelta(seconds=30))
    token.refresh_from_db()
    assert token.last_used_at == now


def test_a_user_without_company_cannot_get_a_token(db, django_user_model):
    from api.tokens import TokenError

    loner = django_user_model.objects.create_user("loner")
    with pytest.raises(TokenError):
        create_token(loner, "x")


def test_it_limits_the_rate_per_token(api, client, bob, settings):
    settings.RELANCE_API_RATE = "3/min"
    for _ in range(3):
        assert api.get("/api/me").status_code == 200
    response = api.get("/api/me")
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another token has its own budget.
    assert Api(client, create_token(bob, "b")[1]).get("/api/me").status_code == 200


def test_the_schema_and_the_docs_are_published(anon_api):
    schema = anon_api.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Relance API"
    assert "/api/invoices/batch" in schema["paths"]
    docs = anon_api.get("/api/docs")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_an_unknown_path_gets_the_error_body(api):
    assert_error(api.get("/api/nothing-here"), 404, "not_found")


def test_token_admin_shows_the_secret_once(admin_client, alice, company):
    response = admin_client.post(
        "/admin/api/apitoken/add/", {"user": alice.pk, "name": "erp"}, follow=True
    )
    token = ApiToken.objects.get(name="erp")
    assert token.company == company
    shown = [str(m) for m in response.context["messages"]]
    assert any(token.prefix in m for m in shown), shown
