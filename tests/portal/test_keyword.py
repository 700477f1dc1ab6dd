"""%LIEN_PORTAIL% in the default templates: a real link in what goes out (e-mails worded
by the worker, letters written with their batch), a placeholder in a preview (reading
a preview makes no link), a QR code of the link on a letter."""

import re
from datetime import timedelta

from django.utils import timezone

from portal.models import PortalLink, PortalSettings
from portal.tokens import issue_token, resolve, settings_for
from reminders.batches import create_batch
from reminders.models import Template
from reminders.preview import preview_batch

LINK = re.compile(r"https?://[^\s\"<]+/p/([A-Za-z0-9_-]{32,})/")


def test_every_default_invoice_template_carries_the_link(company):
    templates = Template.objects.for_company(company).select_related("level__policy")
    invoices = [t for t in templates if t.level.policy.kind == "invoice"]
    assert invoices and all("%LIEN_PORTAIL%" in t.body_html for t in invoices)
    quotes = [t for t in templates if t.level.policy.kind == "quote"]
    assert quotes and not any("%LIEN_PORTAIL%" in t.body_html for t in quotes)


def test_a_preview_makes_no_link_the_sent_email_has_one(
    company, late_invoice, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    doc = late_invoice()
    [shown] = preview_batch(company, [doc]).messages
    assert "(lien personnel, créé à l'envoi)" in shown.body_text
    assert not PortalLink.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        create_batch(company, [doc])
    [mail] = smtp_server.received
    text = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    token = LINK.search(text).group(1)
    assert f'href="http://localhost:8000/p/{token}/"' in html
    assert resolve(token).customer == doc.customer


def test_a_sent_email_renews_the_customers_earlier_links(
    company, late_invoice, smtp_server, django_capture_on_commit_callbacks, settings
):
    """The worker issues a chunk's links together (portal.tokens.ChunkLinks): the link in
    the e-mail opens the portal, and the customer's older link lives a full period more."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    doc = late_invoice()
    old = issue_token(company, doc.customer)
    PortalLink.objects.update(expires_at=timezone.now() + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        create_batch(company, [doc])
    [mail] = smtp_server.received
    token = LINK.search(mail.message.get_body(("plain",)).get_content()).group(1)
    assert resolve(token).customer == doc.customer and resolve(old).customer == doc.customer
    days = settings_for(company).link_days
    assert PortalLink.objects.count() == 2
    for link in PortalLink.objects.all():
        assert link.expires_at > timezone.now() + timedelta(days=days - 1)


def test_a_letter_shows_the_link_and_its_qr_code(company, late_invoice, client):
    doc = late_invoice(with_pdf=False, pending_level=5)
    earlier = issue_token(company, doc.customer, days=1)  # a link from an earlier reminder
    batch = create_batch(company, [doc], channel="letter")
    row = batch.reminders.get()
    token = LINK.search(row.body_text).group(1)
    assert 'class="portal-qr" src="data:image/png;base64,' in row.body_html
    # the letters of a batch get their links at once: each opens the customer's statement
    assert doc.number in client.get(f"/p/{token}/").content.decode()
    days = settings_for(company).link_days
    assert resolve(earlier).expires_at > timezone.now() + timedelta(days=days - 1)  # renewed


def test_a_company_without_portal_sends_no_link(company, late_invoice):
    PortalSettings.objects.create(company=company, enabled=False)
    batch = create_batch(company, [late_invoice(with_pdf=False, pending_level=5)], channel="letter")
    assert not LINK.search(batch.reminders.get().body_text)
    assert not PortalLink.objects.exists()


def test_existing_untouched_templates_get_the_link_edited_ones_keep_their_words(company):
    import importlib

    from django.apps import apps

    from reminders.defaults import default_wording

    migration = importlib.import_module("reminders.migrations.0005_i20_portal_link_in_templates")
    email = Template.objects.for_company(company).filter(channel="email", language="fr")
    untouched, edited = email.select_related("level__policy").filter(level__policy__kind="invoice")[
        :2
    ]
    for t in (untouched, edited):  # as they were before the portal
        old = default_wording(t.level, t.channel, t.language, False, portal=False)
        t.subject, t.body_text, t.body_html = old
        t.save()
    edited.body_text += "\nMerci."
    edited.save()
    migration.add_portal_link(apps, None)
    untouched.refresh_from_db()
    edited.refresh_from_db()
    assert "%LIEN_PORTAIL%" in untouched.body_text and "%LIEN_PORTAIL%" in untouched.body_html
    assert "%LIEN_PORTAIL%" not in edited.body_text and edited.body_text.endswith("Merci.")
