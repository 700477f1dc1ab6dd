"""Two-factor login for the admin (django-otp), switched on by RELANCE_ADMIN_2FA.

The admin (`/admin/`) can change anything of every company: with the setting on, its
login asks for a one-time code (TOTP app, or a static code for a first login or a lost
phone) and the admin opens only to a session verified by one. Users enrol their TOTP
device in the admin (« TOTP devices », with a QR code); a first code for someone who has
none yet: `relance addstatictoken USERNAME`. On the product's screens the same setting
asks the companies' admins for a code (relance/member2fa.py); collectors and viewers keep
their password login. Read at each request, so tests and a restart switch it alike.
"""

from django.conf import settings
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite


class TwoFactorAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        allowed = super().has_permission(request)
        if not settings.RELANCE_ADMIN_2FA:
            return allowed
        return allowed and request.user.is_verified()


class TwoFactorAdminConfig(AdminConfig):
    default_site = "relance.twofactor.TwoFactorAdminSite"


def admin_login(request, *args, **kwargs):
    """The admin's login page: the same as the screens', plus the code when required."""
    from django.contrib.auth.forms import AuthenticationForm  # not at import: this module
    from django.contrib.auth.views import LoginView  # is loaded with the apps (AdminConfig)

    form = _code_form() if settings.RELANCE_ADMIN_2FA else AuthenticationForm
    return LoginView.as_view(authentication_form=form)(request, *args, **kwargs)


def _code_form():
    """django-otp's form in our words; its « challenge » (codes sent by SMS or e-mail,
    which we do not offer) hidden."""
    from django import forms
    from django.utils.translation import gettext_lazy as _
    from django_otp.forms import OTPAuthenticationForm

    class CodeForm(OTPAuthenticationForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["otp_device"].label = _("Appareil")
            self.fields["otp_token"].label = _("Code à usage unique")
            self.fields["otp_challenge"].widget = forms.HiddenInput()

    return CodeForm
