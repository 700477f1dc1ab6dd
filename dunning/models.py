from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from receivables.models.base import CompanyScoped, money_field


class Channel(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    EMAIL = "email", _("E-mail")
    FIRM_EMAIL = "firm_email", _("E-mail ferme")
    LETTER = "letter", _("Courrier")


class PolicyKind(models.TextChoices):
    INVOICE = "invoice", _("factures")
    QUOTE = "quote", _("devis")


class Policy(CompanyScoped):
    """A dunning procedure: ordered levels, counted from the due (or validity) date."""

    name = models.CharField(_("nom"), max_length=100)
    kind = models.CharField(
        _("s'applique aux"), max_length=10, choices=PolicyKind.choices, default=PolicyKind.INVOICE
    )
    is_default = models.BooleanField(_("par défaut"), default=False)
    skip_direct_debit = models.BooleanField(
        _("ne pas relancer les prélèvements"),
        default=True,
        help_text=_("Le prélèvement est à l'initiative du créancier : pas de relance."),
    )
    group_by_customer = models.BooleanField(
        _("un rappel par client"),
        default=True,
        help_text=_(
            "Un seul message listant toutes les pièces du client, au niveau le plus avancé."
        ),
    )

    class Meta:
        verbose_name = _("procédure de relance")
        verbose_name_plural = _("procédures de relance")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind"],
                condition=Q(is_default=True),
                name="one_default_policy_per_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Level(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField(_("ordre"), help_text=_("1 pour le premier niveau."))
    name = models.CharField(_("nom"), max_length=100)
    delay_days = models.SmallIntegerField(
        _("délai (jours)"),
        help_text=_("Jours après l'échéance ; négatif = rappel de courtoisie avant l'échéance."),
    )
    channel = models.CharField(_("canal"), max_length=12, choices=Channel.choices)
    min_balance = money_field(_("solde minimum"), default=Decimal("0"))
    claims_charges = models.BooleanField(
        _("réclame pénalités et indemnité"),
        default=False,
        help_text=_("Le message mentionne les intérêts de retard et l'indemnité forfaitaire."),
    )
    automatic = models.BooleanField(
        _("envoi automatique"),
        default=False,
        help_text=_("Envoyé sans intervention par la tâche planifiée, si la société l'active."),
    )

    class Meta:
        verbose_name = _("niveau")
        verbose_name_plural = _("niveaux")
        ordering = ["policy", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "rank"], name="level_rank_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def delay_label(self) -> str:
        from django.utils.translation import ngettext

        days = abs(self.delay_days)
        if self.delay_days < 0:
            return ngettext("%(d)s jour avant l'échéance", "%(d)s jours avant l'échéance", days) % {
                "d": days
            }
        if self.delay_days == 0:
            return str(_("le jour de l'échéance"))
        return ngettext("%(d)s jour après l'échéance", "%(d)s jours après l'échéance", days) % {
            "d": days
        }
