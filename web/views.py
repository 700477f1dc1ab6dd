from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from receivables.models import Document, DocumentKind, DocumentState
from receivables.worklist import totals_by_currency, worklist, worklist_totals
from reminders.checklist import checklist

from .company import company_of
from .models import UserPreference
from .screens.common import missing_policies

# « Pour bien démarrer »: each step of reminders.checklist, its words and where it is done.
STEPS = {
    "company": (_("Coordonnées de la société : raison sociale ou SIREN, adresse"), "settings_company", ""),
    "email": (_("Adresse d'expédition et serveur SMTP vérifiés : « M'envoyer un e-mail d'essai »"), "settings_company", "#test-email"),
    "iban": (_("IBAN, pour le QR code de paiement des relances"), "settings_company", ""),
    "logo": (_("Logo, en tête des lettres et des e-mails"), "settings_company", ""),
    "import": (_("Premier import de factures"), "import", ""),
    "reminder": (_("Première relance envoyée"), "worklist", ""),
}  # fmt: skip


def getting_started(company) -> list[dict] | None:
    """The checklist with its words and links; None once every step is done."""
    steps = [
        {"key": s.key, "done": s.done, "label": STEPS[s.key][0],
         "url": reverse(STEPS[s.key][1]) + STEPS[s.key][2]}
        for s in checklist(company)
    ]  # fmt: skip
    return None if all(s["done"] for s in steps) else steps


def home(request):
    company = company_of(request)
    pref = UserPreference.of(request.user)
    as_of = company.today()
    docs = Document.objects.for_company(company)

    def to_remind(kind: str) -> int:  # the worklist's own query: the tab shows this count
        qs = worklist(company, as_of=as_of, kind=kind, hide_direct_debit=pref.hide_direct_debit)
        return worklist_totals(qs)["count"]  # read from the running totals

    context = {
        "company": company,
        "open_invoices": docs.filter(kind=DocumentKind.INVOICE, state=DocumentState.OPEN).count(),
        "invoices_to_remind": to_remind("invoice"),
        "quotes_to_remind": to_remind("quote"),
        "hide_direct_debit": pref.hide_direct_debit,
        "missing_policies": missing_policies(company),
        "steps": getting_started(company),
        "balances": totals_by_currency(
            docs.filter(kind=DocumentKind.INVOICE, state=DocumentState.OPEN)
        ),  # one line per currency: never added together
    }
    return render(request, "web/home.html", context)
