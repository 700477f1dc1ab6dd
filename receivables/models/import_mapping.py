from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import CompanyScoped


class ImportMapping(CompanyScoped):
    """A file layout a user mapped once: recognised again by its header set."""

    name = models.CharField(_("nom"), max_length=100)
    signature = models.CharField(_("signature des en-têtes"), max_length=40, db_index=True)
    headers = models.JSONField(_("en-têtes"), default=list)
    spec = models.JSONField(_("correspondances"), default=dict)
    created = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("correspondance d'import")
        verbose_name_plural = _("correspondances d'import")
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="import_mapping_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
