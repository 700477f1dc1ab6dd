import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, password):
    return client.post("/accounts/login/", {"username": "alice", "password": password})


def test_it_logs_in_with_the_right_password(client, alice):
    response = _login(client, "pw-alice")
    assert response.status_code == 302


def test_it_throttles_after_five_failures_even_with_the_right_password(client, alice):
    for _ in range(5):
        assert _login(client, "wrong").status_code == 200
    response = _login(client, "pw-alice")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_user_is_not_throttled_by_alice_failures(client, alice, bob):
    for _ in range(5):
        _login(client, "wrong")
    cache.delete_many([k for k in ["login-fail:addr:127.0.0.1"]])
    response = client.post("/accounts/login/", {"username": "bob", "password": "pw-bob"})
    assert response.status_code == 302


def test_admin_login_is_throttled_too(client, alice):
    for _ in range(5):
        client.post("/admin/login/", {"username": "alice", "password": "wrong"})
    assert (
        client.post("/admin/login/", {"username": "alice", "password": "pw-alice"}).status_code
        == 429
    )
