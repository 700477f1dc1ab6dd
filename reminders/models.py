"""Templates, and the outbox: every reminder is a row before it is anything else."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dunning.models import Channel
from receivables.models.base import CompanyQuerySet, CompanyScoped

from .keywords import unknown_keywords
from .sanitize import clean_html


class Language(models.TextChoices):
    FR = "fr", _("Français")
    EN = "en", _("English")


class Template(CompanyScoped):
    """The words of one level, for one channel and one language."""

    level = models.ForeignKey(
        "dunning.Level",
        on_delete=models.CASCADE,
        related_name="templates",
        verbose_name=_("niveau"),
    )
    channel = models.CharField(_("canal"), max_length=12, choices=Channel.choices)
    language = models.CharField(_("langue"), max_length=5, choices=Language.choices)
    subject = models.CharField(
        _("objet"), max_length=255, blank=True, help_text=_("Une seule ligne ; mots clés permis.")
    )
    body_text = models.TextField(_("texte"), blank=True, help_text=_("Corps de l'e-mail, texte."))
    body_html = models.TextField(
        _("HTML"),
        blank=True,
        help_text=_("Corps de l'e-mail (HTML) ou de la lettre (HTML/CSS, imprimée sur A4)."),
    )

    class Meta:
        verbose_name = _("modèle de relance")
        verbose_name_plural = _("modèles de relance")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "channel", "language"], name="template_level_channel_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} · {self.get_channel_display()} · {self.language}"

    def clean(self) -> None:
        # letters print it and e-mails carry it: only an allowlist of HTML is kept
        self.body_html = clean_html(self.body_html)
        errors: dict[str, list[str]] = {}
        if "\n" in self.subject or "\r" in self.subject:
            errors["subject"] = [str(_("L'objet ne peut pas contenir de retour à la ligne."))]
        for name in ("subject", "body_text", "body_html"):
            unknown = unknown_keywords(getattr(self, name))
            if unknown:
                errors.setdefault(name, []).append(
                    str(_("Mot clé inconnu : %(kw)s."))
                    % {"kw": ", ".join(f"%{k}%" for k in unknown)}
                )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.clean()  # refused on save, whoever saves it (admin, screens, API, import)
        super().save(*args, **kwargs)


class BatchState(models.TextChoices):
    OPEN = "open", _("en cours")
    DONE = "done", _("terminé")


class Batch(CompanyScoped):
    """One "send" of many reminders; its summary is `summary.batch_summary`."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    channel = models.CharField(
        _("canal"), max_length=12, choices=Channel.choices, blank=True, help_text=_("Vide : mixte.")
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    state = models.CharField(
        _("état"), max_length=10, choices=BatchState.choices, default=BatchState.OPEN
    )
    counts = models.JSONField(_("comptes à la création"), default=dict, blank=True)
    letters_pdf = models.FileField(_("lettres (PDF)"), upload_to="letters/%Y/%m/", blank=True)
    letters_pages = models.PositiveIntegerField(_("pages"), default=0)

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M}"


class ReminderState(models.TextChoices):
    QUEUED = "queued", _("en file d'attente")
    SENDING = "sending", _("en cours d'envoi")
    SENT = "sent", _("envoyé")
    FAILED = "failed", _("échec")
    CANCELLED = "cancelled", _("annulé")
    NEEDS_REVIEW = "needs_review", _("à vérifier")


# A document may have one of these per level: a failed or cancelled row may be redone.
LIVE_STATES = [
    ReminderState.QUEUED,
    ReminderState.SENDING,
    ReminderState.SENT,
    ReminderState.NEEDS_REVIEW,
]


