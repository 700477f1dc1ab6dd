"""The customer portal's URLs, under /p/ (public: relance.middleware.PUBLIC_PREFIXES).
The token is the only key; documents are opaque per-link references, never ids."""

from django.urls import path

from .screens import portal_forms as forms
from .screens import portal_pages as pages

urlpatterns = [
    path("<str:token>/", pages.portal, name="portal"),
    path("<str:token>/logo/", pages.logo, name="portal_logo"),
    path("<str:token>/factures/<str:ref>/", pages.invoice_pdf, name="portal_invoice"),
    path("<str:token>/releve.pdf", pages.statement_pdf, name="portal_statement_pdf"),
    path("<str:token>/paye/", forms.paid, name="portal_paid"),
    path("<str:token>/promesse/", forms.promise, name="portal_promise"),
    path("<str:token>/contestation/", forms.dispute, name="portal_dispute"),
    path("<str:token>/echeancier/", forms.plan, name="portal_plan"),
    path("<str:token>/payer/", forms.pay, name="portal_pay"),
]
