"""The collector's side of the portal: « Voir comme le client » (the customer's page,
read-only, without a link), ending a customer's links, answering a payment plan request,
and the portal's settings (promise horizon, plan limits, link lifetime)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import tokens
from portal.models import PaymentPlan, PortalSettings
from portal.plans import decide
from portal.summary import preview_link
from receivables.models import Customer, Role
from web.company import company_of, require_role

from .common import can
from .portal_pages import LANGUAGES, page_context


@require_GET
def customer_portal(request, pk: int):
    company = company_of(request)
    customer = get_object_or_404(Customer.objects.for_company(company), pk=pk)
    lang = request.GET.get("lang") or (customer.language or "fr")[:2]
    lang = lang if lang in LANGUAGES else "fr"
    with translation.override(lang):
        context = page_context(preview_link(company, customer), lang, "", preview=True)
        return render(request, "web/portal/page.html", context)


@require_POST
def customer_portal_revoke(request, pk: int):
    require_role(request, Role.COLLECTOR)
    company = company_of(request)
    customer = get_object_or_404(Customer.objects.for_company(company), pk=pk)
    n = tokens.revoke(company, customer)
    messages.success(request, _("%(n)s lien(s) du portail désactivé(s).") % {"n": n})
    return redirect("customer_detail", pk=customer.pk)


@require_POST
def plan_decide(request, pk: int):
    require_role(request, Role.COLLECTOR)
    plan = get_object_or_404(PaymentPlan.objects.for_company(company_of(request)), pk=pk)
    accept = request.POST.get("decision") == "accept"
    if decide(plan, accept, request.user):
        messages.success(request, _("Échéancier accepté.") if accept else _("Échéancier refusé."))
    return redirect("customer_detail", pk=plan.customer_id)


class PortalSettingsForm(forms.ModelForm):
    class Meta:
        model = PortalSettings
        fields = [
            "enabled", "link_days", "promise_days", "plan_max_instalments", "plan_max_days",
            "plan_break_days",
        ]  # fmt: skip

    def clean_link_days(self):
        value = self.cleaned_data["link_days"]
        if not 1 <= value <= 366:
            raise forms.ValidationError(_("Entre 1 et 366 jours."))
        return value

    def clean_promise_days(self):
        value = self.cleaned_data["promise_days"]
        if not 1 <= value <= 366:
            raise forms.ValidationError(_("Entre 1 et 366 jours."))
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_break_days"].required = False  # left out: kept as it is

    def clean_plan_break_days(self):
        value = self.cleaned_data["plan_break_days"]
        return self.instance.plan_break_days if value is None else value


def portal_settings(request):
    company = company_of(request)
    instance = tokens.settings_for(company)
    form = PortalSettingsForm(instance=instance)
    if request.method == "POST":
        require_role(request, Role.ADMIN)
        form = PortalSettingsForm(request.POST, instance=instance)
        if form.is_valid():
            form.save()
            messages.success(request, _("Réglages du portail enregistrés."))
            return redirect("settings_portal")
    return render(
        request,
        "web/settings_portal.html",
        {
            "section": "settings",
            "tab": "portal",
            "form": form,
            "is_admin": can(request, Role.ADMIN),
        },
    )
