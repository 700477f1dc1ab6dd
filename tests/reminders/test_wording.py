"""E-mails are worded by the worker that sends them: the day's figures, kept as proof."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from receivables.models import Document
from reminders.batches import create_batch
from reminders.keywords import fmt_money
from reminders.models import Reminder, ReminderState, Template
from reminders.outbox import claim, drain

from .conftest import AS_OF


def test_a_queued_e_mail_is_worded_and_its_pdf_kept_when_it_is_sent(
    late_invoice, company, smtp_server
):
    doc = late_invoice(number="A-1")
    batch = create_batch(company, [doc], as_of=AS_OF)
    row = batch.reminders.get()
    assert (row.subject, row.attachments.count()) == ("", 0)  # not worded yet
    assert drain(batch.pk).sent == 1
    row.refresh_from_db()
    [received] = smtp_server.received
    assert received.message["Subject"] == row.subject == "Rappel : facture(s) A-1 échue(s)"
    sent_text = received.message.get_body(("plain",)).get_content()
    assert sent_text.replace("\r\n", "\n").strip() == row.body_text.strip()
    assert not row.words_pending
    assert [a.filename for a in row.attachments.all()] == ["facture-A-1.pdf"]


def test_the_words_carry_the_balance_of_the_day_the_message_leaves(
    late_invoice, company, smtp_server
):
    doc = late_invoice(amount=Decimal("720.00"))
    batch = create_batch(company, [doc], as_of=AS_OF)
    Document.objects.filter(pk=doc.pk).update(paid_amount=Decimal("200.00"))  # paid in part
    assert drain(batch.pk).sent == 1
    text = smtp_server.received[0].message.get_body(("plain",)).get_content()
    assert fmt_money(Decimal("520.00"), "EUR", "fr") in text
    assert fmt_money(Decimal("720.00"), "EUR", "fr") + " " not in text.split("IBAN")[0]


def test_a_message_that_cannot_be_worded_any_more_fails_in_words_and_frees_its_invoice(
    late_invoice, company, smtp_server
):
    doc = late_invoice()
    batch = create_batch(company, [doc], as_of=AS_OF)
    Template.objects.filter(company=company).delete()  # someone removed the templates
    assert drain(batch.pk).failed == 1
    row = batch.reminders.get()
    assert row.state == ReminderState.FAILED and "pas de modèle" in row.last_error
    assert smtp_server.received == []
    assert not row.links.get().live  # the invoice may be reminded again at that level


def test_a_row_put_back_after_a_crash_goes_with_the_words_it_was_given(
    late_invoice, company, smtp_server
):
    """Worded by a worker that then died before handing it over: the next worker sends
    the stored words (the proof), it does not word them again."""
    batch = create_batch(company, [late_invoice()], as_of=AS_OF)
    [row] = claim(10, batch.pk)
    stored = Reminder.objects.get(pk=row.pk)
    assert stored.subject and stored.attachments.count() == 1 and not stored.words_pending
    Template.objects.filter(company=company).update(subject="Nouveau texte")
    an_hour_ago = timezone.now() - timedelta(hours=1)  # the worker is gone
    Reminder.objects.filter(pk=row.pk).update(claimed_at=an_hour_ago)
    assert drain(batch.pk).sent == 1
    assert smtp_server.received[0].message["Subject"] == stored.subject
    assert Reminder.objects.get(pk=row.pk).attachments.count() == 1  # not attached twice


def test_an_edited_message_goes_as_edited(late_invoice, company, smtp_server):
    batch = create_batch(
        company, [late_invoice()], edited={"subject": "Petit oubli ?"}, as_of=AS_OF
    )
    assert not batch.reminders.get().words_pending
    Template.objects.filter(company=company).update(subject="Autre chose")
    assert drain(batch.pk).sent == 1
    assert smtp_server.received[0].message["Subject"] == "Petit oubli ?"


def test_an_english_customer_gets_english_words_and_file_names(late_invoice, company, smtp_server):
    doc = late_invoice(number="A-1")
    doc.customer.language = "en"
    doc.customer.save()
    batch = create_batch(company, [doc], as_of=AS_OF)
    assert drain(batch.pk).sent == 1
    message = smtp_server.received[0].message
    assert message["Subject"].startswith("Reminder")
    pdfs = [
        p.get_filename()
        for p in message.iter_attachments()
        if p.get_content_type() == "application/pdf"
    ]
    assert pdfs == ["invoice-A-1.pdf"]
