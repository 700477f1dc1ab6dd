from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from receivables.models.base import CompanyScoped


class ApiToken(CompanyScoped):
    """A secret that lets a script act as one user, in that user's company, with that
    user's role. Only its SHA-256 is stored: the token itself is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("utilisateur"),
    )
    name = models.CharField(
        _("nom"), max_length=100, help_text=_("À quoi sert ce jeton (ex. « export ERP »).")
    )
    prefix = models.CharField(
        _("début du jeton"),
        max_length=12,
        editable=False,
        help_text=_("Les premiers caractères, pour reconnaître un jeton sans le révéler."),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, editable=False)
    revoked_at = models.DateTimeField(
        _("révoqué le"), null=True, blank=True, help_text=_("Rempli : le jeton ne marche plus.")
    )

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
