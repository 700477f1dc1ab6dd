import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..validators import validate_siren, validate_vat
from .base import CompanyScoped


class PaymentMethod(models.TextChoices):
    UNSPECIFIED = "unspecified", _("<non précisé>")
    TRANSFER = "transfer", _("Virement")
    CHEQUE = "cheque", _("Chèque")
    CARD = "card", _("Carte")
    DIRECT_DEBIT = "direct_debit", _("Prélèvement")
    CASH = "cash", _("Espèces")


class OperationCategory(models.TextChoices):
    """Catégorie de l'opération, a mention of French invoices from 2026 (art. 242 nonies A
    annexe II CGI as amended for e-invoicing)."""

    UNSPECIFIED = "", _("—")
    GOODS = "goods", _("livraison de biens")
    SERVICES = "services", _("prestation de services")
    MIXED = "mixed", _("livraison de biens et prestation de services")


class Customer(CompanyScoped):
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("client"), max_length=200)
    contact_name = models.CharField(_("nom, prénom"), max_length=200, blank=True)
    emails = models.TextField(
        _("e-mails"),
        blank=True,
        help_text=_("Une ou plusieurs adresses, séparées par des virgules."),
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    address = models.TextField(_("adresse postale"), blank=True)
    postal_code = models.CharField(_("code postal"), max_length=20, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    language = models.CharField(_("langue"), max_length=5, default="fr")
    siren = models.CharField(
        "SIREN",
        max_length=9,
        blank=True,
        validators=[validate_siren],
        help_text=_("Mention obligatoire des factures entre professionnels à partir de 2026."),
    )
    vat_number = models.CharField(
        _("TVA intracommunautaire"), max_length=20, blank=True, validators=[validate_vat]
    )
    # 2026 mentions a document prints when it does not say otherwise (its own fields win).
    operation_category = models.CharField(
        _("catégorie de l'opération"),
        max_length=10,
        choices=OperationCategory.choices,
        blank=True,
        default="",
        help_text=_(
            "Mention obligatoire des factures à partir de 2026 ; la facture peut la préciser."
        ),
    )
    delivery_address = models.TextField(
        _("adresse de livraison"),
        blank=True,
        help_text=_("Si elle diffère de l'adresse de facturation ; imprimée sur les factures."),
    )
    is_business = models.BooleanField(
        _("professionnel (B2B)"),
        default=True,
        help_text=_("Décoché : consommateur (pas d'indemnité forfaitaire de 40 €)."),
    )
    default_payment_method = models.CharField(
        _("mode de paiement"),
        max_length=20,
        choices=PaymentMethod.choices,
        default=PaymentMethod.UNSPECIFIED,
    )
    no_reminders = models.BooleanField(_("ne pas relancer"), default=False)
    no_reminders_reason = models.CharField(_("motif"), max_length=200, blank=True)
    blocked_until = models.DateField(
        _("bloqué jusqu'au"),
        null=True,
        blank=True,
        help_text=_(
            "Litige ou blocage : aucune relance avant cette date (vide = sans fin si « ne pas relancer »)."
        ),
    )
    policy = models.ForeignKey(
        "dunning.Policy",
        verbose_name=_("procédure de relance"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Vide : la procédure par défaut de la société."),
    )
    # Kept by the inbox (inbox/effects.py): a reply waiting for a person pauses the
    # customer's reminders; an address that bounced sends the next one by letter.
    awaiting_reply = models.BooleanField(
        _("réponse à traiter"),
        default=False,
        editable=False,
        help_text=_("Le client a répondu : pas de relance avant que la réponse soit traitée."),
    )
    email_undeliverable = models.TextField(
        _("e-mail non distribuable"),
        blank=True,
        editable=False,
        help_text=_("Ce que le serveur du destinataire a répondu (vide = l'adresse fonctionne)."),
    )
    external_id = models.CharField(_("identifiant externe"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="customer_code_unique"),
        ]
        indexes = [  # the worklist in customers' order (issue 22)
            models.Index(fields=["company", "name", "id"], name="customer_by_name"),
            models.Index(fields=["company", "contact_name", "id"], name="customer_by_contact"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def email_list(self) -> list[str]:
        return [e for e in re.split(r"[,;\s]+", self.emails) if e]

    @property
    def postal_lines(self) -> list[str]:
        lines = [self.name]
        if self.contact_name:
            lines.append(self.contact_name)
        lines += [line for line in self.address.splitlines() if line.strip()]
        if self.postal_code or self.city:
            lines.append(f"{self.postal_code} {self.city}".strip())
        return lines

    @property
    def has_postal_address(self) -> bool:
        return bool(self.address.strip() and (self.postal_code or self.city))
