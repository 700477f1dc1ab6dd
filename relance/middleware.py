from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils import timezone

# Paths reachable without a session: login itself, static files, the API (token auth).
PUBLIC_PREFIXES = ("/accounts/login", "/admin/login", "/static/", "/api/", "/i18n/")


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
