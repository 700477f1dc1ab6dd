from decimal import Decimal

from django.db import models
from django.db.models import Case, DecimalField, ExpressionWrapper, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from .base import CompanyQuerySet, CompanyScoped, money_field
from .customer import OperationCategory, PaymentMethod

MONEY = DecimalField(max_digits=14, decimal_places=2)


def balance_of(path: str = "") -> ExpressionWrapper:
    """What is left to pay, in SQL: the one writing of amount − paid_amount (`path` reaches
    the documents from another model, e.g. "documents__" from a customer)."""
    return ExpressionWrapper(F(f"{path}amount") - F(f"{path}paid_amount"), output_field=MONEY)


def percent_paid_of() -> Case:
    """How much of the amount is paid, in percent to one decimal (0 for an amount of 0)."""
    percent = DecimalField(max_digits=7, decimal_places=1)
    return Case(
        When(amount=0, then=Value(Decimal("0"))),
        default=ExpressionWrapper(
            F("paid_amount") * Value(Decimal("100")) / F("amount"), output_field=percent
        ),
        output_field=percent,
    )


class DocumentQuerySet(CompanyQuerySet):
    def with_balance(self):
        """Annotated with `balance` (the same value as `Document.balance`)."""
        return self.annotate(balance=balance_of())

    def unpaid(self):
        """With something left to pay."""
        return self.filter(amount__gt=F("paid_amount"))


class StopReason(models.TextChoices):
    """Why a document that would otherwise be followed is not (shown on the document)."""

    NONE = "", _("—")
    DONE = "done", _("procédure terminée")
    CUSTOMER_BLOCKED = "customer_blocked", _("client bloqué")
    DISPUTED = "disputed", _("en litige")
    BLOCKED = "blocked", _("pièce bloquée")
    DIRECT_DEBIT = "direct_debit", _("prélèvement")
    PROMISE = "promise", _("promesse de paiement")
    BELOW_MINIMUM = "below_minimum", _("solde sous le minimum du niveau")
    CREDIT = "credit", _("crédit non affecté du client couvrant le solde")
    REPLY = "reply", _("réponse à traiter")
    REJECTED = "rejected", _("rejetée par la plateforme")
    SUSPENDED = "suspended", _("suspendue par le client (plateforme)")


class LifecycleStatus(models.TextChoices):
    """The statuses French e-invoicing platforms return for an issued invoice (reform of
    September 2026). Codes and names: the DGFiP « Dossier de spécifications externes de
    la facturation électronique » (v3), lifecycle statuses of the invoice (§ 2.8 of the
    general document), as in the AFNOR XP Z12-012 standard; carried in UN/CEFACT CDAR
    D22B messages (`receivables/imports/cdar.py`). 200–203, 213 and 221 are set by the
    platforms; the others by the buyer (or the seller, for 211/212)."""

    DEPOSITED = "200", _("Déposée")
    ISSUED = "201", _("Émise par la plateforme")
    RECEIVED = "202", _("Reçue par la plateforme")
    AVAILABLE = "203", _("Mise à disposition")
    IN_HAND = "204", _("Prise en charge")
    APPROVED = "205", _("Approuvée")
    PARTLY_APPROVED = "206", _("Approuvée partiellement")
    DISPUTED = "207", _("En litige")
    SUSPENDED = "208", _("Suspendue")
    COMPLETED = "209", _("Complétée")
    REFUSED = "210", _("Refusée")
    PAYMENT_SENT = "211", _("Paiement transmis")
    COLLECTED = "212", _("Encaissée")
    REJECTED = "213", _("Rejetée")
    REVIEWED = "214", _("Visée")
    CANCELLED = "220", _("Annulée")
    ROUTING_ERROR = "221", _("Erreur de routage")
    DIRECT_PAYMENT = "224", _("Demande de paiement direct")
    FACTORED = "225", _("Affacturée")
    FACTORED_CONFIDENTIAL = "226", _("Affacturée confidentiel")
    PAYER_CHANGED = "227", _("Changement de compte à payer")
    NOT_FACTORED = "228", _("Non affacturée")


# What a document's latest lifecycle status does to its reminders (dunning/rules.py and
# its SQL twin dunning/scan.py): the buyer refused or disputes it → dispute stop; the
# buyer suspended it (waiting for a missing piece) → pause until a later status; the
# platform rejected it (it was never validly issued) → never reminded.
LIFECYCLE_DISPUTE = (LifecycleStatus.DISPUTED.value, LifecycleStatus.REFUSED.value)
LIFECYCLE_PAUSE = (LifecycleStatus.SUSPENDED.value,)
LIFECYCLE_REJECTED = (LifecycleStatus.REJECTED.value,)
LIFECYCLE_STOPS = LIFECYCLE_DISPUTE + LIFECYCLE_PAUSE + LIFECYCLE_REJECTED


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("facture")
    CREDIT_NOTE = "credit_note", _("avoir")
    QUOTE = "quote", _("devis")
    DEBIT_NOTE = "debit_note", _("note de débit")


