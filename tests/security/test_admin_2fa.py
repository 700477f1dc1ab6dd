"""RELANCE_ADMIN_2FA: the admin asks for a one-time code after the password."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice


@pytest.fixture
def staff(alice):
    alice.is_staff = alice.is_superuser = True
    alice.save()
    return alice


def _login(client, **extra):
    data = {"username": "alice", "password": "pw-alice", **extra}
    return client.post("/admin/login/?next=/admin/", data)


def test_without_the_setting_the_password_opens_the_admin(client, staff, settings):
    settings.RELANCE_ADMIN_2FA = False
    assert _login(client).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_the_setting_the_password_alone_is_refused(client, staff, settings):
    settings.RELANCE_ADMIN_2FA = True
    page = _login(client)
    assert page.status_code == 200  # the form again, with its error
    assert 'name="otp_token"' in page.content.decode()
    assert client.get("/admin/").status_code == 302  # to the login


def test_a_session_opened_by_password_elsewhere_is_not_verified(client, staff, settings):
    settings.RELANCE_ADMIN_2FA = True
    client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"})
    # the screens ask an admin member for her code too (tests/security/test_member_2fa_i21.py)
    assert client.get("/relance/")["Location"].startswith("/accounts/deux-facteurs/")
    assert client.get("/admin/").status_code == 302  # the admin: not without a code


def test_with_a_code_the_admin_opens_and_the_code_is_used_once(client, staff, settings):
    settings.RELANCE_ADMIN_2FA = True
    device = StaticDevice.objects.create(user=staff, name="secours")
    device.token_set.create(token="code1234")
    # the password first: the form then offers the user's devices, and takes a code
    assert device.persistent_id in _login(client).content.decode()
    chosen = {"otp_device": device.persistent_id}
    assert _login(client, otp_token="code1234", **chosen).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()
    assert _login(client, otp_token="code1234", **chosen).status_code == 200  # spent
    assert client.get("/admin/").status_code == 302
