"""A lone reminder edited before it leaves: what is sent, printed and kept is the edit."""

import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from receivables.models import Customer
from reminders.batches import create_batch
from reminders.editing import editable_text, html_to_text
from reminders.letters import letters_pdf
from reminders.models import Batch, Reminder
from reminders.outbox import drain
from reminders.preview import preview_batch

from .conftest import AS_OF

EDIT = "Bonjour %CONTACT%,\n\nPetit oubli ? Le solde est de %SOLDE%.\n<b>Merci</b> d'avance !"


def parts(message) -> dict[str, str]:
    return {p.get_content_type(): p.get_content() for p in message.walk() if not p.is_multipart()}


def test_the_edited_text_goes_out_with_its_keywords_substituted(late_invoice, company, smtp_server):
    doc = late_invoice(number="F-7")
    batch = create_batch(
        company,
        [doc],
        edited={"subject": "Facture %NUMERO% <à régler>", "body_text": EDIT},
        as_of=AS_OF,
    )
    row = batch.reminders.get()
    contact = doc.customer.contact_name or doc.customer.name
    assert row.subject == "Facture F-7 <à régler>"
    assert row.body_text.startswith(
        f"Bonjour {contact},\n\nPetit oubli ? Le solde est de 720,00\xa0€.\n<b>Merci</b> d'avance !"
    )
    assert drain(batch.pk).sent == 1
    message = smtp_server.received[0].message
    assert message["Subject"] == "Facture F-7 <à régler>"
    body = parts(message)
    assert "Petit oubli ? Le solde est de 720,00\xa0€." in body["text/plain"]
    # the HTML part says the same, escaped, and keeps the payment block (QR code)
    html = body["text/html"]
    assert (
        "<p>Petit oubli ? Le solde est de 720,00\xa0€.<br>&lt;b&gt;Merci&lt;/b&gt; d'avance !</p>"
        in html
    )
    assert "Nous nous permettons" not in html + body["text/plain"]  # the template's words
    assert "FR76 3000 6000 0112 3456 7890 189" in body["text/plain"]  # payment text kept
    assert 'src="cid:' in html  # the QR image, inline
    assert [p.get_filename() for p in message.iter_attachments() if p.get_filename()] == [
        "facture-F-7.pdf"
    ]


def test_a_block_keyword_alone_in_a_paragraph_becomes_the_table_again(late_invoice, company):
    batch = create_batch(
        company,
        [late_invoice(number="F-8")],
        edited={"body_text": "Voici le détail :\n\n%LISTE_PIECES%\n\nMerci."},
        as_of=AS_OF,
    )
    row = batch.reminders.get()
    assert '<table class="documents"' in row.body_html and "<p>%LISTE_PIECES%" not in row.body_html
    assert "- F-8 du " in row.body_text  # the text form of the same list


def test_an_unknown_keyword_is_refused_by_name_and_nothing_is_written(late_invoice, company):
    with pytest.raises(ValidationError) as caught:
        create_batch(
            company,
            [late_invoice()],
            edited={"subject": "Rappel %NUMERO%", "body_text": "Solde %SOLDEE% %RETARD_J%"},
            as_of=AS_OF,
        )
    assert caught.value.message_dict == {"body_text": ["Mot clé inconnu : %SOLDEE%, %RETARD_J%."]}
    assert not Batch.objects.exists() and not Reminder.objects.exists()


def test_a_subject_with_a_line_break_is_refused_and_nothing_is_written(late_invoice, company):
    with pytest.raises(ValidationError) as caught:
        create_batch(
            company,
            [late_invoice()],
            edited={"subject": "Rappel\r\nBcc: victim@example.org", "body_text": "x"},
            as_of=AS_OF,
        )
    assert caught.value.message_dict == {
        "subject": ["L'objet ne peut pas contenir de retour à la ligne."]
    }
    assert not Batch.objects.exists()


def test_the_html_part_cannot_be_set_apart_from_the_text(late_invoice, company):
    with pytest.raises(ValidationError) as caught:
        create_batch(company, [late_invoice()], edited={"body_html": "<p>x</p>"}, as_of=AS_OF)
    assert "body_html" in caught.value.message_dict["edited"][0]


def test_an_empty_text_is_refused(late_invoice, company):
    with pytest.raises(ValidationError) as caught:
        create_batch(company, [late_invoice()], edited={"body_text": " \n "}, as_of=AS_OF)
    assert caught.value.message_dict == {"body_text": ["Le texte ne peut pas être vide."]}


def test_an_unedited_send_is_worded_by_the_worker_as_before(late_invoice, company, smtp_server):
    from portal.models import PortalSettings

    PortalSettings.objects.create(company=company, enabled=False)  # no link made at send
    doc = late_invoice()
    [shown] = preview_batch(company, [doc]).messages  # today's figures, as the worker's
    batch = create_batch(company, [doc])
    row = batch.reminders.get()
    assert row.words_pending and row.body_text == ""  # worded just before it goes
    assert drain(batch.pk).sent == 1
    row.refresh_from_db()
    assert (row.subject, row.body_text, row.body_html) == (
        shown.subject,
        shown.body_text,
        shown.body_html,
    )


def test_the_words_to_edit_leave_the_payment_block_out(late_invoice, company):
    [msg] = preview_batch(company, [late_invoice(number="F-9")], as_of=AS_OF).messages
    text = editable_text(msg)
    assert text.startswith("Bonjour ") and "F-9" in text
    assert msg.payment_text and msg.payment_text not in text
    assert msg.body_text.startswith(text)  # the rest is the payment block


def test_a_letter_prints_the_edited_text(late_invoice, company):
    customer = Customer.objects.create(
        company=company,
        code="L1",
        name="Mu & Fils",
        address="2 rue des Lilas",
        postal_code="75011",
        city="Paris",
    )
    doc = late_invoice(customer=customer, with_pdf=False, number="L-1")
    [msg] = preview_batch(company, [doc], channel="letter", as_of=AS_OF).messages
    shown = editable_text(msg)  # a letter's template has only HTML: read from it
    assert shown.startswith("Madame, Monsieur,\n\n") and "L-1" in shown
    assert "<p>" not in shown
    edited = "Madame, Monsieur,\n\nNous attendons toujours %TOTAL_DU% pour %NUMERO%.\nCordialement."
    batch = create_batch(
        company,
        [doc],
        channel="letter",
        edited={"subject": "Dernier rappel avant contentieux", "body_text": edited},
        as_of=AS_OF,
    )
    pdf, pages = letters_pdf(batch)
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert pages == 1
    assert "Objet : Dernier rappel avant contentieux" in text
    assert "Nous attendons toujours" in text and "pour L-1." in text
    assert "Malgré notre précédent rappel" not in text  # the template's words are gone
    assert "2 rue des Lilas" in text and "75011 Paris" in text
    row = batch.reminders.get()
    assert "Nous attendons toujours" in row.body_text  # the proof on the customer's file


def test_a_template_html_reads_as_paragraphs():
    html = (
        "<style>p{color:red}</style><p>Bonjour %CONTACT%,</p>\n<p>Ligne 1<br>Ligne 2 &amp; "
        "fin</p>\n%LISTE_PIECES%\n<p>Bien   cordialement,<br>\n%SOCIETE%</p>"
    )
    assert html_to_text(html) == (
        "Bonjour %CONTACT%,\n\nLigne 1\nLigne 2 & fin\n\n%LISTE_PIECES%\n\n"
        "Bien cordialement,\n%SOCIETE%"
    )
