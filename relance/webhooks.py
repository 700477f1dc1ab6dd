"""E-mail providers' event webhooks (django-anymail), for companies that send through a
provider: anymail checks the provider's signature and turns the payload into a tracking
event; inbox.provider handles it once. A provider without its key configured is not
exposed (404). Only Mailgun is wired today; another provider is one line here with its
anymail view and key (docs/admin-guide.md)."""

from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from django.conf import settings
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # a provider's server posts here: the signature is the authentication
def mailgun_tracking(request):
    key = settings.RELANCE_MAILGUN_WEBHOOK_SIGNING_KEY
    if not key:
        raise Http404
    return MailgunTrackingWebhookView.as_view(webhook_signing_key=key)(request)
