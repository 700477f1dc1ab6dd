from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import CompanyScoped, money_field
from .document import LifecycleStatus


class LifecycleEvent(CompanyScoped):
    """One e-invoicing lifecycle status received for an invoice (a CDAR message, a CSV
    line or an API item); its latest one is copied on the document. Kept once per
    invoice, status and date, so a file read again changes nothing."""

    document = models.ForeignKey(
        "receivables.Document", on_delete=models.CASCADE, related_name="lifecycle_events"
    )
    code = models.CharField(_("statut"), max_length=3, choices=LifecycleStatus.choices)
    date = models.DateField(_("date"))
    reason_code = models.CharField(_("code motif"), max_length=20, blank=True)
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    amount = money_field(_("montant"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    message_id = models.CharField(_("identifiant du message"), max_length=200, blank=True)
    payment = models.ForeignKey(
        "receivables.Payment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lifecycle_events",
    )
    received_at = models.DateTimeField(_("reçu le"), auto_now_add=True)

    class Meta:
        verbose_name = _("statut de cycle de vie")
        verbose_name_plural = _("statuts de cycle de vie")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "code", "date"], name="lifecycle_event_once"
            )
        ]
        ordering = ["date", "received_at", "id"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.code} {self.date}"
