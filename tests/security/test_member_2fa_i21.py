"""RELANCE_ADMIN_2FA for the product's own admins (Membership role « admin »): after the
password the screens ask for a one-time code; the first time they enrol their
authenticator app (QR code and key, then a first code); collectors are not asked."""

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

CODE_PAGE = "/accounts/deux-facteurs/"


@pytest.fixture
def two_factor(settings):
    settings.RELANCE_ADMIN_2FA = True


def _code(device, shift=0):
    """What the member's phone shows now (`shift` steps later)."""
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time() + shift * device.step
    return f"{clock.token():06d}"


def _login(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": "pw-" + username})
    assert response.status_code == 302


def test_without_the_setting_the_password_is_enough(client, alice, settings):
    settings.RELANCE_ADMIN_2FA = False
    _login(client, "alice")
    assert client.get("/relance/").status_code == 200
    assert client.get(CODE_PAGE).status_code == 404


def test_an_admin_enrols_the_app_then_logs_in_with_a_code(client, alice, two_factor):
    _login(client, "alice")
    # every screen sends her to the code page, and back where she was going after it
    response = client.get("/relance/")
    assert response.status_code == 302 and response["Location"] == f"{CODE_PAGE}?next=/relance/"
    assert client.get("/parametres/utilisateurs/").status_code == 302
    page = client.get(f"{CODE_PAGE}?next=/relance/").content.decode()
    assert "Protégez votre compte administrateur" in page
    assert 'src="data:image/png;base64,' in page and 'id="otp-key"' in page
    device = TOTPDevice.objects.get(user=alice, confirmed=False)
    # a wrong code: said, and still nothing opens
    wrong = client.post(CODE_PAGE, {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "Code incorrect" in wrong.content.decode()
    assert client.get("/relance/").status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code made the next try wait
    device.throttling_failure_timestamp = None
    device.save()
    # the code her app shows: enrolled, and the screens open
    response = client.post(CODE_PAGE, {"code": _code(device), "next": "/relance/"})
    assert response.status_code == 302 and response["Location"] == "/relance/"
    assert client.get("/relance/").status_code == 200
    assert TOTPDevice.objects.get(user=alice).confirmed
    # next login: no QR code any more, a code is asked
    client.post("/accounts/logout/")
    _login(client, "alice")
    assert client.get("/relance/").status_code == 302
    page = client.get(CODE_PAGE).content.decode()
    assert "data:image/png" not in page and 'name="code"' in page
    device.refresh_from_db()
    response = client.post(CODE_PAGE, {"code": _code(device, shift=1)})
    assert response.status_code == 302
    assert client.get("/relance/").status_code == 200


def test_a_spare_code_from_addstatictoken_works_once(client, alice, two_factor):
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    spare = StaticDevice.objects.create(user=alice, name="secours")
    spare.token_set.create(token="spare123")
    _login(client, "alice")
    assert client.post(CODE_PAGE, {"code": "spare123"}).status_code == 302
    assert client.get("/relance/").status_code == 200
    client.post("/accounts/logout/")
    _login(client, "alice")
    assert client.post(CODE_PAGE, {"code": "spare123"}).status_code == 400  # spent


def test_a_collector_keeps_the_password_login(client, bob, two_factor):
    _login(client, "bob")
    assert client.get("/relance/").status_code == 200
    assert client.get(CODE_PAGE).status_code == 404
