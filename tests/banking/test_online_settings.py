"""Settings › Pay online: the administrator turns it on with the keys (stored encrypted,
never shown back) and reads the webhook address to give Stripe; others only read."""

import pytest
from django.urls import reverse

from banking import online
from banking.models import OnlinePayment

URL = reverse("settings_online_payment")
SECRET, HOOK = "sk_test_TOPSECRET1234", "whsec_TOPSECRET5678"


@pytest.fixture(autouse=True)
def no_site_keys(settings):
    settings.RELANCE_STRIPE_SECRET_KEY = settings.RELANCE_STRIPE_WEBHOOK_SECRET = ""


def _save(client, **extra):
    data = {"enabled": "on", "publishable_key": "pk_test_pub", "secret_key": SECRET,
            "webhook_secret": HOOK, **extra}  # fmt: skip
    return client.post(URL, data)


def test_the_admin_turns_it_on_and_never_sees_the_secrets_again(alice_client, company):
    html = alice_client.get(URL).content.decode()
    assert "non proposé" in html and "webhook-url" not in html
    assert _save(alice_client).status_code == 302
    assert online.enabled(company)
    account = OnlinePayment.objects.get(company=company)
    assert (account.secret_key, account.webhook_secret) == (SECRET, HOOK)
    html = alice_client.get(URL).content.decode()
    assert SECRET not in html and HOOK not in html
    assert "TOPSECRET" not in html
    assert "proposé aux clients" in html and "enregistrée (chiffrée)" in html
    assert f"/webhooks/stripe/{account.endpoint}/" in html
    # saving again without typing the secrets keeps them
    _save(alice_client, secret_key="", webhook_secret="", enabled="")
    account.refresh_from_db()
    assert account.secret_key == SECRET and not online.enabled(company)


def test_a_wrong_key_is_refused_and_not_echoed(alice_client, company):
    r = _save(alice_client, secret_key="pk_test_TOPSECRETx")
    assert r.status_code == 200 and "TOPSECRET" not in r.content.decode()
    assert "sk_" in r.content.decode()
    assert not online.enabled(company)


def test_forgetting_the_keys_falls_back_to_the_site_ones(alice_client, company, settings):
    _save(alice_client)
    settings.RELANCE_STRIPE_SECRET_KEY, settings.RELANCE_STRIPE_WEBHOOK_SECRET = (
        "sk_site",
        "whsec_s",
    )
    _save(alice_client, secret_key="", webhook_secret="", forget="on")
    account = OnlinePayment.objects.get(company=company)
    assert account.secret_key == "" and online.enabled(company)
    assert "celle du serveur" in alice_client.get(URL).content.decode()


def test_a_collector_reads_but_cannot_change(client, bob, company):
    client.force_login(bob)
    assert client.get(URL).status_code == 200
    assert _save(client).status_code == 403
    assert not OnlinePayment.objects.exists()


def test_the_screen_reads_in_english(alice_client):
    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    _save(alice_client)
    html = alice_client.get(URL).content.decode()
    for words in ("Online payment", "Secret key", "offered to customers", "Webhook address"):
        assert words in html
    for french in (
        "Clé secrète",
        "proposé aux clients",
        "Adresse du webhook",
        "Valeur enregistrée chiffrée",
    ):
        assert french not in html
