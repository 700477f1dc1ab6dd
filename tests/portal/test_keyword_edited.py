"""A collector edits a reminder in its preview and leaves the link's placeholder (or the
keyword) in the text: the e-mail the SMTP server receives still carries a working link."""

import re

import pytest

from portal.tokens import resolve
from reminders.batches import create_batch
from reminders.editing import editable_text
from reminders.preview import preview_batch

LINK = re.compile(r"https?://[^\s\"<]+/p/([A-Za-z0-9_-]{32,})/")


@pytest.mark.parametrize("left_as", ["placeholder", "keyword", "typed"])
def test_an_edited_preview_still_sends_a_working_link(
    company, late_invoice, smtp_server, django_capture_on_commit_callbacks, settings, left_as
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    doc = late_invoice()
    [shown] = preview_batch(company, [doc]).messages
    text = editable_text(shown)
    assert "(lien personnel, créé à l'envoi)" in text  # what the collector reads and keeps
    if left_as == "keyword":
        text = text.replace("(lien personnel, créé à l'envoi)", "%LIEN_PORTAIL%")
    if left_as == "typed":  # a template without the link: the collector adds the keyword
        shown.template.__class__.objects.filter(pk=shown.template.pk).update(
            body_text="Bonjour,\n\n%LISTE_PIECES%", body_html="<p>Bonjour,</p>%LISTE_PIECES%"
        )
        text = "Votre espace : %LIEN_PORTAIL%"
    edited = "Petite précision : votre avoir est déduit.\n\n" + text
    with django_capture_on_commit_callbacks(execute=True):
        create_batch(company, [doc], edited={"body_text": edited})
    [mail] = smtp_server.received
    body = mail.message.get_body(("plain",)).get_content()
    html = mail.message.get_body(("html",)).get_content()
    assert "Petite précision" in body and "créé à l'envoi" not in body + html
    assert LINK.search(body), body
    token = LINK.search(body).group(1)
    assert f'href="http://localhost:8000/p/{token}/"' in html
    assert resolve(token).customer == doc.customer
