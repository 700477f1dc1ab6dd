"""E-mail providers' event webhooks (django-anymail), for companies that send through a
provider: anymail checks the provider's signature and turns the payload into a tracking
event; inbox.provider handles it once. A provider without its key configured is not
exposed (404). Only Mailgun is wired today; another provider is one line here with its
anymail view and key (docs/admin-guide.md).

Payment providers' events (pay online, banking/online/) reach /webhooks/<provider>/<endpoint>/,
one opaque endpoint per company, checked with that company's signing secret."""

from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, RawPostDataException
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from banking import online


@csrf_exempt  # a provider's server posts here: the signature is the authentication
def mailgun_tracking(request):
    key = settings.RELANCE_MAILGUN_WEBHOOK_SIGNING_KEY
    if not key:
        raise Http404
    return MailgunTrackingWebhookView.as_view(webhook_signing_key=key)(request)


@csrf_exempt  # the provider's server posts here: the signature is the authentication
@require_POST
def payment_events(request, provider: str, endpoint: str):
    """A payment provider's events for the company behind `endpoint` (an opaque id, no
    company id in the URL): 400 and nothing written when the signature is wrong, 404 for
    an unknown endpoint, 200 otherwise (a repeated event included: it is recorded once)."""
    try:
        body = request.body
    except RawPostDataException:  # a multipart form, already parsed: not an event
        return HttpResponseBadRequest("not an event")
    try:
        outcome = online.receive(provider, endpoint, body, request.headers)
    except online.UnknownEndpoint as exc:
        raise Http404 from exc
    except online.BadSignature:
        return HttpResponseBadRequest("bad signature")
    return HttpResponse(outcome, content_type="text/plain")
