"""Two-factor login for the product's own administrators, with RELANCE_ADMIN_2FA.

A member whose role is « admin » changes the company's settings, users and procedures:
with the setting on, after their password the screens ask for a one-time code from an
authenticator app (TOTP, django-otp, as the Django admin does: relance/twofactor.py).
The first time, the same page enrols their app: a QR code and the key to type, then a
first code to confirm it. Until a code is given, every screen sends them to this page
(`MemberTwoFactorMiddleware`); the API (its own tokens), the login and logout pages and
static files are not concerned. Collectors and viewers keep the password login. A lost
phone: `relance addstatictoken USERNAME` gives a code that works once (static device).
Wrong codes are throttled by django-otp (each failure doubles the wait)."""

import base64
import io
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from receivables.models import Role
from web.screens.common import safe_next

# What a member waiting for their code may still reach.
EXEMPT = ("/accounts/", "/static/", "/i18n/", "/favicon.ico", "/healthz", "/metrics")
EXEMPT += ("/api/", "/esp/", "/admin/")  # token auth, provider webhooks, the admin's own


def needs_code(request) -> bool:
    """An admin member of a company, logged in with a password only, the setting on."""
    if not settings.RELANCE_ADMIN_2FA:
        return False
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role == Role.ADMIN


class MemberTwoFactorMiddleware:
    """Sends an admin member without a verified code to the code page, wherever they go."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_code(request) and not request.path.startswith(EXEMPT):
            target = quote(request.get_full_path(), safe="/")
            return redirect(f"{reverse('member_2fa')}?next={target}")
        return self.get_response(request)


def _next(request) -> str:
    return safe_next(request, "/")  # a page of this site only (web/screens/common.py)


def _enrolment(user) -> TOTPDevice:
    """The member's app being enrolled: one unconfirmed device, kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Relance", confirmed=False)


def _qr_png(url: str) -> str:
    import qrcode

    buffer = io.BytesIO()
    qrcode.make(url, box_size=6, border=2).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def member_two_factor(request):
    """The code page: verify a code, or enrol the app first (GET shows, POST checks)."""
    if not needs_code(request):
        if request.user.is_authenticated and request.user.is_verified():
            return redirect(_next(request))
        raise Http404  # nobody else has a code to give here
    user = request.user
    enrolling = not user_has_device(user, confirmed=True)
    device = _enrolment(user) if enrolling else None
    error = ""
    if request.method == "POST":
        code = "".join(request.POST.get("code", "").split())
        if enrolling:
            accepted = device if device.verify_token(code) else None
            if accepted:
                TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
                device.confirmed = True
        else:
            accepted = match_token(user, code)
        if accepted:
            otp_login(request, accepted)
            messages.success(
                request,
                _("Application d'authentification enregistrée.")
                if enrolling
                else _("Code accepté."),
            )
            return redirect(_next(request))
        error = _("Code incorrect ou expiré : saisissez le code affiché maintenant.")
    context = {"enrolling": enrolling, "error": error, "next": _next(request)}
    if enrolling:
        key = base64.b32encode(device.bin_key).decode()
        context["key"] = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
        context["qr"] = _qr_png(device.config_url)
    return render(request, "registration/two_factor.html", context, status=400 if error else 200)
