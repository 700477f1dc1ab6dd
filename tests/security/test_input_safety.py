"""CSRF, uploads checked by content and size, templates that cannot run code or inject
headers."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from receivables.models import Document
from reminders.keywords import substitute
from reminders.models import Template
from reminders.preview import preview_batch
from tests.reminders.conftest import AS_OF, dunning_setup, late_invoice, media  # noqa: F401

from .walk import django_routes

CSRF_FREE = {"api"}  # token-authenticated JSON API: no cookie, no CSRF


def test_every_form_refuses_a_post_without_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    checked = 0
    for route in django_routes():
        if route.params or route.name.split(":")[0] in CSRF_FREE or "(?P" in route.route:
            continue
        client.force_login(alice)
        r = client.post(route.fill({}), {"x": "1"})
        if r.status_code in (404, 405):
            continue
        checked += 1
        assert r.status_code == 403, f"POST {route.route} without CSRF token: {r.status_code}"
    assert checked >= 3


@pytest.mark.parametrize(
    "name,content",
    [
        ("factures.csv", b"\x00\x01\x02\xff\xfe binary \x00" * 50),
        ("factures.xlsx", b"PK\x03\x04 this is no zip at all"),
        ("facture.pdf", b"%PDF-1.7 not really a pdf"),
        ("factures.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
    ],
)
def test_an_upload_that_is_not_what_it_says_is_refused_clearly(alice_client, name, content):
    r = alice_client.post("/import/", {"file": SimpleUploadedFile(name, content)})
    assert r.status_code in (200, 400)
    text = r.content.decode()
    assert "fichier" in text.lower() or "ligne" in text.lower()
    assert Document.objects.count() == 0


def test_an_upload_over_the_limit_is_refused(alice_client, settings):
    settings.RELANCE_MAX_UPLOAD_BYTES = 1000
    data = b"Client;Facture\n" + b"A;1\n" * 400
    r = alice_client.post("/import/", {"file": SimpleUploadedFile("big.csv", data)})
    assert r.status_code in (200, 400, 413)
    assert Document.objects.count() == 0


def _template(company):
    return Template.objects.get(
        company=company,
        channel="email",
        level__rank=2,
        language="fr",
        level__policy__kind="invoice",
        level__policy__is_default=True,
    )


def test_keywords_are_plain_text_not_django_templates():
    text = "{{ settings.SECRET_KEY }} {% now 'Y' %} %CLIENT% {% debug %}"
    out = substitute(text, {"CLIENT": "{{ 7|add:7 }}{% csrf_token %}"})
    assert (
        out == "{{ settings.SECRET_KEY }} {% now 'Y' %} {{ 7|add:7 }}{% csrf_token %} {% debug %}"
    )


def test_a_rendered_reminder_shows_template_syntax_literally(company, late_invoice):  # noqa: F811
    doc = late_invoice()
    doc.customer.name = "{{ company.iban }}{% load static %}"
    doc.customer.save()
    tpl = _template(company)
    tpl.body_text = "Bonjour %CLIENT%, {{ request.user }} {% now 'Y' %}"
    tpl.save()
    preview = preview_batch(company, [doc], channel="email", as_of=AS_OF)
    body = preview.messages[0].body_text
    assert "{{ company.iban }}{% load static %}" in body
    assert "{{ request.user }} {% now 'Y' %}" in body


def test_a_subject_cannot_carry_a_header(company, late_invoice):  # noqa: F811
    tpl = _template(company)
    tpl.subject = "Relance\r\nBcc: everyone@evil.example"
    with pytest.raises(ValidationError):
        tpl.save()
    doc = late_invoice()
    doc.customer.name = "ACME\r\nBcc: everyone@evil.example"
    doc.customer.save()
    tpl.refresh_from_db()
    tpl.subject = "Relance %CLIENT%"
    tpl.save()
    subject = preview_batch(company, [doc], channel="email", as_of=AS_OF).messages[0].subject
    assert "\r" not in subject and "\n" not in subject
