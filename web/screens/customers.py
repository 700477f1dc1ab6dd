"""Customer list and customer file: contacts, aging, timeline, notes, promise, block."""

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dunning.reckoner import customer_reckonings
from dunning.services import record_promise
from portal.summary import summary as portal_summary
from receivables.collation import by_name
from receivables.models import (
    INVOICE_LIKE,
    Customer,
    Document,
    DocumentState,
    Role,
    balance_of,
)
from reminders.models import Reminder, ReminderState
from web.company import company_of, require_role

from . import history
from .common import CheckboxesFirst, LevelNames, can_send
from .dates import DayDateField

MONEY = DecimalField(max_digits=16, decimal_places=2)
BUCKETS = [
    ("not_due", gettext_lazy("Non échu"), None, 0),
    ("d1_30", gettext_lazy("1–30 j"), 1, 30),
    ("d31_60", gettext_lazy("31–60 j"), 31, 60),
    ("d61_90", gettext_lazy("61–90 j"), 61, 90),
    ("d90", gettext_lazy("> 90 j"), 91, None),
]


def aging(documents, as_of: date) -> dict:
    """Open balance by days late and by currency, one aggregate query: {"currencies":
    [codes], "rows": [(label, [amount per currency])]}; two currencies are never added."""
    balance = balance_of()
    sums = {}
    for key, _label, low, high in BUCKETS:
        cond = Q()
        if low is None:
            cond &= Q(due_date__gte=as_of)
        else:
            cond &= Q(due_date__lte=as_of - timedelta(days=low))
        if high is not None and low is not None:
            cond &= Q(due_date__gte=as_of - timedelta(days=high))
        sums[key] = Coalesce(Sum(balance, filter=cond, output_field=MONEY), Value(Decimal("0")))
    sums["total"] = Coalesce(Sum(balance, output_field=MONEY), Value(Decimal("0")))
    found = list(documents.order_by().values("currency").annotate(**sums).order_by("currency")) or [
        {"currency": "EUR", **dict.fromkeys(sums, Decimal("0"))}
    ]
    labels = [(key, str(label)) for key, label, _l, _h in BUCKETS] + [("total", _("Total"))]
    cent = Decimal("0.01")
    return {
        "currencies": [r["currency"] for r in found],
        "rows": [
            (label, [(r["currency"], Decimal(r[key]).quantize(cent)) for r in found])
            for key, label in labels
        ],
    }


def balances_by_currency(customers) -> dict[int, list[tuple[str, Decimal]]]:
    """Each customer's open balance per currency (one query for the page's customers)."""
    rows = (
        Document.objects.filter(
            customer__in=customers, kind__in=INVOICE_LIKE, state=DocumentState.OPEN
        )
        .order_by()
        .values("customer_id", "currency")
        .annotate(balance=Sum(balance_of(), output_field=MONEY))
        .order_by("customer_id", "currency")
    )
    out: dict[int, list] = {}
    for r in rows:
        if r["balance"]:
            out.setdefault(r["customer_id"], []).append(
                (r["currency"], Decimal(r["balance"]).quantize(Decimal("0.01")))
            )
    return out


def _open_documents(company, customer):
    return Document.objects.for_company(company).filter(
        customer=customer,
        kind__in=INVOICE_LIKE,
        state=DocumentState.OPEN,
    )


def _reminders_sent() -> dict:
    """The « Relances » column: how many reminders went to the customer, the last when."""
    sent = Reminder.objects.filter(customer=OuterRef("pk"), state=ReminderState.SENT)
    return {
        "reminders_sent": Coalesce(
            Subquery(sent.order_by().values("customer").annotate(n=Count("pk")).values("n")),
            Value(0),
        ),
        "last_reminder_at": Subquery(sent.order_by("-sent_at").values("sent_at")[:1]),
    }


