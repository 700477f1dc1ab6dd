from decimal import Decimal

from django.db import models, transaction
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

    def save(self, *args, **kwargs):
        """One default per company and kind: this one becoming the default hands the role
        over (the others lose it in the same transaction), wherever it is saved from; a
        new one is the default when its kind has none yet."""
        with transaction.atomic():
            if self._state.adding and not self.is_default:
                # The first procedure of its kind is the default: never a silent scan.
                self.is_default = not Policy.objects.filter(
                    company_id=self.company_id, kind=self.kind, is_default=True
                ).exists()
            if self.is_default:
                Policy.objects.filter(
                    company_id=self.company_id, kind=self.kind, is_default=True
                ).exclude(pk=self.pk).update(is_default=False)
            super().save(*args, **kwargs)


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
    invoices_charges = models.BooleanField(
        _("facture les pénalités"),
        default=False,
        help_text=_(
            "Une fois le message envoyé, les pénalités et l'indemnité qu'il réclame sont "
            "facturées par une note de débit, relancée ensuite comme une facture."
        ),
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


class RateSeries(models.TextChoices):
    ECB_MRO = "ECB_MRO", _("BCE – opérations principales de refinancement")
    DE_BASIS = "DE_BASIS", _("Allemagne – Basiszinssatz (§ 247 BGB)")
    BOE_BASE = "BOE_BASE", _("Royaume-Uni – Bank Rate (Banque d'Angleterre)")
    FR_LEGAL = "FR_LEGAL", _("France – taux de l'intérêt légal (créancier professionnel)")


class ReferenceRate(models.Model):
    """A base rate in force from `date` until the next row of the same series.

    Late-payment interest takes, for each half-year, the rate in force on 1 January or
    1 July: add a row when the central bank or the government publishes a new one."""

    series = models.CharField(_("série"), max_length=20, choices=RateSeries.choices)
    date = models.DateField(_("en vigueur à partir du"))
    rate = models.DecimalField(_("taux (%)"), max_digits=6, decimal_places=3)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("taux de référence")
        verbose_name_plural = _("taux de référence")
        ordering = ["series", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["series", "date"], name="reference_rate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.date}: {self.rate} %"


class InterestStart(models.TextChoices):
    DUE_DATE = "due_date", _("le lendemain de l'échéance")
    FORMAL_NOTICE = "formal_notice", _("le lendemain de la mise en demeure")


class LateChargeRule(models.Model):
    """Late-payment interest and fixed indemnity of one jurisdiction, as data.

    Interest = balance × (base rate of the half-year + margin) × days / 365, simple,
    by half-year, rounded to the cent; the indemnity is the amount of the highest band
    whose threshold the balance reaches (one per invoice)."""

    jurisdiction = models.CharField(
        _("juridiction"), max_length=2, help_text=_("Code pays du créancier (FR, DE, GB) ou EU.")
    )
    business = models.BooleanField(
        _("entre professionnels (B2B)"), help_text=_("Décoché : client consommateur (B2C).")
    )
    name = models.CharField(_("nom"), max_length=200)
    rate_series = models.CharField(
        _("taux de base"), max_length=20, choices=RateSeries.choices, blank=True
    )
    margin_points = models.DecimalField(
        _("majoration (points)"), max_digits=6, decimal_places=3, default=0
    )
    interest_from = models.CharField(
        _("intérêts courant à partir"),
        max_length=20,
        choices=InterestStart.choices,
        default=InterestStart.DUE_DATE,
    )
    currency = models.CharField(_("devise de l'indemnité"), max_length=3, default="EUR")
    indemnity_bands = models.JSONField(
        _("indemnité forfaitaire"),
        default=list,
        blank=True,
        help_text=_(
            'Paliers [[solde à partir de, montant], ...], ex. [["0", "40"]] ; vide = aucune.'
        ),
    )
    reference = models.CharField(_("texte de loi"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("règle de pénalités de retard")
        verbose_name_plural = _("règles de pénalités de retard")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "business"], name="late_charge_rule_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanPart(models.Model):
    """One document's share of one instalment of an accepted payment plan (the plan and
    its instalments are the portal's: portal.plans writes these rows, the engine reads
    them). While the plan holds, the engine chases the first part not yet paid — on its
    date, for its amount — instead of the document's own due date and whole balance."""

    document = models.ForeignKey(
        "receivables.Document", on_delete=models.CASCADE, related_name="plan_parts"
    )
    plan_ref = models.PositiveIntegerField(help_text="The portal's PaymentPlan id.")
    due_date = models.DateField(_("échéance"))
    amount = money_field(_("montant"))
    left_after = money_field(
        _("reste dû après"), help_text=_("Le solde de la pièce une fois cette échéance payée.")
    )
    breaks_on = models.DateField(
        _("rompu le"),
        null=True,
        blank=True,
        help_text=_("Encore impayée ce jour-là, l'échéance rompt l'échéancier (vide : jamais)."),
    )

    class Meta:
        verbose_name = _("part d'échéance")
        verbose_name_plural = _("parts d'échéances")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "due_date"], name="plan_part_one_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} {self.due_date} {self.amount}"
