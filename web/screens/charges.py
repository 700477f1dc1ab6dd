"""Charges invoiced by hand: the customer file's button issues the debit note of what is
owed today; a debit note's page lets a collector waive it, with a reason."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dunning.debit_notes import CannotWaive, invoice_charges, waive
from receivables.models import INVOICE_LIKE, Customer, Document, DocumentKind, DocumentState, Role

from ..company import company_of, require_role


@require_POST
def customer_invoice_charges(request, pk: int):
    company = company_of(request)
    require_role(request, Role.COLLECTOR)
    customer = get_object_or_404(Customer.objects.for_company(company), pk=pk)
    as_of = company.today()
    invoices = Document.objects.filter(
        customer=customer,
        kind=DocumentKind.INVOICE,
        state=DocumentState.OPEN,
        due_date__lt=as_of,
    ).select_related("company", "customer", "customer__policy")
    notes = invoice_charges(list(invoices), as_of, user=request.user.get_username())
    if notes:
        for note in notes:
            messages.success(
                request,
                _("Note de débit %(n)s émise pour les pénalités.") % {"n": note.number},
            )
    else:
        messages.info(request, _("Aucune pénalité à facturer aujourd'hui."))
    return redirect("customer_detail", pk=customer.pk)


@require_POST
def document_waive(request, pk: int):
    company = company_of(request)
    require_role(request, Role.COLLECTOR)
    note = get_object_or_404(Document.objects.for_company(company), pk=pk, kind__in=INVOICE_LIKE)
    try:
        credit = waive(note, request.POST.get("reason", ""), user=request.user.get_username())
        messages.success(
            request, _("Note de débit abandonnée : avoir %(n)s émis.") % {"n": credit.number}
        )
    except CannotWaive as exc:
        messages.error(request, str(exc))
    return redirect("document_detail", pk=note.pk)