def customer_list(request):
    company = company_of(request)
    qs = Customer.objects.for_company(company).annotate(
        open_balance=Coalesce(
            Sum(
                balance_of("documents__"),
                filter=Q(documents__kind__in=INVOICE_LIKE, documents__state=DocumentState.OPEN),
                output_field=MONEY,
            ),
            Value(Decimal("0")),
        )
    )
    if q := request.GET.get("q", "").strip()[:100]:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(contact_name__icontains=q))
    order = request.GET.get("order", "name")
    allowed = {"name", "-name", "code", "-code", "open_balance", "-open_balance"}
    order = order if order in allowed else "name"
    field = order.removeprefix("-")
    first = by_name(field, order.startswith("-")) if field == "name" else order
    qs = qs.annotate(**_reminders_sent())
    page = Paginator(qs.order_by(first, "pk"), 50).get_page(request.GET.get("page"))
    balances = balances_by_currency([c.pk for c in page.object_list])
    for c in page.object_list:  # shown per currency: two currencies are never added up
        c.balances = balances.get(c.pk) or [("", Decimal("0"))]
    return render(
        request,
        "web/customer_list.html",
        {
            "section": "customers",
            "page": page,
            "search": q,
            "order": order,
            "today": company.today(),
        },
    )


class NotesForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class BlockForm(CheckboxesFirst, forms.ModelForm):
    """Dispute or block: the customer gets no reminder until the end date (or ever)."""

    class Meta:
        model = Customer
        fields = ["no_reminders", "no_reminders_reason", "blocked_until"]
        field_classes = {"blocked_until": DayDateField}

    def clean(self):
        data = super().clean()
        if data.get("no_reminders") and not data.get("no_reminders_reason"):
            self.add_error("no_reminders_reason", _("Indiquez le motif du litige ou du blocage."))
        return data


class PromiseForm(forms.Form):
    promise_date = DayDateField(
        label=gettext_lazy("Promesse de paiement au"),
        required=False,
        help_text=gettext_lazy("Vide : annule la promesse. S'applique aux pièces cochées."),
    )


def customer_detail(request, pk: int):
    company = company_of(request)
    customer = get_object_or_404(Customer.objects.for_company(company), pk=pk)
    as_of = company.today()
    open_docs = _open_documents(company, customer).select_related("customer").order_by("due_date")
    levels = LevelNames(company)
    docs = list(open_docs)
    for doc in docs:
        doc.badge_text, doc.badge_class = levels.badge(doc)
        doc.days = doc.days_late(as_of)
    return render(
        request,
        "web/customer_detail.html",
        {
            "section": "customers",
            "customer": customer,
            "as_of": as_of,
            "aging": aging(open_docs, as_of),
            "reckonings": customer_reckonings(customer, as_of),
            "documents": docs,
            "timeline": history.timeline(company, customer=customer),
            "notes_form": NotesForm(instance=customer),
            "block_form": BlockForm(instance=customer),
            "promise_form": PromiseForm(),
            "can_send": can_send(request),
            "portal": portal_summary(company, customer),
        },
    )


def _customer_for_edit(request, pk):
    company = company_of(request)
    require_role(request, Role.COLLECTOR)
    return company, get_object_or_404(Customer.objects.for_company(company), pk=pk)


@require_POST
def customer_notes(request, pk: int):
    _company, customer = _customer_for_edit(request, pk)
    form = NotesForm(request.POST, instance=customer)
    if form.is_valid():
        form.save()
        messages.success(request, _("Notes enregistrées."))
    return redirect("customer_detail", pk=customer.pk)


@require_POST
def customer_block(request, pk: int):
    _company, customer = _customer_for_edit(request, pk)
    form = BlockForm(request.POST, instance=customer)
    if form.is_valid():
        form.save()
        messages.success(request, _("Litige / blocage enregistré."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("customer_detail", pk=customer.pk)


@require_POST
def customer_promise(request, pk: int):
    company, customer = _customer_for_edit(request, pk)
    form = PromiseForm(request.POST)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    if not form.is_valid():
        messages.error(request, _("Date de promesse invalide."))
    elif not ids:
        messages.error(request, _("Cochez les pièces concernées par la promesse."))
    else:
        n = record_promise(company, customer, ids, form.cleaned_data["promise_date"])
        messages.success(request, _("Promesse enregistrée sur %(n)d pièce(s).") % {"n": n})
    return redirect("customer_detail", pk=customer.pk)
