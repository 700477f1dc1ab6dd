"""Settings screens: company, SMTP (read-only, from the environment), policies and levels,
users. Only admins change anything; everybody in the company may look."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.forms import inlineformset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dunning.models import Level, Policy
from receivables.amountfield import AmountField
from receivables.models import Company, Membership, Role
from web.company import company_of, require_role

from .common import can


def _ctx(request, tab: str, **extra):
    return {
        "section": "settings",
        "tab": tab,
        "is_admin": can(request, Role.ADMIN),
        **extra,
    }


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = [
            "name",
            "legal_name",
            "address",
            "country",
            "siren",
            "siret",
            "vat_number",
            "email",
            "phone",
            "iban",
            "bic",
            "logo",
            "currency",
            "language",
            "timezone",
            "legal_mentions",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "legal_mentions": forms.Textarea(attrs={"rows": 3}),
        }


def smtp_settings() -> list[tuple[str, str]]:
    """What the server will use to send mail; the password is never shown."""
    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    return [
        ("EMAIL_BACKEND", backend),
        ("EMAIL_HOST", settings.EMAIL_HOST),
        ("EMAIL_PORT", str(settings.EMAIL_PORT)),
        ("EMAIL_HOST_USER", settings.EMAIL_HOST_USER or "—"),
        ("EMAIL_HOST_PASSWORD", _("défini") if settings.EMAIL_HOST_PASSWORD else "—"),
        ("EMAIL_USE_TLS", _("oui") if settings.EMAIL_USE_TLS else _("non")),
        ("EMAIL_USE_SSL", _("oui") if settings.EMAIL_USE_SSL else _("non")),
        ("DEFAULT_FROM_EMAIL", settings.DEFAULT_FROM_EMAIL),
    ]


def company_settings(request):
    company = company_of(request)
    form = CompanyForm(instance=company)
    if request.method == "POST":
        require_role(request, Role.ADMIN)
        form = CompanyForm(request.POST, request.FILES, instance=company)
        if form.is_valid():
            form.save()
            messages.success(request, _("Société enregistrée."))
            return redirect("settings_company")
    return render(
        request,
        "web/settings_company.html",
        _ctx(request, "company", form=form, company=company, smtp=smtp_settings()),
    )


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["name", "kind", "is_default", "skip_direct_debit", "group_by_customer"]


LevelFormSet = inlineformset_factory(
    Policy,
    Level,
    fields=[
        "rank",
        "name",
        "delay_days",
        "channel",
        "min_balance",
        "claims_charges",
        "invoices_charges",
        "automatic",
    ],
    field_classes={"min_balance": AmountField},  # « 1 234,56 » in French, as on screen
    extra=1,
    can_delete=True,
)


def policy_list(request):
    company = company_of(request)
    policies = (
        Policy.objects.for_company(company)
        .prefetch_related("levels")
        .order_by("kind", "-is_default", "name")
    )
    return render(
        request, "web/settings_policies.html", _ctx(request, "policies", policies=policies)
    )


def policy_edit(request, pk: int | None = None):
    company = company_of(request)
    policy = (
        get_object_or_404(Policy.objects.for_company(company), pk=pk)
        if pk
        else Policy(company=company)
    )
    form = PolicyForm(instance=policy)
    formset = LevelFormSet(instance=policy, prefix="levels")
    if request.method == "POST":
        require_role(request, Role.ADMIN)
        form = PolicyForm(request.POST, instance=policy)
        formset = LevelFormSet(request.POST, instance=policy, prefix="levels")
        if form.is_valid() and formset.is_valid():
            with transaction.atomic():
                policy = form.save()
                formset.instance = policy
                formset.save()
            messages.success(request, _("Procédure enregistrée."))
            return redirect("settings_policy", pk=policy.pk)
    return render(
        request,
        "web/settings_policy_edit.html",
        _ctx(request, "policies", policy=policy, form=form, formset=formset),
    )


class NewUserForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Identifiant"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    password = forms.CharField(
        label=gettext_lazy("Mot de passe"), widget=forms.PasswordInput, min_length=8
    )
    role = forms.ChoiceField(label=gettext_lazy("Rôle"), choices=Role.choices)

    def clean_username(self):
        name = self.cleaned_data["username"]
        if get_user_model().objects.filter(username=name).exists():
            raise forms.ValidationError(_("Cet identifiant existe déjà."))
        return name


def users(request):
    company = company_of(request)
    require_role(request, Role.ADMIN)
    form = NewUserForm()
    if request.method == "POST":
        form = NewUserForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                user = get_user_model().objects.create_user(
                    form.cleaned_data["username"],
                    email=form.cleaned_data["email"],
                    password=form.cleaned_data["password"],
                )
                Membership.objects.create(
                    user=user, company=company, role=form.cleaned_data["role"]
                )
            messages.success(request, _("Utilisateur créé."))
            return redirect("settings_users")
    members = (
        Membership.objects.filter(company=company).select_related("user").order_by("user__username")
    )
    return render(
        request,
        "web/settings_users.html",
        _ctx(request, "users", members=members, form=form, roles=Role.choices),
    )


@require_POST
def user_update(request, pk: int):
    company = company_of(request)
    require_role(request, Role.ADMIN)
    member = get_object_or_404(Membership.objects.filter(company=company), pk=pk)
    if member.user_id == request.user.pk:
        messages.error(request, _("Vous ne pouvez pas modifier votre propre rôle."))
        return redirect("settings_users")
    role = request.POST.get("role")
    if role in Role.values:
        member.role = role
        member.save(update_fields=["role"])
    active = request.POST.get("is_active") == "on"
    if member.user.is_active != active:
        member.user.is_active = active
        member.user.save(update_fields=["is_active"])
    messages.success(request, _("Utilisateur %(name)s modifié.") % {"name": member.user.username})
    return redirect("settings_users")
