"""Login throttling (django-axes, relance/login.py): per (username, address) and per
username, the username normalised as Django reads it, counters in the database."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
HOME, OFFICE, ATTACKER = "198.51.100.7", "192.0.2.10", "203.0.113.9"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _login(client, username, password, address=HOME, path="/accounts/login/", **extra):
    data = {"username": username, "password": password}
    return client.post(path, data, REMOTE_ADDR=address, **extra)


def _fail(client, times, username="alice", address=HOME, **extra):
    return [_login(client, username, "wrong", address, **extra).status_code for _ in range(times)]


def test_it_logs_in_with_the_right_password(client, alice):
    assert _login(client, "alice", "pw-alice").status_code == 302


def test_five_failures_lock_even_the_right_password(client, alice):
    assert _fail(client, 5) == [200, 200, 200, 200, 429]
    response = _login(client, "alice", "pw-alice")
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert 'name="username"' in response.content.decode()  # the login page, with the reason
    assert "_auth_user_id" not in client.session


def test_the_lockout_reads_in_english(client, alice):
    client.cookies["django_language"] = "en"
    _fail(client, 5)
    response = _login(client, "alice", "pw-alice")
    assert response.status_code == 429
    assert "Too many login attempts. Try again in a few minutes." in response.content.decode()


@pytest.mark.parametrize("variant", ["alice   ", "  alice", "ALICE", "alice\t", "ａｌｉｃｅ"])
def test_a_padded_or_recased_username_counts_as_the_same(client, alice, variant):
    _fail(client, 4)
    assert _fail(client, 1, username=variant) == [429]
    assert _login(client, "alice   ", "pw-alice").status_code == 429  # Django strips: alice
    assert _login(client, "alice", "pw-alice").status_code == 429


def test_padding_the_username_gives_no_fresh_guesses(client, alice):
    """ "alice" + N spaces, from as many addresses: one username, locked at the per-user limit
    (Django strips the spaces before it looks the user up)."""
    for n in range(20):
        _fail(client, 1, username="alice" + " " * n, address=f"203.0.113.{n + 20}")
    assert _login(client, "alice", "pw-alice", address=HOME).status_code == 429


def test_random_names_from_one_address_lock_out_no_one_else(client, alice, bob):
    for n in range(12):
        _fail(client, 1, username=f"nobody{n}", address=OFFICE)
    assert _login(client, "bob", "pw-bob", address=OFFICE).status_code == 302
    client.logout()
    assert _login(client, "alice", "pw-alice", address=OFFICE).status_code == 302


def test_guessing_from_one_address_does_not_lock_the_user_out_elsewhere(client, alice):
    assert _fail(client, 8, address=ATTACKER)[-1] == 429
    assert _login(client, "alice", "pw-alice", address=ATTACKER).status_code == 429
    assert _login(client, "alice", "pw-alice", address=HOME).status_code == 302


def test_guessing_from_many_addresses_locks_the_username(client, alice, settings):
    assert settings.RELANCE_LOGIN_FAILURES_PER_USER == 20
    for n in range(4):
        _fail(client, 5, address=f"203.0.113.{n + 20}")
    assert _login(client, "alice", "pw-alice", address=HOME).status_code == 429


def test_a_success_clears_the_pair_and_the_lock_ends(client, alice):
    _fail(client, 4)
    assert _login(client, "alice", "pw-alice").status_code == 302
    client.logout()
    assert _fail(client, 4) == [200] * 4  # counted afresh after the success
    _fail(client, 1)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _login(client, "alice", "pw-alice").status_code == 302


def test_forwarded_for_is_ignored_unless_from_a_trusted_proxy(client, alice):
    # a client that writes its own X-Forwarded-For gets no fresh address from it
    for n in range(5):
        _fail(client, 1, address=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert _login(client, "alice", "pw-alice", address=ATTACKER).status_code == 429


def test_behind_a_trusted_proxy_each_client_counts_apart(client, alice, settings):
    import ipaddress

    settings.RELANCE_TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    proxy = "127.0.0.1"
    # the attacker writes a header of its own: the proxy appends the real address
    for _ in range(5):
        _fail(client, 1, address=proxy, HTTP_X_FORWARDED_FOR=f"{HOME}, {ATTACKER}")
    locked = _login(
        client, "alice", "pw-alice", address=proxy, HTTP_X_FORWARDED_FOR=f"{HOME}, {ATTACKER}"
    )
    assert locked.status_code == 429
    response = _login(client, "alice", "pw-alice", address=proxy, HTTP_X_FORWARDED_FOR=HOME)
    assert response.status_code == 302


def test_admin_login_is_throttled_too(client, alice):
    _fail(client, 5, path="/admin/login/")
    assert _login(client, "alice", "pw-alice", path="/admin/login/").status_code == 429
    assert _login(client, "alice", "pw-alice").status_code == 429


SCRIPT = """
from django.contrib.auth import get_user_model
from django.test import Client
if {create}:
    get_user_model().objects.create_user("alice", password="pw-alice")
client = Client(REMOTE_ADDR="198.51.100.7")
for password in {passwords}:
    print(client.post("/accounts/login/", {{"username": "alice", "password": password}}).status_code)
"""


def _process(data_dir: Path, *args: str, **script) -> list[str]:
    env = {**os.environ, "RELANCE_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "manage.py", *args]
    if script:
        command += ["-c", SCRIPT.format(**script)]
    run = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.split()


def test_the_counters_are_shared_by_every_web_process(tmp_path):
    """Two processes, one database: the failures one process saw lock the other out."""
    _process(tmp_path, "migrate", "-v", "0")
    first = _process(tmp_path, "shell", "-v", "0", create=True, passwords=["wrong"] * 5)
    assert first == ["200", "200", "200", "200", "429"]
    second = _process(tmp_path, "shell", "-v", "0", create=False, passwords=["pw-alice"])
    assert second == ["429"]
