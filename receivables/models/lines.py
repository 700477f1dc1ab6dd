"""What a document is made of (its lines, when the file gives them or when Relance writes
the document itself) and the gapless numbering of the documents Relance issues."""

from decimal import Decimal

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .base import money_field


class VatCategory(models.TextChoices):
    """EN 16931 VAT category codes (UNTDID 5305, the subset we write)."""

    STANDARD = "S", _("taux normal ou réduit")
    ZERO = "Z", _("taux zéro")
    EXEMPT = "E", _("exonéré")
    REVERSE = "AE", _("autoliquidation")
    OUT_OF_SCOPE = "O", _("hors champ de la TVA")


class Charge(models.TextChoices):
    NONE = "", "—"
    INTEREST = "interest", _("intérêts de retard")
    INDEMNITY = "indemnity", _("indemnité forfaitaire de recouvrement")


class DocumentLine(models.Model):
    document = models.ForeignKey(
        "receivables.Document", on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(default=1)
    description = models.CharField(_("désignation"), max_length=300)
    quantity = models.DecimalField(_("quantité"), max_digits=14, decimal_places=4, default=1)
    unit_price = models.DecimalField(_("prix unitaire HT"), max_digits=14, decimal_places=4)
    net_amount = money_field(_("montant HT"))
    vat_category = models.CharField(
        _("catégorie de TVA"), max_length=2, choices=VatCategory.choices, default="S"
    )
    vat_rate = models.DecimalField(_("taux de TVA"), max_digits=5, decimal_places=2, default=0)
    # On a debit note: the invoice whose late payment the line charges, and until when.
    source = models.ForeignKey(
        "receivables.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="charged_lines",
    )
    charge = models.CharField(max_length=10, choices=Charge.choices, blank=True, default="")
    charged_until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("ligne")
        verbose_name_plural = _("lignes")
        ordering = ["document", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.description} {self.net_amount}"

    @property
    def percent(self) -> str:
        from ..totals import percent

        return percent(self.vat_rate)

    @property
    def tax(self) -> Decimal:
        return (self.net_amount * self.vat_rate / 100).quantize(Decimal("0.01"))


class NumberSequence(models.Model):
    """The last number a company issued for a kind of document Relance writes: taken under
    a row lock in the transaction that creates the document, so numbers have no gap."""

    company = models.ForeignKey("receivables.Company", on_delete=models.CASCADE)
    kind = models.CharField(max_length=12)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "kind"], name="number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.last}"

    @classmethod
    def take(cls, company, kind: str) -> int:
        """The next number; call inside the transaction that saves the document."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("NumberSequence.take must run inside a transaction")
        cls.objects.get_or_create(company=company, kind=kind)
        row = cls.objects.select_for_update().get(company=company, kind=kind)
        row.last += 1
        row.save(update_fields=["last"])
        return row.last
