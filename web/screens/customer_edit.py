"""The customer file's « Modifier » : the identity and the 2026 invoice mentions of a
customer (SIREN checked by python-stdnum through the model's validator, intra-EU VAT
number, category of operation, delivery address), which the invoice PDFs and their
Factur-X print when a document does not give its own."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from receivables.models import Customer, Role

from ..company import company_of, require_role


class MentionsForm(forms.ModelForm):
    # wider than the 9 digits stored: « 552 100 554 » as people write it is accepted
    siren = forms.CharField(
        label="SIREN",
        max_length=20,
        required=False,
        help_text=Customer._meta.get_field("siren").help_text,
    )

    class Meta:
        model = Customer
        fields = ["siren", "vat_number", "operation_category", "delivery_address"]
        widgets = {"delivery_address": forms.Textarea(attrs={"rows": 3})}

    def clean_siren(self):
        return "".join((self.cleaned_data.get("siren") or "").split())

    def clean_vat_number(self):
        return "".join((self.cleaned_data.get("vat_number") or "").split()).upper()


def customer_edit(request, pk: int):
    company = company_of(request)
    customer = get_object_or_404(Customer.objects.for_company(company), pk=pk)
    form = MentionsForm(instance=customer)
    if request.method == "POST":
        require_role(request, Role.COLLECTOR)
        form = MentionsForm(request.POST, instance=customer)
        if form.is_valid():
            form.save()
            messages.success(request, _("Fiche client enregistrée."))
            return redirect("customer_detail", pk=customer.pk)
    return render(
        request,
        "web/customer_edit.html",
        {"section": "customers", "customer": customer, "form": form},
    )
