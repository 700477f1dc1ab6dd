from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserPreference(models.Model):
    """Screen options a user expects to find again next morning (seed: « options écran »)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    show_not_due = models.BooleanField(_("afficher les pièces non échues"), default=False)
    hide_direct_debit = models.BooleanField(_("masquer les prélèvements"), default=False)
    page_size = models.PositiveSmallIntegerField(_("lignes par page"), default=50)

    class Meta:
        verbose_name = _("préférence d'affichage")
        verbose_name_plural = _("préférences d'affichage")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def of(cls, user) -> "UserPreference":
        return cls.objects.get_or_create(user=user)[0]
