from django.shortcuts import render

from receivables.models import Document, DocumentKind, DocumentState
from receivables.worklist import worklist

from .company import company_of
from .models import UserPreference
from .screens.common import missing_policies


def home(request):
    company = company_of(request)
    pref = UserPreference.of(request.user)
    as_of = company.today()
    docs = Document.objects.for_company(company)

    def to_remind(kind: str) -> int:  # the worklist's own query: the tab shows this count
        return worklist(
            company, as_of=as_of, kind=kind, hide_direct_debit=pref.hide_direct_debit
        ).count()

    context = {
        "company": company,
        "open_invoices": docs.filter(kind=DocumentKind.INVOICE, state=DocumentState.OPEN).count(),
        "invoices_to_remind": to_remind("invoice"),
        "quotes_to_remind": to_remind("quote"),
        "hide_direct_debit": pref.hide_direct_debit,
        "missing_policies": missing_policies(company),
    }
    return render(request, "web/home.html", context)
