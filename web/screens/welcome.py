"""First run in the browser: a superuser who logs in while no company exists gets
« Créer votre société » (the fields of `relance setup`, the same use case:
`receivables.onboarding.setup_company`); any other login without a company gets a page
that says so and whom to ask, instead of a bare 403."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import permission_denied

from receivables.models import Company
from receivables.onboarding import SetupRejected, setup_company
from web.company import NoCompany


class CompanyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom de la société"), max_length=200)
    email = forms.EmailField(label=gettext_lazy("E-mail d'expédition des relances"), required=False)
    country = forms.CharField(label=gettext_lazy("Pays (code)"), initial="FR", max_length=10)
    language = forms.ChoiceField(
        label=gettext_lazy("Langue"), choices=settings.LANGUAGES, initial="fr"
    )
    currency = forms.CharField(label=gettext_lazy("Devise"), initial="EUR", max_length=10)
    siren = forms.CharField(label="SIREN", required=False, max_length=20)
    iban = forms.CharField(
        label="IBAN",
        required=False,
        max_length=50,
        help_text=gettext_lazy("Pour le QR code de paiement des relances."),
    )


def _may_create(user) -> bool:
    return user.is_superuser and getattr(user, "membership", None) is None


def forbidden(request, exception=None):
    """handler403: the two first-run cases above, else Django's own 403."""
    if not isinstance(exception, NoCompany):
        return permission_denied(request, exception)
    if _may_create(request.user) and not Company.objects.exists():
        return redirect("welcome")
    admins = get_user_model().objects.filter(is_superuser=True, is_active=True)
    context = {"admins": admins.order_by("username")[:5], "can_create": _may_create(request.user)}
    return render(request, "web/no_company.html", context, status=403)


def create_company(request):
    """« Créer votre société »: the company, with this superuser as its administrator."""
    if not _may_create(request.user):
        raise PermissionDenied("Réservé à un superutilisateur sans société.")
    form = CompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = setup_company(form.cleaned_data, request.user.get_username())
        except SetupRejected as exc:
            for name, errors in exc.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        else:
            messages.success(
                request,
                _("Société « %(c)s » créée, avec ses procédures de relance et ses modèles. "
                  "Suivez la liste « Pour bien démarrer ».") % {"c": result.company.name},
            )  # fmt: skip
            return redirect("home")
    return render(request, "web/welcome.html", {"form": form})
