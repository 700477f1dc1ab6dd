from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path

from api.main import api, api_not_found
from relance.member2fa import member_two_factor
from relance.ops.health import healthz
from relance.ops.metrics import metrics_view
from relance.twofactor import admin_login

from .webhooks import brevo_tracking, mailgun_tracking, payment_events, postmark_tracking


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to our icon."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))


# A login without a company: the first-run form or a page saying whom to ask (not a bare 403).
handler403 = "web.screens.welcome.forbidden"

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    # Throttled by django-axes (relance/login.py), like every call to authenticate().
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # the one-time code of the company's admins when RELANCE_ADMIN_2FA (relance/member2fa.py)
    path("accounts/deux-facteurs/", member_two_factor, name="member_2fa"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin logs in through the same page.
    path("admin/login/", admin_login),  # with a one-time code when RELANCE_ADMIN_2FA
    path("admin/", admin.site.urls),
    path("esp/mailgun/tracking/", mailgun_tracking, name="esp_mailgun_tracking"),
    path("esp/brevo/tracking/", brevo_tracking, name="esp_brevo_tracking"),
    path("esp/postmark/tracking/", postmark_tracking, name="esp_postmark_tracking"),
    path("webhooks/<slug:provider>/<str:endpoint>/", payment_events, name="webhook_payments"),
    path("api/", api.urls),
    re_path(r"^api/", api_not_found),
    path("banking/", include("web.banking_urls")),
    path("insight/", include("web.insight_urls")),
    path("p/", include("web.portal_urls")),  # the customer portal: its token is the key
    path("", include("web.urls")),
]
