"""The address a request came from, for everything that counts by address: the login
throttle (relance.login, django-axes), the portal's rate limits and the address written
on a customer's answers (web.screens.portal_pages), the metrics' allow-list.

It is REMOTE_ADDR; when the request comes from a proxy listed in RELANCE_TRUSTED_PROXIES,
the last address before the trusted ones in X-Forwarded-For (the ones further left are
the client's to write, so never believed).
"""

import ipaddress

from django.conf import settings


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.RELANCE_TRUSTED_PROXIES)


def client_address(request) -> str:
    """The address the request came from (see the module's docstring)."""
    address = request.META.get("REMOTE_ADDR", "")
    if not _trusted(address):
        return address
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _trusted(hop):
            return hop
        address = hop
    return address
