"""Invoice and quote lists (with the « À relancer » filter and the « Relances » bulk action)
and the document page (level badge, balance, payments, reminder history, charges)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from receivables.models import Allocation, Document, DocumentKind, DocumentState, Role
from web.company import company_of, require_role

from . import history
from .common import CheckboxesFirst, LevelNames, can_send
from .dates import DayDateField

LIST_ORDERS = {
    "number": "number",
    "issue_date": "issue_date",
    "due_date": "due_date",
    "customer": "customer__name",
    "amount": "amount",
    "balance": "balance",
    "state": "state",
    "reminder_count": "reminder_count",
}


def _documents(request, kind: str):
    company = company_of(request)
    as_of = company.today()
    qs = Document.objects.for_company(company).filter(kind=kind).select_related("customer")
    qs = qs.with_balance()
    flt = request.GET.get("filter", "")
    if flt == "to_remind":
        qs = qs.filter(to_remind=True)
    elif flt == "open":
        qs = qs.filter(state=DocumentState.OPEN)
    elif flt == "expired":
        qs = qs.filter(
            Q(state=DocumentState.EXPIRED) | Q(state=DocumentState.OPEN, due_date__lt=as_of)
        )
    elif flt in DocumentState.values:
        qs = qs.filter(state=flt)
    if q := request.GET.get("q", "").strip()[:100]:
        qs = qs.filter(
            Q(number__icontains=q) | Q(customer__name__icontains=q) | Q(customer__code__icontains=q)
        )
    order = request.GET.get("order", "-due_date")
    if order.lstrip("-") not in LIST_ORDERS:
        order = "-due_date"
    field = LIST_ORDERS[order.lstrip("-")]
    qs = qs.order_by(("-" if order.startswith("-") else "") + field, "-id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    levels = LevelNames(company)
    for doc in page.object_list:
        doc.badge_text, doc.badge_class = levels.badge(doc)
        doc.days = doc.days_late(as_of)
    return company, page, flt, order, q


def _list(request, kind: str, template: str, section: str, filters):
    company, page, flt, order, q = _documents(request, kind)
    return render(
        request,
        template,
        {
            "section": section,
            "company": company,
            "page": page,
            "filter": flt,
            "order": order,
            "search": q,
            "filters": filters,
            "kind": kind,
            "can_send": can_send(request),
        },
    )


def invoice_list(request):
    filters = [
        ("", gettext_lazy("Toutes")),
        ("to_remind", gettext_lazy("À relancer")),
        ("open", gettext_lazy("Ouvertes")),
        ("paid", gettext_lazy("Payées")),
    ]
    return _list(request, DocumentKind.INVOICE, "web/document_list.html", "invoices", filters)


def quote_list(request):
    filters = [
        ("", gettext_lazy("Tous")),
        ("expired", gettext_lazy("Échus")),
        ("to_remind", gettext_lazy("À relancer")),
        ("accepted", gettext_lazy("Acceptés")),
    ]
    return _list(request, DocumentKind.QUOTE, "web/document_list.html", "quotes", filters)


class StopForm(CheckboxesFirst, forms.ModelForm):
    """Why and until when a document must not be reminded (dispute, block, promise)."""

    class Meta:
        model = Document
        fields = ["disputed", "block_reason", "blocked_until", "promise_date"]
        field_classes = {"blocked_until": DayDateField, "promise_date": DayDateField}


def document_detail(request, pk: int):
    company = company_of(request)
    doc = get_object_or_404(Document.objects.for_company(company).select_related("customer"), pk=pk)
    as_of = company.today()
    levels = LevelNames(company)
    doc.badge_text, doc.badge_class = levels.badge(doc)
    allocations = (
        Allocation.objects.for_company(company)
        .filter(invoice=doc)
        .select_related("payment", "credit_note")
        .order_by("date", "pk")
    )
    section = "quotes" if doc.kind == DocumentKind.QUOTE else "invoices"
    return render(
        request,
        "web/document_detail.html",
        {
            "section": section,
            "company": company,
            "doc": doc,
            "as_of": as_of,
            "days_late": doc.days_late(as_of),
            "allocations": allocations,
            "timeline": history.timeline(company, documents=[doc]),
            "charges": history.charges(doc, as_of),
            "dunning_state": history.dunning_state(doc, as_of),
            "stop_form": StopForm(instance=doc),
            "lifecycle_event": doc.lifecycle_events.filter(code=doc.lifecycle_status).last(),
            "can_send": can_send(request),
        },
    )


@require_POST
def document_stop(request, pk: int):
    company = company_of(request)
    require_role(request, Role.COLLECTOR)
    doc = get_object_or_404(Document.objects.for_company(company), pk=pk)
    form = StopForm(request.POST, instance=doc)
    if form.is_valid():
        form.save()
        messages.success(request, _("Blocage et promesse enregistrés."))
    else:
        messages.error(
            request, _("Formulaire invalide : %(errors)s") % {"errors": form.errors.as_text()}
        )
    return redirect("document_detail", pk=doc.pk)
