from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from api.main import api, api_not_found
from relance.ops.health import healthz
from relance.ops.metrics import metrics_view
from relance.twofactor import admin_login

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    # Throttled by django-axes (relance/login.py), like every call to authenticate().
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin logs in through the same page.
    path("admin/login/", admin_login),  # with a one-time code when RELANCE_ADMIN_2FA
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    re_path(r"^api/", api_not_found),
    path("banking/", include("web.banking_urls")),
    path("insight/", include("web.insight_urls")),
    path("", include("web.urls")),
]
