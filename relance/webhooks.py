"""E-mail providers' event webhooks (django-anymail), for companies that send through a
provider: anymail checks the provider's authentication and turns the payload into a
tracking event; inbox.provider handles it once. A provider without its secret configured
is not exposed (404).

- Mailgun signs each event (RELANCE_MAILGUN_WEBHOOK_SIGNING_KEY, HMAC checked by anymail);
- Brevo and Postmark authenticate by HTTP basic auth written in the webhook's URL
  (https://USER:PASSWORD@relance.example/esp/brevo/tracking/): RELANCE_BREVO_WEBHOOK_SECRET
  and RELANCE_POSTMARK_WEBHOOK_SECRET hold « USER:PASSWORD », compared by anymail in
  constant time. Their events name the message by their own id, so our Message-ID travels
  in the headers they echo back (channels/email/transport.py: X-Mailin-custom, Brevo;
  X-PM-Metadata-message_id, Postmark).
Another provider is a few lines here with its anymail view and secret."""

from anymail.webhooks.brevo import BrevoTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from django.conf import settings
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # a provider's server posts here: the signature is the authentication
def mailgun_tracking(request):
    key = settings.RELANCE_MAILGUN_WEBHOOK_SIGNING_KEY
    if not key:
        raise Http404
    return MailgunTrackingWebhookView.as_view(webhook_signing_key=key)(request)


class _Brevo(BrevoTrackingWebhookView):
    webhook_secret = None  # given by as_view(): anymail reads it from its init kwargs


class _Postmark(PostmarkTrackingWebhookView):
    webhook_secret = None


@csrf_exempt  # basic auth is the authentication (anymail checks it)
def brevo_tracking(request):
    secret = settings.RELANCE_BREVO_WEBHOOK_SECRET
    if not secret:
        raise Http404
    return _Brevo.as_view(webhook_secret=secret)(request)


@csrf_exempt
def postmark_tracking(request):
    secret = settings.RELANCE_POSTMARK_WEBHOOK_SECRET
    if not secret:
        raise Http404
    return _Postmark.as_view(webhook_secret=secret)(request)
