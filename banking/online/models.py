"""Pay online: each company's provider settings, and each provider event received once."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from inbox.secret import decrypt, encrypt
from receivables.models.base import CompanyScoped

SECRET_PURPOSE = "payment-provider"


def new_endpoint() -> str:
    """The opaque part of the company's webhook URL (no company id in a public URL)."""
    return secrets.token_urlsafe(24)


class OnlinePayment(CompanyScoped):
    """The company's payment provider: on or off, and its keys. A key left empty here is
    taken from the environment (RELANCE_STRIPE_*); the secrets stored here are encrypted
    (inbox.secret, its own purpose) and never shown back."""

    provider = models.CharField(_("prestataire"), max_length=30, default="stripe")
    enabled = models.BooleanField(_("proposer le paiement en ligne"), default=False)
    publishable_key = models.CharField(_("clé publiable"), max_length=200, blank=True)
    secret_key_encrypted = models.TextField(editable=False, blank=True)
    webhook_secret_encrypted = models.TextField(editable=False, blank=True)
    endpoint = models.CharField(max_length=64, unique=True, default=new_endpoint, editable=False)

    class Meta:
        verbose_name = _("paiement en ligne")
        verbose_name_plural = _("paiements en ligne")
        constraints = [
            models.UniqueConstraint(fields=["company"], name="one_online_payment_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.provider} ({'on' if self.enabled else 'off'})"

    @property
    def secret_key(self) -> str:
        return decrypt(self.secret_key_encrypted, purpose=SECRET_PURPOSE)

    @secret_key.setter
    def secret_key(self, value: str) -> None:
        self.secret_key_encrypted = encrypt(value, purpose=SECRET_PURPOSE)

    @property
    def webhook_secret(self) -> str:
        return decrypt(self.webhook_secret_encrypted, purpose=SECRET_PURPOSE)

    @webhook_secret.setter
    def webhook_secret(self, value: str) -> None:
        self.webhook_secret_encrypted = encrypt(value, purpose=SECRET_PURPOSE)


class EventOutcome(models.TextChoices):
    PAID = "paid", _("paiement reçu")
    PENDING = "pending", _("paiement en cours")
    FAILED = "failed", _("paiement refusé")
    REFUNDED = "refunded", _("paiement remboursé")
    DISPUTED = "disputed", _("paiement contesté")


class PaymentEvent(CompanyScoped):
    """One provider event, written once: the row is the claim (unique per event id), so a
    second delivery of the same event, even at the same time, records nothing. At most one
    « paid » row per checkout session, whatever events say it."""

    provider = models.CharField(_("prestataire"), max_length=30)
    event_id = models.CharField(_("événement"), max_length=255)
    event_type = models.CharField(_("type"), max_length=100)
    session = models.CharField(_("session de paiement"), max_length=255)
    intent = models.CharField(
        _("paiement chez le prestataire"), max_length=255, blank=True,
        help_text=_("Ce que nomment ensuite un remboursement ou une contestation."),
    )  # fmt: skip
    outcome = models.CharField(_("résultat"), max_length=10, choices=EventOutcome.choices)
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("devise"), max_length=3)
    method = models.CharField(_("mode"), max_length=20, blank=True)
    customer = models.ForeignKey(
        "receivables.Customer", null=True, blank=True, on_delete=models.SET_NULL
    )
    payment = models.OneToOneField(
        "receivables.Payment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payment_event",
    )
    numbers = models.CharField(_("pièces"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True)

    class Meta:
        verbose_name = _("événement de paiement en ligne")
        verbose_name_plural = _("événements de paiement en ligne")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "provider", "event_id"], name="payment_event_once"
            ),
            models.UniqueConstraint(
                fields=["company", "provider", "session"],
                condition=Q(outcome="paid"),
                name="payment_session_paid_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} {self.outcome}"
