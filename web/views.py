from django.shortcuts import render

from receivables.models import Document, DocumentKind, DocumentState
from receivables.worklist import totals_by_currency

from .company import company_of


def home(request):
    company = company_of(request)
    docs = Document.objects.for_company(company)
    context = {
        "company": company,
        "open_count": docs.filter(state=DocumentState.OPEN).count(),
        "to_remind_count": docs.filter(to_remind=True).count(),
        "balances": totals_by_currency(
            docs.filter(kind=DocumentKind.INVOICE, state=DocumentState.OPEN)
        ),  # one line per currency: never added together
    }
    return render(request, "web/home.html", context)
