"""Bank statements in: one row per imported statement and per line of it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from receivables.models.base import CompanyScoped, money_field


class StatementFormat(models.TextChoices):
    CAMT053 = "camt053", "CAMT.053"
    OFX = "ofx", "OFX"
    MT940 = "mt940", "MT940"


class Statement(CompanyScoped):
    account = models.CharField(_("compte"), max_length=64, help_text=_("IBAN ou numéro du compte."))
    format = models.CharField(_("format"), max_length=10, choices=StatementFormat.choices)
    file_name = models.CharField(_("fichier"), max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, editable=False)
    reference = models.CharField(_("référence du relevé"), max_length=100, blank=True)
    date_from = models.DateField(_("du"), null=True, blank=True)
    date_to = models.DateField(_("au"), null=True, blank=True)
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("relevé bancaire")
        verbose_name_plural = _("relevés bancaires")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.account} {self.date_from or ''}–{self.date_to or ''}"


class LineStatus(models.TextChoices):
    MATCHED = "matched", _("rapproché")
    PROPOSED = "proposed", _("à confirmer")
    UNMATCHED = "unmatched", _("non rapproché")
    DEBIT = "debit", _("débit (ignoré)")


RULE_LABELS = {
    "rf": _("référence structurée RF"),
    "reference": _("n° de facture dans le libellé"),
    "customer_amount": _("client et montant exact"),
    "customer_total": _("client et total de ses soldes"),
    "said_paid": _("le client a répondu avoir payé ce montant"),
    "amount": _("montant seul"),
}


class StatementLine(CompanyScoped):
    """One booked movement. Unique per (company, account, fingerprint): importing the same
    movement twice, from the same file or an overlapping one, creates nothing twice."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    account = models.CharField(_("compte"), max_length=64)
    fingerprint = models.CharField(
        max_length=64,
        editable=False,
        help_text=_(
            "Référence de la banque, sinon empreinte de la date, du montant et du libellé."
        ),
    )
    booking_date = models.DateField(_("date"))
    value_date = models.DateField(_("date de valeur"), null=True, blank=True)
    amount = money_field(_("montant"), help_text=_("Positif : crédit ; négatif : débit."))
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    counterparty = models.CharField(_("contrepartie"), max_length=200, blank=True)
    counterparty_account = models.CharField(
        _("compte de la contrepartie"), max_length=64, blank=True
    )
    remittance = models.TextField(_("libellé"), blank=True)
    bank_reference = models.CharField(_("référence banque"), max_length=100, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=LineStatus.choices, default=LineStatus.UNMATCHED
    )
    rule = models.CharField(_("règle"), max_length=30, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    customer = models.ForeignKey(
        "receivables.Customer", null=True, blank=True, on_delete=models.SET_NULL
    )
    payment = models.OneToOneField(
        "receivables.Payment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statement_line",
    )

    class Meta:
        verbose_name = _("ligne de relevé")
        verbose_name_plural = _("lignes de relevé")
        ordering = ["booking_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "account", "fingerprint"], name="statement_line_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount} {self.counterparty}"

    @property
    def note_label(self) -> str:
        """The note in the reader's language (stored as its French msgid)."""
        return gettext(self.note) if self.note else ""

    @property
    def rule_label(self) -> str:
        confirmed, _sep, rule = self.rule.rpartition(":")
        label = str(RULE_LABELS.get(rule, rule))
        return f"{_('confirmé')} ({label})" if confirmed else label


class Proposal(CompanyScoped):
    """A candidate invoice for a line that a person must confirm (ambiguous match)."""

    line = models.ForeignKey(StatementLine, on_delete=models.CASCADE, related_name="proposals")
    invoice = models.ForeignKey("receivables.Document", on_delete=models.CASCADE)
    rule = models.CharField(_("règle"), max_length=30)

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        constraints = [
            models.UniqueConstraint(fields=["line", "invoice"], name="proposal_once"),
        ]


# Pay online (banking/online/): its models live with it, registered here for Django.
from .online.models import EventOutcome, OnlinePayment, PaymentEvent  # noqa: E402, F401
