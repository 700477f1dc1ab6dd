"""Login throttling, by django-axes (settings: the "Login throttling" block).

Failed logins are counted in the database, shared by every web process, and a lock
lasts RELANCE_LOGIN_LOCKOUT_MINUTES after the last counted failure. Two limits:

- per (username, client address): RELANCE_LOGIN_FAILURES (5) failures lock that pair
  only. Guessing from one address stops there; the real user, from their own address,
  still gets in; random names typed behind an office's one proxy lock out nobody else.
  Failures while locked are not counted (they would feed the limit below).
- per username, from every address: RELANCE_LOGIN_FAILURES_PER_USER (20) lock the
  account everywhere, so an attacker with many addresses gets at most that many guesses
  per lock period; the price is that such an attack also keeps the real user out.

The username is counted as Django looks it up (NFKC, stripped) and casefolded: "Alice",
"alice " and "ａｌｉｃｅ" are one counter. The client address is the one every counter by
address reads (web.client.client_address: REMOTE_ADDR, or the last address before the
trusted proxies in X-Forwarded-For); AXES_CLIENT_IP_CALLABLE names it.
"""

import unicodedata

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.shortcuts import render
from django.utils.translation import gettext as _


def normalised_username(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().casefold()


def username_of(request, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username tried, as counted."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    return None if raw is None else normalised_username(str(raw))


class LoginAttempts(AxesDatabaseHandler):
    """Axes' database handler with the second, per-username limit (one setting,
    AXES_FAILURE_LIMIT, is all Axes has). Failures are expressed in units of the pair
    limit, so that Axes' own comparison with AXES_FAILURE_LIMIT applies both."""

    def get_failures(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        recent = AccessAttempt.objects.filter(
            username=username, attempt_time__gte=get_cool_off_threshold(request)
        )
        per_pair = settings.AXES_FAILURE_LIMIT
        pair = _sum(recent.filter(ip_address=request.axes_ip_address))
        user = _sum(recent)
        return max(pair, user * per_pair // settings.RELANCE_LOGIN_FAILURES_PER_USER)


def _sum(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the login page again, with the reason, as HTTP 429."""
    context = dict(getattr(original_response, "context_data", None) or {})
    form = context.get("form") or AuthenticationForm(request)
    if form.is_bound:  # already checked: its errors are there, no new authenticate()
        form.errors.clear()
    form.add_error(None, _("Trop de tentatives de connexion. Réessayez dans quelques minutes."))
    context["form"] = form
    return render(request, "registration/login.html", context, status=429)
