"""Settings › Pay online: the company's payment provider (Stripe Checkout), its keys and
the webhook address to give Stripe. Secrets are typed, stored encrypted, never shown back."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banking import online
from receivables.models import Role
from web.company import company_of, require_role

from .common import can

SECRET_HELP = gettext_lazy(
    "Valeur enregistrée chiffrée, jamais réaffichée : laissez vide pour garder l'actuelle."
)


class OnlinePaymentForm(forms.Form):
    enabled = forms.BooleanField(
        label=gettext_lazy("Proposer le paiement en ligne sur le portail client"), required=False
    )
    publishable_key = forms.CharField(
        label=gettext_lazy("Clé publiable"), required=False, max_length=200,
        help_text=gettext_lazy("pk_live_… ou pk_test_…"),
    )  # fmt: skip
    secret_key = forms.CharField(
        label=gettext_lazy("Clé secrète"), required=False, max_length=200, help_text=SECRET_HELP,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )  # fmt: skip
    webhook_secret = forms.CharField(
        label=gettext_lazy("Secret de signature du webhook"), required=False, max_length=200,
        help_text=SECRET_HELP,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )  # fmt: skip
    forget = forms.BooleanField(
        label=gettext_lazy("Effacer les clés secrètes enregistrées"), required=False
    )

    def clean_secret_key(self):
        key = self.cleaned_data["secret_key"].strip()
        if key and not key.startswith(("sk_", "rk_")):
            raise forms.ValidationError(_("Une clé secrète Stripe commence par sk_ ou rk_."))
        return key

    def clean_webhook_secret(self):
        key = self.cleaned_data["webhook_secret"].strip()
        if key and not key.startswith("whsec_"):
            raise forms.ValidationError(_("Un secret de webhook Stripe commence par whsec_."))
        return key


def online_payment_settings(request):
    company = company_of(request)
    account = online.account_of(company)
    initial = {"enabled": bool(account and account.enabled)}
    initial["publishable_key"] = account.publishable_key if account else ""
    form = OnlinePaymentForm(initial=initial)
    if request.method == "POST":
        require_role(request, Role.ADMIN)
        form = OnlinePaymentForm(request.POST)
        if form.is_valid():
            online.configure(company, **form.cleaned_data)
            messages.success(request, _("Paiement en ligne enregistré."))
            return redirect("settings_online_payment")
    webhook_url = ""
    if account is not None:
        path = reverse("webhook_payments", args=[account.provider, account.endpoint])
        webhook_url = request.build_absolute_uri(path)
    return render(
        request,
        "web/settings_online_payment.html",
        {
            "section": "settings",
            "tab": "online_payment",
            "is_admin": can(request, Role.ADMIN),
            "form": form,
            "account": account,
            "offered": online.enabled(company),
            "sources": online.key_sources(account),
            "webhook_url": webhook_url,
        },
    )
