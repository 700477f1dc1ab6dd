"""Rel mail on one invoice → its preview is editable → the edit is what leaves and is kept."""

import re
from html import unescape

import pytest
from django.core import mail

from reminders.defaults import ensure_default_templates
from reminders.models import Batch, Reminder

EDITED = "Bonjour,\r\n\r\nUn petit oubli ? Il reste %SOLDE% à régler.\r\nMerci !"


@pytest.fixture
def templated(company, policies, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_default_templates(company)


def field(html: str, name: str) -> str:
    """The value the page gives the edit form's field `name` (input or textarea)."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S
    )
    return unescape(found.group(1)) if found else None


def preview(client, *docs, channel="email") -> str:
    response = client.post("/relances/apercu/", {"channel": channel, "ids": [d.pk for d in docs]})
    assert response.status_code == 200
    return response.content.decode()


def send(client, doc, channel="email", **form):
    return client.post("/relances/envoyer/", {"channel": channel, "ids": str(doc.pk), **form})


def test_one_message_is_shown_editable_with_what_will_be_sent(alice_client, seed_docs, templated):
    html = preview(alice_client, seed_docs["3"])
    subject, text = field(html, "subject"), field(html, "body_text")
    assert subject == "Rappel : facture(s) 3 échue(s)"
    assert text.startswith("Bonjour LENTY Sarah,\n\nSauf erreur de notre part")
    assert "- 3 du " in text  # the documents, as text
    payment = re.search(r'<pre class="content" id="edit-payment">(.*?)</pre>', html, re.S)
    assert "Référence à indiquer" in payment.group(1)  # shown apart, added as it is
    assert "Référence à indiquer" not in text
    assert (field(html, "shown_subject"), field(html, "shown_body_text")) == (subject, text)
    assert 'form="send-form"' in html and 'id="send-form"' in html
    assert "la version mise en forme (HTML) de l'e-mail est refaite" in html


def test_several_messages_or_a_viewer_get_no_edit_form(
    alice_client, viewer_client, seed_docs, templated
):
    assert field(preview(alice_client, seed_docs["3"], seed_docs["5"]), "body_text") is None
    html = preview(viewer_client, seed_docs["3"])
    assert field(html, "body_text") is None and "Sauf erreur de notre part" in html


def test_the_edited_email_is_sent_with_its_invoice_and_kept_on_file(
    alice_client, seed_docs, templated, django_capture_on_commit_callbacks
):
    doc = seed_docs["3"]
    html = preview(alice_client, doc)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            alice_client,
            doc,
            subject="Facture %NUMERO% : un petit oubli ?",
            body_text=EDITED,
            shown_subject=field(html, "shown_subject"),
            shown_body_text=field(html, "shown_body_text"),
        )
    assert response.status_code == 302
    [sent] = mail.outbox
    assert sent.subject == "Facture 3 : un petit oubli ?"
    assert sent.body.startswith(
        "Bonjour,\n\nUn petit oubli ? Il reste 720,00\xa0€ à régler.\nMerci !"
    )
    assert "Sauf erreur de notre part" not in sent.body
    [(html_part, _kind)] = sent.alternatives
    assert "<p>Un petit oubli ? Il reste 720,00\xa0€ à régler.<br>Merci !</p>" in html_part
    assert [name for name, _content, kind in sent.attachments if kind == "application/pdf"] == [
        "facture-3.pdf"
    ]
    summary = alice_client.get(response["Location"]).content.decode()
    assert "1 envoyée" in summary
    assert "Facture 3 : un petit oubli ?" in summary and "Il reste 720,00\xa0€" in summary
    page = alice_client.get(f"/pieces/{doc.pk}/").content.decode()
    assert "Voir le contenu envoyé" in page and "Un petit oubli ? Il reste" in page


def test_an_untouched_message_is_sent_as_without_the_form(
    alice_client, seed_docs, templated, django_capture_on_commit_callbacks
):
    doc = seed_docs["3"]
    html = preview(alice_client, doc)
    shown_text = field(html, "shown_body_text")
    with django_capture_on_commit_callbacks(execute=False):  # look before it is sent
        send(
            alice_client,
            doc,
            subject=field(html, "subject"),
            body_text=shown_text.replace("\n", "\r\n") + "\r\n",  # as a browser posts it
            shown_subject=field(html, "shown_subject"),
            shown_body_text=shown_text.replace("\n", "\r\n"),
        )
    assert Reminder.objects.get().words_pending  # no edit: worded by the worker as always


def test_a_subject_with_a_line_break_comes_back_on_the_preview(alice_client, seed_docs, templated):
    doc = seed_docs["3"]
    html = preview(alice_client, doc)
    response = send(
        alice_client,
        doc,
        subject="Rappel\r\nBcc: someone@example.org",
        body_text=EDITED,
        shown_subject=field(html, "shown_subject"),
        shown_body_text=field(html, "shown_body_text"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le message n&#x27;est pas parti : corrigez « Objet »." in page
    error = re.search(r'id="edit-subject-error">(.*?)</p>', page).group(1)
    assert unescape(error) == "L'objet ne peut pas contenir de retour à la ligne."
    assert field(page, "body_text") == EDITED.replace("\r\n", "\n")  # the edit is kept
    assert not Batch.objects.exists() and not mail.outbox


def test_an_unknown_keyword_is_named_under_the_text(alice_client, seed_docs, templated):
    doc = seed_docs["3"]
    html = preview(alice_client, doc)
    response = send(
        alice_client,
        doc,
        subject=field(html, "subject"),
        body_text="Solde : %SOLDEE%",
        shown_subject=field(html, "shown_subject"),
        shown_body_text=field(html, "shown_body_text"),
    )
    page = response.content.decode()
    assert "corrigez « Texte »" in page
    assert re.search(r'id="edit-text-error">Mot clé inconnu : %SOLDEE%.</p>', page)
    assert field(page, "subject") == field(html, "subject")
    assert not Batch.objects.exists()


def test_an_edited_letter_is_printed_as_written(
    alice_client, seed_docs, templated, lenty, django_capture_on_commit_callbacks
):
    import io

    from pypdf import PdfReader

    lenty.address, lenty.postal_code, lenty.city = "8 allée des Tilleuls", "35700", "Rennes"
    lenty.save()
    doc = seed_docs["3"]
    html = preview(alice_client, doc, channel="letter")
    assert field(html, "body_text").startswith("Madame, Monsieur,")
    assert "elle sera imprimée telle que vous l'aurez écrite" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            alice_client,
            doc,
            channel="letter",
            subject=field(html, "subject"),
            body_text="Madame, Monsieur,\r\n\r\nSans nouvelles de votre part pour %NUMERO%.",
            shown_subject=field(html, "shown_subject"),
            shown_body_text=field(html, "shown_body_text"),
        )
    summary = alice_client.get(response["Location"]).content.decode()
    assert "1 courrier à imprimer" in summary and "Sans nouvelles de votre part pour 3." in summary
    batch = Batch.objects.get()
    pdf = alice_client.get(f"/relances/lots/{batch.pk}/courriers.pdf").content
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Sans nouvelles de votre part pour 3." in text and "8 allée des Tilleuls" in text
