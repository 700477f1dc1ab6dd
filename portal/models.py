"""The portal's rows: each company's settings, the customers' links (hashes only) and the
payment plans they ask for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from receivables.models.base import CompanyScoped, money_field


class PortalSettings(models.Model):
    """What a company allows its customers on the portal (one row per company, made on
    first use: `portal.tokens.settings_for`)."""

    company = models.OneToOneField(
        "receivables.Company", on_delete=models.CASCADE, related_name="portal_settings"
    )
    enabled = models.BooleanField(
        _("lien vers le portail dans les relances"),
        default=True,
        help_text=_(
            "Décoché : %LIEN_PORTAIL% reste vide et les liens déjà envoyés ne s'ouvrent plus."
        ),
    )
    link_days = models.PositiveSmallIntegerField(
        _("durée de validité d'un lien (jours)"),
        default=90,
        help_text=_("Chaque relance envoyée prolonge les liens du client de cette durée."),
    )
    promise_days = models.PositiveSmallIntegerField(
        _("horizon des promesses (jours)"),
        default=30,
        help_text=_("Le client peut promettre une date de paiement jusqu'à ce nombre de jours."),
    )
    plan_max_instalments = models.PositiveSmallIntegerField(
        _("échéancier : nombre maximum d'échéances"),
        default=3,
        help_text=_("0 : le client ne peut pas demander d'échéancier."),
    )
    plan_max_days = models.PositiveSmallIntegerField(
        _("échéancier : dernière échéance au plus tard (jours)"), default=90
    )
    plan_break_days = models.PositiveSmallIntegerField(
        _("échéancier : rompu après un retard de (jours)"),
        default=15,
        help_text=_(
            "Une échéance encore impayée ce nombre de jours après sa date rompt l'échéancier : "
            "les factures sont relancées pour tout leur solde. 0 : jamais rompu."
        ),
    )

    class Meta:
        verbose_name = _("réglages du portail")
        verbose_name_plural = _("réglages du portail")

    def __str__(self) -> str:
        return str(self.company)


class PortalLink(CompanyScoped):
    """A personal link given to a customer: only the SHA-256 of its token is stored."""

    customer = models.ForeignKey(
        "receivables.Customer", on_delete=models.CASCADE, related_name="portal_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lien du portail")
        verbose_name_plural = _("liens du portail")
        indexes = [models.Index(fields=["customer", "expires_at"], name="portal_link_customer")]

    def __str__(self) -> str:
        return f"{self.customer} → {self.expires_at:%Y-%m-%d}"


class PlanState(models.TextChoices):
    REQUESTED = "requested", _("demandé")
    ACCEPTED = "accepted", _("accepté")
    REFUSED = "refused", _("refusé")
    BROKEN = "broken", _("rompu")


class PaymentPlan(CompanyScoped):
    """A customer's request to pay their open invoices in instalments; a collector decides."""

    customer = models.ForeignKey(
        "receivables.Customer", on_delete=models.CASCADE, related_name="payment_plans"
    )
    state = models.CharField(
        _("état"), max_length=10, choices=PlanState.choices, default=PlanState.REQUESTED
    )
    total = money_field(_("montant"))
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    requested_from = models.CharField(_("depuis l'adresse"), max_length=64, blank=True)
    message = models.TextField(_("message du client"), blank=True)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    documents = models.ManyToManyField("receivables.Document", related_name="+", blank=True)
    request = models.ForeignKey(
        "inbox.InboundMessage", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="The request in « Réponses »: the decision handles it.",
    )  # fmt: skip

    class Meta:
        verbose_name = _("échéancier")
        verbose_name_plural = _("échéanciers")

    def __str__(self) -> str:
        return f"{self.customer} {self.total} {self.currency} ({self.state})"


class Instalment(models.Model):
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    due_date = models.DateField(_("échéance"))
    amount = money_field(_("montant"))

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.due_date} {self.amount}"
