from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .base import CompanyScoped, money_field
from .customer import PaymentMethod


class Payment(CompanyScoped):
    customer = models.ForeignKey(
        "receivables.Customer",
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("client"),
    )
    date = models.DateField(_("date"))
    amount = money_field(_("montant"))
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    method = models.CharField(
        _("mode"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    reference = models.CharField(_("référence"), max_length=140, blank=True)
    external_id = models.CharField(_("identifiant externe"), max_length=100, blank=True)
    allocated_amount = money_field(_("affecté"), default=Decimal("0"), editable=False)

    class Meta:
        verbose_name = _("règlement")
        verbose_name_plural = _("règlements")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated_amount__gte=0) & Q(allocated_amount__lte=F("amount")),
                name="payment_allocated_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.reference}".strip()

    @property
    def unallocated(self) -> Decimal:
        return self.amount - self.allocated_amount


class Allocation(CompanyScoped):
    """Part of a payment or of a credit note settling part of an invoice."""

    invoice = models.ForeignKey(
        "receivables.Document", on_delete=models.CASCADE, related_name="allocations"
    )
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.CASCADE, related_name="allocations"
    )
    credit_note = models.ForeignKey(
        "receivables.Document",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="credit_allocations",
    )
    amount = money_field(_("montant"))
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(
                condition=(Q(payment__isnull=False) & Q(credit_note__isnull=True))
                | (Q(payment__isnull=True) & Q(credit_note__isnull=False)),
                name="allocation_one_source",
            ),
        ]
