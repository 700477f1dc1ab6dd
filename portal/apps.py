from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = _("Portail client")

    def ready(self) -> None:
        # reminders (a floor below) learn how a reminder gets its link by registration
        from reminders.links import register
        from reminders.runs import before_scan

        from .plans import break_missed
        from .tokens import ChunkLinks, link_for

        register(link_for, ChunkLinks)
        before_scan(break_missed)
