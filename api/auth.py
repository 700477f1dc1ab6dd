"""Bearer-token authentication, per-token rate limit and role checks for the API."""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from receivables.models import Role

from .errors import ApiError, RateLimited
from .models import ApiToken
from .tokens import check_token

ROLE_RANK = {Role.VIEWER: 0, Role.COLLECTOR: 1, Role.ADMIN: 2}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/min" → (600, 60)."""
    count, _sep, unit = rate.partition("/")
    seconds = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400}
    return int(count), seconds[unit or "s"]


def check_rate(token_id: int, *, now: float | None = None) -> None:
    """Fixed window per token, counted in the cache (atomic add/incr, shared if the cache is)."""
    limit, window = parse_rate(settings.RELANCE_API_RATE)
    now = time.time() if now is None else now
    start = int(now // window) * window
    key = f"relance-api-rate:{token_id}:{start}"
    cache.add(key, 0, timeout=window + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        used = 1
    if used > limit:
        raise RateLimited(retry_after=max(1, int(start + window - now + 0.999)))


class TokenAuth(HttpBearer):
    openapi_description = "API token: `Authorization: Bearer rlc_…`"

    def authenticate(self, request, token: str) -> ApiToken | None:
        api_token = check_token(token)
        if api_token is None:
            return None
        check_rate(api_token.pk)
        request.user = api_token.user  # services that record "who" read it from here
        return api_token


def token_of(request) -> ApiToken:
    return request.auth


def company_of(request):
    return request.auth.company


def require_role(request, role: str) -> None:
    current = request.auth.user.membership.role
    if ROLE_RANK[current] < ROLE_RANK[role]:
        raise ApiError(
            403,
            _("Votre rôle (%(current)s) ne permet pas cette action : il faut %(needed)s.")
            % {"current": current, "needed": role},
        )


def require_writer(request) -> None:
    """Viewers read; collectors and admins may also change data."""
    require_role(request, Role.COLLECTOR)
