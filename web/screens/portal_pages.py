"""The customer portal's pages (/p/<token>/…): no login, the token is the access.

Every view goes through `portal_view`: rate limits (portal.limits), then the token
(portal.tokens.resolve); a wrong, expired or revoked token and a switched-off portal all
get the same neutral page (404), saying nothing of what exists. Pages are shown in the
customer's language (French or English, `?lang=` to switch), never cached, never indexed,
and send no Referer to another site (the token is in the URL). Documents are named by per-link opaque
references, never by id. The actions (forms) are in portal_forms.py.
"""

from datetime import timedelta
from functools import wraps
from pathlib import PurePosixPath

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from banking import online
from dunning.invoice_pdf import ensure_invoice_pdf
from portal import limits, tokens
from portal.actions import DISPUTE_REASONS
from portal.statement import document_of, render_statement_pdf, statement_of
from web.client import client_address

from .files import IMAGE_TYPES

LANGUAGES = ("fr", "en")
DONE = {  # ?fait=… after a form: what was recorded
    "paid": gettext_lazy(
        "Merci : votre paiement est signalé. Nous le vérifions ; les relances sont suspendues d'ici là."
    ),
    "promise": gettext_lazy(
        "Merci : votre engagement est enregistré. Aucune relance ne vous sera envoyée avant cette date."
    ),
    "dispute": gettext_lazy(
        "Votre contestation est enregistrée ; les relances de ces factures sont suspendues. Nous revenons vers vous."
    ),
    "online": gettext_lazy(
        "Merci : votre paiement en ligne est en cours. Il apparaîtra ici dès que le prestataire de paiement l'aura confirmé."
    ),
    "plan": gettext_lazy(
        "Votre demande d'échéancier est envoyée. Nous vous répondrons rapidement."
    ),
}


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # never to another site; CSRF needs the Origin
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def neutral(request, status: int = 404) -> HttpResponse:
    """The one page for any token that leads nowhere (and for too many requests)."""
    return _private(
        render(request, "web/portal/neutral.html", {"busy": status == 429}, status=status)
    )


def language_of(request, link) -> str:
    asked = request.GET.get("lang", "")
    if asked in LANGUAGES:
        return asked
    lang = (link.customer.language or "fr")[:2]
    return lang if lang in LANGUAGES else "fr"


def portal_view(view):
    @wraps(view)
    def wrapper(request, token: str, *args, **kwargs):
        address = client_address(request)
        if limits.refused(address, token, post=request.method == "POST"):
            return neutral(request, 429)
        link = tokens.resolve(token)
        if link is None:
            limits.missed(address)
            return neutral(request)
        request.portal_link, request.portal_address = link, address
        lang = language_of(request, link)
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            try:
                return _private(view(request, link, *args, **kwargs))
            except Http404:
                return neutral(request)

    return wrapper


def page_context(link, lang: str, token: str, **extra) -> dict:
    """What the portal page shows (also for « Voir comme le client », without a token)."""
    settings = tokens.settings_for(link.company)
    today = link.company.today()
    return {
        "company": link.company,
        "customer": link.customer,
        "statement": statement_of(link, lang),
        "settings": settings,
        "token": token,
        "lang": lang,
        "other_lang": "en" if lang == "fr" else "fr",
        "reasons": DISPUTE_REASONS.items(),
        # the days the calendar offers (portal.actions checks them again)
        "promise_first": today + timedelta(days=1),
        "promise_last": today + timedelta(days=settings.promise_days),
        # « Payer en ligne »: only when the company has a payment provider (banking.online)
        "pay_online": bool(token) and online.enabled(link.company),
        "pay_online_url": reverse("portal_pay", args=[token]) if token else "",
        **extra,
    }


@require_GET
@portal_view
def portal(request, link):
    token = request.resolver_match.kwargs["token"]
    done = DONE.get(request.GET.get("fait", ""), "")
    context = page_context(link, request.LANGUAGE_CODE, token, done=done)
    response = render(request, "web/portal/page.html", context)
    if context["pay_online"]:  # the form's POST is answered by a redirect to the provider
        response._csp_update = {"form-action": online.checkout_origins(link.company)}
    return response


@require_GET
@portal_view
def statement_pdf(request, link):
    content = render_statement_pdf(link, request.LANGUAGE_CODE)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="releve.pdf"'
    return response


@require_GET
@portal_view
def invoice_pdf(request, link, ref: str):
    doc = document_of(link, ref)
    if doc is None:
        raise Http404
    content = ensure_invoice_pdf(doc)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{doc.number}.pdf".replace('"', "").replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@portal_view
def logo(request, link):
    field = link.company.logo
    if not field:
        raise Http404
    import mimetypes

    guessed, _enc = mimetypes.guess_type(field.name or "")
    if guessed not in IMAGE_TYPES:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, content_type=guessed, filename=PurePosixPath(field.name).name)