# Kinds the engine reminds with the invoice procedure: a debit note (the charges
# invoiced) is reminded like an invoice.
INVOICE_LIKE = (DocumentKind.INVOICE, DocumentKind.DEBIT_NOTE)


class DocumentState(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    OPEN = "open", _("ouverte")
    PAID = "paid", _("payée")
    CANCELLED = "cancelled", _("annulée")
    # quotes
    ACCEPTED = "accepted", _("accepté")
    REFUSED = "refused", _("refusé")
    EXPIRED = "expired", _("expiré")


# Worklist sorts with an index each. Not the columns a send or the scan writes (levels,
# reminder count, last reminder date): an index on one makes every such update rewrite
# every index of the row (no HOT update): 10,000 e-mails on PostgreSQL went 271 -> 189/s.
# They are sorted through their copy in a narrow table of their own (DocumentSortKey).
WORKLIST_SORTED = ("number", "issue_date", "payment_method", "description", "amount")
WORKLIST_SORTED += ("paid_amount",)


class Document(CompanyScoped):
    """An invoice, a credit note or a quote: one table so the worklist, the scan and
    reminders treat them alike. For a quote, `due_date` is its validity date."""

    kind = models.CharField(_("type"), max_length=12, choices=DocumentKind.choices)
    number = models.CharField(_("numéro"), max_length=50)
    issue_date = models.DateField(_("date"))
    due_date = models.DateField(_("échéance"), help_text=_("Pour un devis : date de validité."))
    payment_method = models.CharField(
        _("mode pmt"),
        max_length=20,
        choices=PaymentMethod.choices,
        default=PaymentMethod.UNSPECIFIED,
    )
    customer = models.ForeignKey(
        "receivables.Customer",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("client"),
    )
    description = models.CharField(_("nature"), max_length=300, blank=True)
    amount = money_field(_("montant TTC"))
    # Header totals when the file gives them (the lines, when imported, give them too).
    amount_excl_tax = money_field(_("montant HT"), null=True, blank=True)
    tax_amount = money_field(_("montant TVA"), null=True, blank=True)
    operation_category = models.CharField(
        _("catégorie de l'opération"),
        max_length=10,
        choices=OperationCategory.choices,
        blank=True,
        default="",
    )
    delivery_address = models.TextField(
        _("adresse de livraison"), blank=True, help_text=_("Si elle diffère de celle du client.")
    )
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    state = models.CharField(
        _("état"), max_length=10, choices=DocumentState.choices, default=DocumentState.OPEN
    )
    pdf = models.FileField(_("PDF"), upload_to="documents/%Y/%m/", blank=True)
    external_id = models.CharField(_("identifiant externe"), max_length=100, blank=True)
    paid_amount = money_field(
        _("réglé"),
        default=Decimal("0"),
        editable=False,
        help_text=_("Somme des règlements et avoirs affectés ; jamais saisi à la main."),
    )

    # Stop conditions a person sets on the document.
    disputed = models.BooleanField(_("en litige"), default=False)
    block_reason = models.CharField(_("motif du blocage"), max_length=200, blank=True)
    blocked_until = models.DateField(_("bloqué jusqu'au"), null=True, blank=True)
    promise_date = models.DateField(
        _("promesse de paiement au"),
        null=True,
        blank=True,
        help_text=_("Pas de relance avant cette date."),
    )

    # Dunning state, maintained by the daily scan and by sent reminders.
    dunning_level = models.PositiveSmallIntegerField(
        _("niveau de relance"),
        default=0,
        help_text=_("Rang du dernier niveau atteint (0 = aucun)."),
    )
    pending_level = models.PositiveSmallIntegerField(
        _("niveau à faire"),
        null=True,
        blank=True,
        help_text=_("Rang du niveau dû, en attente d'envoi (vide = rien à faire)."),
    )
    # Not indexed: the daily scan rewrites it, and an index on a column the scan writes
    # makes PostgreSQL copy every index entry of the row (no HOT update): 83 s → 15 s
    # for the first scan of 1 M invoices (bench/scan.py, issue 22).
    to_remind = models.BooleanField(_("à relancer"), default=False)
    to_remind_since = models.DateField(_("à relancer depuis"), null=True, blank=True)
    reminder_count = models.PositiveIntegerField(_("nombre de rappels"), default=0)
    last_reminder_date = models.DateField(_("date du dernier rappel"), null=True, blank=True)
    next_action_date = models.DateField(_("prochaine action le"), null=True, blank=True)
    stop_reason = models.CharField(
        _("relance suspendue"),
        max_length=20,
        choices=StopReason.choices,
        blank=True,
        default="",
        help_text=_("Pourquoi la pièce n'est pas relancée (tenu à jour par le scan quotidien)."),
    )
    removed_from_worklist = models.BooleanField(default=False, editable=False)
    # The latest e-invoicing lifecycle status the platform returned (receivables/lifecycle.py).
    lifecycle_status = models.CharField(
        _("statut plateforme"),
        max_length=3,
        choices=LifecycleStatus.choices,
        blank=True,
        default="",
        editable=False,
    )
    lifecycle_date = models.DateField(
        _("statut plateforme du"), null=True, blank=True, editable=False
    )
    # A debit note a collector waived: cancelled, its number kept (no gap), and why.
    waived_reason = models.CharField(_("motif de l'abandon"), max_length=300, blank=True)
    waived_at = models.DateTimeField(_("abandonnée le"), null=True, blank=True)
    waived_by = models.CharField(_("abandonnée par"), max_length=150, blank=True)
    # A credit note Relance issues names the document it cancels (EN 16931 BT-25).
    cancels = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cancelled_by",
        verbose_name=_("annule"),
        editable=False,
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("pièce")
        verbose_name_plural = _("pièces")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "number"], name="document_number_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="document_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("amount")),
                name="document_paid_within_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "state", "due_date"], name="document_open_due"),
            models.Index(fields=["company", "customer"], name="document_customer"),
            # the worklist's first page in each column's order (issue 22): read in index
            # order, 50 rows, not a sort of every document; none holds a column the scan
            # writes (its updates stay in place, see dunning.scan)
            *(
                models.Index(fields=["company", column, "id"], name=f"document_by_{column}"[:30])
                for column in WORKLIST_SORTED
            ),
            models.Index(
                F("company"), F("amount") - F("paid_amount"), F("id"), name="document_by_balance"
            ),
            models.Index(F("company"), percent_paid_of(), F("id"), name="document_by_percent_paid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def balance(self) -> Decimal:
        return self.amount - self.paid_amount

    @balance.setter
    def balance(self, value) -> None:
        """Accepts the SQL annotation of the same name (receivables.worklist): same value."""

    @property
    def percent_paid(self) -> Decimal:
        if not self.amount:
            return Decimal("0")
        return (self.paid_amount * 100 / self.amount).quantize(Decimal("0.1"))

    @percent_paid.setter
    def percent_paid(self, value) -> None:
        """Accepts the SQL annotation of the same name (receivables.worklist): same value."""

    def days_late(self, as_of) -> int:
        return (as_of - self.due_date).days

    @staticmethod
    def overdue_filter(as_of) -> Q:
        """An open invoice or debit note, not paid in full, past due on `as_of` (a
        customer's overdue documents, reminders.rendering); `overdue_on` on a loaded row."""
        return Q(kind__in=INVOICE_LIKE, state=DocumentState.OPEN, due_date__lt=as_of,
                 paid_amount__lt=F("amount"))  # fmt: skip

    def overdue_on(self, as_of) -> bool:
        """`overdue_filter` on a loaded row."""
        return (
            self.kind in INVOICE_LIKE
            and self.state == DocumentState.OPEN
            and self.due_date < as_of
            and self.paid_amount < self.amount
        )

    # The 2026 mentions as printed: the document's own, else its customer's (customer file).
    @property
    def operation(self) -> str:
        """The category of the operation: « goods », « services », « mixed » or "". Only an
        invoice takes its customer's: a debit note of charges or a credit note cancelling
        one is no supply."""
        if self.operation_category or self.kind != DocumentKind.INVOICE:
            return self.operation_category
        return self.customer.operation_category

    @property
    def operation_label(self) -> str:
        return OperationCategory(self.operation).label if self.operation else ""

    @property
    def delivery_place(self) -> str:
        """The delivery address, printed only when it differs from the billing address."""
        place = self.delivery_address
        if not place and self.kind == DocumentKind.INVOICE:
            place = self.customer.delivery_address
        place = place.strip()
        customer = self.customer
        billing = f"{customer.address}\n{customer.postal_code} {customer.city}"
        return "" if _same_address(place, billing) else place


def _same_address(a: str, b: str) -> bool:
    def words(text: str) -> list[str]:
        return " ".join(text.replace(",", " ").split()).casefold().split()

    return words(a) == words(b)


class InvoiceManager(models.Manager.from_queryset(DocumentQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=DocumentKind.INVOICE)


class QuoteManager(models.Manager.from_queryset(DocumentQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=DocumentKind.QUOTE)


class Invoice(Document):
    objects = InvoiceManager()

    class Meta:
        proxy = True
        verbose_name = _("facture")
        verbose_name_plural = _("factures")

    def save(self, *args, **kwargs):
        self.kind = self.kind or DocumentKind.INVOICE
        super().save(*args, **kwargs)


class Quote(Document):
    objects = QuoteManager()

    class Meta:
        proxy = True
        verbose_name = _("devis")
        verbose_name_plural = _("devis")

    def save(self, *args, **kwargs):
        self.kind = DocumentKind.QUOTE
        super().save(*args, **kwargs)

    @property
    def validity_date(self):
        return self.due_date
