import json
import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from receivables.coerce import nul_paths, nul_refused

# Paths reachable without a session: login itself, static files, the API (token auth),
# the e-mail and payment providers' webhooks (their signature, relance/webhooks.py).
PUBLIC_PREFIXES = (
    "/accounts/login",
    "/admin/login",
    "/static/",
    "/api/",
    "/i18n/",
    "/favicon.ico",
    "/esp/",
    "/webhooks/",  # payment providers' events (their signature, banking/online/)
)
# Operations, answered without a session: /healthz says little, /metrics checks its own
# token or addresses (relance/ops/).
PUBLIC_PREFIXES += ("/healthz", "/metrics")
# The customer portal: its token is its access (portal/tokens.py, web/screens/portal_*.py).
PUBLIC_PREFIXES += ("/p/",)


class LoginRequiredMiddleware:
    """Login is required everywhere by default; a view opts out by path prefix only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class CompanyTimeZoneMiddleware:
    """Times on screens are read in the user's company's zone (« Aujourd'hui » for the
    reminders is decided there too), not in the server's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = getattr(request.user, "membership", None)
        if membership is None:
            return self.get_response(request)
        with timezone.override(membership.company.zone):
            return self.get_response(request)


class RefuseNulMiddleware:
    """One NUL check for every request: a NUL character in a query string, a form field or
    a JSON body is refused naming the field (PostgreSQL cannot even search for one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = _nul_fields(request)
        if not where:
            return self.get_response(request)
        reason = nul_refused()
        if request.path.startswith("/api/"):
            details = [_api_detail(source, path, reason) for source, path in where]
            message = _("Les données envoyées ne sont pas valides.")
            body = {"error": "invalid", "message": str(message), "details": details}
            return JsonResponse(body, status=422)
        names = ", ".join(f"« {path} »" for _source, path in where)
        text = _("Requête refusée : %(r)s dans %(f)s.") % {"r": reason, "f": names}
        return HttpResponseBadRequest(
            format_html("<!doctype html><title>400</title><p>{}</p>", text)
        )


def _nul_fields(request) -> list[tuple[str, str]]:
    found = [("query", _shown(k)) for k, v in request.GET.lists() if nul_paths([k, *v])]
    content_type = request.content_type or ""
    if request.method == "POST" and content_type.startswith(("multipart/", "application/x-www")):
        found += [("form", _shown(k)) for k, v in request.POST.lists() if nul_paths([k, *v])]
    elif content_type == "application/json":
        try:  # JSON can only carry a NUL escaped: parse only the bodies that hold one
            data = json.loads(request.body) if b"\\u0000" in request.body else None
        except (RequestDataTooBig, ValueError):
            return found  # the API itself answers "too large" or "not JSON"
        found += [("body", path) for path in nul_paths(data)]
    return found


def _shown(name: str) -> str:
    return name.replace("\x00", "\\x00")


def _api_detail(source: str, path: str, reason: str) -> dict:
    """Like the API's other errors: loc, message, and a batch item's index and field."""
    detail = {"loc": [source, *re.split(r"[.\[\]]+", path.strip("]"))], "field": path}
    if match := re.fullmatch(r"items\[(\d+)\]\.?(.*)", path):
        detail["index"], detail["field"] = int(match[1]), match[2]
    return {**detail, "message": reason}
