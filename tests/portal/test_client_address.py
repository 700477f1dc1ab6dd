"""One reading of « where a request comes from » behind a trusted proxy: the portal writes
the same address on a customer's answer as the login throttle counts."""

import ipaddress

from axes.models import AccessAttempt
from django.urls import reverse

from inbox.models import InboundMessage

PROXY, CLIENT = "127.0.0.1", "198.51.100.4"
HEADERS = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"203.0.113.9, {CLIENT}"}


def test_the_portal_and_the_login_read_the_same_address(client, token, on_day, settings):
    settings.RELANCE_TRUSTED_PROXIES = [ipaddress.ip_network(f"{PROXY}/32")]
    r = client.post(reverse("portal_promise", args=[token]), {"promise_date": "2026-03-25"},
                    **HEADERS)  # fmt: skip
    assert r.status_code == 302
    assert CLIENT in InboundMessage.objects.get().sender  # not the proxy, not the forged one
    client.post("/accounts/login/", {"username": "nobody", "password": "x"}, **HEADERS)
    assert AccessAttempt.objects.get().ip_address == CLIENT