class Reminder(CompanyScoped):
    """The outbox row: written (rendered, with its attachments) before anything leaves."""

    # No index of its own: `reminder_customer` (company, customer) serves it. Every index
    # is written again when a row changes state (claimed, then sent), so none twice.
    company = models.ForeignKey("receivables.Company", on_delete=models.CASCADE, db_index=False)
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )
    customer = models.ForeignKey(
        "receivables.Customer", on_delete=models.PROTECT, related_name="reminders"
    )
    level = models.ForeignKey(
        "dunning.Level", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level_rank = models.PositiveSmallIntegerField(_("niveau"), default=0)
    level_name = models.CharField(_("nom du niveau"), max_length=100, blank=True)
    channel = models.CharField(_("canal"), max_length=12, choices=Channel.choices)
    documents = models.ManyToManyField(
        "receivables.Document", through="ReminderDocument", related_name="reminders"
    )
    language = models.CharField(_("langue"), max_length=5, default="fr")
    recipient = models.JSONField(
        _("destinataire"), default=list, help_text=_("Adresses e-mail, ou lignes de l'adresse.")
    )
    subject = models.CharField(_("objet"), max_length=255, blank=True)
    body_text = models.TextField(_("texte"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    # an e-mail is worded (and its PDFs attached) by the worker that sends it, just
    # before: with that day's figures, and a big batch is written in seconds
    words_pending = models.BooleanField(_("rédigé à l'envoi"), default=False)
    state = models.CharField(
        _("état"),
        max_length=12,
        choices=ReminderState.choices,
        default=ReminderState.QUEUED,
    )  # indexed first in `reminder_outbox_order` (state, next_attempt_at, id)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    claimed_by = models.CharField(max_length=40, blank=True, editable=False)
    # committed just before the message goes to the SMTP server: a crash after it leaves
    # the row in doubt (review); a crash before it leaves the row safe to resend
    handed_at = models.DateTimeField(_("remis au serveur le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    undelivered = models.TextField(
        _("non distribué"),
        blank=True,
        help_text=_("Retour du serveur du destinataire après l'envoi (inbox : rebond)."),
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    phone_call = models.ForeignKey(
        "PhoneCall", null=True, blank=True, on_delete=models.SET_NULL, related_name="reminders"
    )

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("rappel")
        verbose_name_plural = _("rappels")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # in the claim's order (outbox.claim): a chunk is the index's first rows, not
            # a sort of every queued row (a batch of 10,000 made that 200 sorts of
            # thousands of rows: 5.8 ms of database CPU per claim, quadratic in its size)
            models.Index(fields=["state", "next_attempt_at", "id"], name="reminder_outbox_order"),
            models.Index(fields=["company", "customer"], name="reminder_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.customer} ({self.get_state_display()})"

    @property
    def error_in_words(self) -> str:
        """The last error in the reader's language when Relance wrote it (the SMTP
        server's own words stay as they came)."""
        return gettext(self.last_error) if self.last_error else ""

    @property
    def shown_state(self) -> str:
        """The state a person reads: a message the server accepted is sent, even while
        its row waits, 'sending', for the end of its chunk (reminders/ledger.py)."""
        if self.state == ReminderState.SENDING and self.sent_at:
            return ReminderState.SENT
        return self.state

    @staticmethod
    def in_shown_state(state: str) -> Q:
        """The rows a person reads in `state` (`shown_state`), as a filter."""
        accepted = Q(state=ReminderState.SENDING, sent_at__isnull=False)
        if state == ReminderState.SENT:
            return Q(state=state) | accepted
        if state == ReminderState.SENDING:
            return Q(state=state) & ~accepted
        return Q(state=state)

    @property
    def is_email(self) -> bool:
        return self.channel in (Channel.EMAIL, Channel.FIRM_EMAIL)


class ReminderDocument(models.Model):
    """A document in a reminder, at its own level: one live reminder per document and level."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="links")
    document = models.ForeignKey(
        "receivables.Document", on_delete=models.CASCADE, related_name="reminder_links"
    )
    level_rank = models.PositiveSmallIntegerField()
    live = models.BooleanField(default=True, help_text="False once the reminder failed/cancelled.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["document", "level_rank"],
                condition=Q(live=True),
                name="one_live_reminder_per_document_level",
            ),
            models.UniqueConstraint(fields=["reminder", "document"], name="reminder_document"),
        ]

    def __str__(self) -> str:
        return f"{self.reminder_id}:{self.document_id}@{self.level_rank}"


class Attachment(models.Model):
    """A file sent with a reminder, kept as proof. Files are content-addressed: the same
    invoice PDF attached to many reminders is stored once and never rewritten."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "receivables.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    file = models.FileField(upload_to="reminders/")
    mimetype = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.filename


class CallOutcome(models.TextChoices):
    PROMISE = "promise", _("promesse de paiement")
    DISPUTE = "dispute", _("litige")
    VOICEMAIL = "voicemail", _("messagerie")
    UNREACHABLE = "unreachable", _("injoignable")
    SAYS_PAID = "says_paid", _("dit avoir payé")
    WILL_PAY = "will_pay", _("va payer")


class PhoneCall(CompanyScoped):
    """A call logged on the customer's file; a promise or a dispute stops reminders."""

    customer = models.ForeignKey(
        "receivables.Customer", on_delete=models.PROTECT, related_name="phone_calls"
    )
    documents = models.ManyToManyField("receivables.Document", related_name="phone_calls")
    called_at = models.DateTimeField(_("le"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("par"),
    )
    outcome = models.CharField(_("résultat"), max_length=12, choices=CallOutcome.choices)
    promise_date = models.DateField(_("promesse de paiement au"), null=True, blank=True)
    dispute_reason = models.CharField(_("motif du litige"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        ordering = ["-called_at"]

    def __str__(self) -> str:
        return f"{self.customer} {self.called_at:%Y-%m-%d} {self.get_outcome_display()}"
