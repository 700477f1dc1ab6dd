from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = _("réponses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from anymail.signals import tracking

        from .provider import handle_tracking

        tracking.connect(handle_tracking, dispatch_uid="relance-inbox-tracking")
