"""Login with throttling: after too many failures for one username or one address,
further attempts are refused for a while, whatever the password."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.utils.translation import gettext as _

MAX_FAILURES = getattr(settings, "LOGIN_MAX_FAILURES", 5)
WINDOW_SECONDS = getattr(settings, "LOGIN_FAILURE_WINDOW", 15 * 60)


def _keys(request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "")
    return [f"login-fail:user:{username.lower()}", f"login-fail:addr:{address}"]


def is_throttled(request, username: str) -> bool:
    return any((cache.get(key) or 0) >= MAX_FAILURES for key in _keys(request, username))


def record_failure(request, username: str) -> None:
    for key in _keys(request, username):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)


class ThrottledLoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if is_throttled(request, username):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Trop de tentatives de connexion. Réessayez dans quelques minutes."),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        response = super().post(request, *args, **kwargs)
        if not request.user.is_authenticated:
            record_failure(request, username)
        return response
