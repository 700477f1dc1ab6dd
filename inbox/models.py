"""The reply mailbox of a company, and every message read from it (once)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from receivables.models.base import CompanyQuerySet, CompanyScoped

from .secret import decrypt, encrypt


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("aucune (réseau local seulement)")


class AfterRead(models.TextChoices):
    MOVE = "move", _("déplacer dans un dossier")
    FLAG = "flag", _("marquer (mot-clé $Relance)")


class Mailbox(CompanyScoped):
    """IMAP settings of the company's reply address, and how the last fetch went."""

    host = models.CharField(_("serveur IMAP"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("sécurité"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    login = models.CharField(_("identifiant"), max_length=200)
    password_encrypted = models.TextField(editable=False, blank=True)
    folder = models.CharField(_("dossier lu"), max_length=200, default="INBOX")
    after_read = models.CharField(
        _("après lecture"), max_length=10, choices=AfterRead.choices, default=AfterRead.MOVE
    )
    done_folder = models.CharField(_("dossier des messages lus"), max_length=200, default="Relance")
    enabled = models.BooleanField(_("relever ce compte"), default=True)
    # how the last fetches went: shown on the settings screen and the dashboard
    last_ok_at = models.DateTimeField(_("dernière relève réussie"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    failures = models.PositiveIntegerField(_("échecs de suite"), default=0)
    next_try_at = models.DateTimeField(_("prochain essai"), null=True, blank=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("boîte de réponses")
        verbose_name_plural = _("boîtes de réponses")
        constraints = [models.UniqueConstraint(fields=["company"], name="one_mailbox_per_company")]

    def __str__(self) -> str:
        return f"{self.login}@{self.host}/{self.folder}"

    @property
    def password(self) -> str:
        return decrypt(self.password_encrypted)

    @password.setter
    def password(self, value: str) -> None:
        self.password_encrypted = encrypt(value)

    @property
    def is_down(self) -> bool:
        return self.failures > 0


class Kind(models.TextChoices):
    REPLY = "reply", _("réponse")
    AUTO_REPLY = "auto_reply", _("réponse automatique")
    BOUNCE = "bounce", _("non distribué")
    UNMATCHED = "unmatched", _("non rattaché")


class Outcome(models.TextChoices):
    DONE = "done", _("traité")
    PROMISE = "promise", _("promesse de paiement")
    DISPUTE = "dispute", _("litige")
    PAID = "paid", _("déjà payé")


class InboundQuerySet(CompanyQuerySet):
    def to_handle(self):
        """What the « Réponses » screen lists: replies and unmatched mail not yet handled."""
        return self.filter(kind__in=[Kind.REPLY, Kind.UNMATCHED], handled_at__isnull=True)


class InboundMessage(CompanyScoped):
    """One message read from the mailbox: written (with its effects) before the message
    is moved or flagged on the server, so a crash between the two repeats nothing."""

    # None: an answer given on the customer portal (portal.actions), not read from a mailbox
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    message_id = models.CharField(_("Message-ID"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    customer = models.ForeignKey(
        "receivables.Customer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
        verbose_name=_("client"),
    )
    reminder = models.ForeignKey(
        "reminders.Reminder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
        verbose_name=_("rappel"),
    )
    matched_by = models.CharField(_("rattaché par"), max_length=20, blank=True)
    sender = models.CharField(_("de"), max_length=300, blank=True)
    subject = models.CharField(_("objet"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    received_at = models.DateTimeField(_("relevé le"), default=timezone.now)
    body_text = models.TextField(_("texte"), blank=True)
    body_html = models.TextField(_("HTML nettoyé"), blank=True)
    bounced_address = models.CharField(_("adresse rejetée"), max_length=300, blank=True)
    server_words = models.TextField(_("réponse du serveur"), blank=True)
    # what a person decided (replies and unmatched mail only)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    outcome = models.CharField(
        _("suite donnée"), max_length=10, choices=Outcome.choices, blank=True
    )
    promise_date = models.DateField(_("promesse au"), null=True, blank=True)
    dispute_reason = models.CharField(_("motif du litige"), max_length=200, blank=True)
    paid_on = models.DateField(_("payé le (selon le client)"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("montant payé (selon le client)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    objects = InboundQuerySet.as_manager()

    class Meta:
        verbose_name = _("message reçu")
        verbose_name_plural = _("messages reçus")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"], name="inbound_once_per_uid"
            ),
            models.UniqueConstraint(
                fields=["mailbox", "message_id"],
                condition=~Q(message_id=""),
                name="inbound_once_per_message_id",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "customer"], name="inbound_customer"),
            # the partial unique index above is not used by SQLite for an equality lookup
            models.Index(fields=["mailbox", "message_id"], name="inbound_message_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sender} {self.subject}"


class InboundAttachment(models.Model):
    """A file that came with a reply, stored once by its content (sha256)."""

    message = models.ForeignKey(InboundMessage, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="inbox/", blank=True)
    refused = models.CharField(max_length=200, blank=True, help_text="Why it was not kept.")

    def __str__(self) -> str:
        return self.filename


class ProviderEvent(models.Model):
    """An e-mail provider's event (django-anymail webhook), kept once per event id."""

    esp_name = models.CharField(max_length=40)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=20)
    company = models.ForeignKey(
        "receivables.Company", null=True, blank=True, on_delete=models.CASCADE
    )
    reminder = models.ForeignKey(
        "reminders.Reminder", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["esp_name", "event_id"], name="provider_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.esp_name} {self.event_type} {self.recipient}"
