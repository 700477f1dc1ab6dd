"""The customer portal's forms: « J'ai payé », « Je m'engage à payer le… », « Je
conteste », « Demander un échéancier ». Each POST (CSRF-checked like every form) calls
one use case of portal.actions, then goes back to the page saying what was recorded
(`?fait=…`); a refusal shows the page again with the reason."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from banking import online
from portal import actions, plans
from portal.statement import open_invoices

from .dates import read_day
from .portal_pages import page_context, portal_view

MAX_UPLOAD = actions.MAX_FILE_BYTES


def _amount(value: str) -> Decimal | None:
    try:
        return Decimal(value.replace(",", ".").replace(" ", "").replace("\u202f", ""))
    except (InvalidOperation, AttributeError):
        return None


def _upload(request) -> actions.Upload | None:
    f = request.FILES.get("file")
    if f is None:
        return None
    # one byte over the limit is enough for actions.check_file to refuse it
    return actions.Upload(f.name or "", f.read(MAX_UPLOAD + 1))


def _done(request, what: str):
    token = request.resolver_match.kwargs["token"]
    lang = request.GET.get("lang", "")
    url = reverse("portal", args=[token]) + f"?fait={what}"
    return redirect(url + (f"&lang={lang}" if lang in ("fr", "en") else ""))


def _again(request, link, form: str, exc: ValidationError):
    token = request.resolver_match.kwargs["token"]
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"all": exc.messages}
    errors = {("all" if k == "__all__" else k): v for k, v in errors.items()}
    context = page_context(
        link,
        request.LANGUAGE_CODE,
        token,
        errors={form: errors},
        open_form=form,
        posted=request.POST,
    )
    return render(request, "web/portal/page.html", context, status=400)


def _refs(request) -> list[str]:
    return [r for r in request.POST.getlist("docs") if r][:500]


@require_POST
@portal_view
def promise(request, link):
    try:
        on = read_day(request.POST.get("promise_date", ""))
        if on is None:
            raise ValidationError({"promise_date": actions.date_missing()})
        actions.promise(link, on, _refs(request), request.portal_address)
    except ValidationError as exc:
        return _again(request, link, "promise", exc)
    return _done(request, "promise")


@require_POST
@portal_view
def dispute(request, link):
    try:
        actions.dispute(
            link,
            request.POST.get("reason", ""),
            request.POST.get("message", ""),
            _refs(request),
            _upload(request),
            request.portal_address,
        )
    except ValidationError as exc:
        return _again(request, link, "dispute", exc)
    return _done(request, "dispute")


@require_POST
@portal_view
def paid(request, link):
    try:
        on = read_day(request.POST.get("paid_on", ""))
        if on is None:
            raise ValidationError({"paid_on": actions.date_missing()})
        amount = _amount(request.POST.get("amount", ""))
        actions.paid(link, on, amount, _refs(request), _upload(request), request.portal_address)
    except ValidationError as exc:
        return _again(request, link, "paid", exc)
    return _done(request, "paid")


@require_POST
@portal_view
def plan(request, link):
    try:
        count = int(request.POST.get("instalments", "0") or 0)
        plans.request_plan(link, count, request.POST.get("message", ""), request.portal_address)
    except (ValueError, TypeError):
        return _again(
            request, link, "plan", ValidationError({"instalments": plans.count_hint(link)})
        )
    except ValidationError as exc:
        return _again(request, link, "plan", exc)
    return _done(request, "plan")


@require_POST
@portal_view
def pay(request, link):
    """« Payer en ligne »: a checkout at the company's provider for every open invoice of
    the statement; only the provider's webhook records the payment (banking.online)."""
    if not online.enabled(link.company):
        raise Http404
    token = request.resolver_match.kwargs["token"]
    here = request.build_absolute_uri(reverse("portal", args=[token]))
    try:
        url = online.start_checkout(
            link.company,
            link.customer,
            list(open_invoices(link.company, link.customer)),
            success_url=here + "?fait=online",
            cancel_url=here,
        )
    except online.ProviderError as exc:
        return _again(request, link, "pay", ValidationError(str(exc)))
    return redirect(url)
