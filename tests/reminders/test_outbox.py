"""The sent-once outbox against a real SMTP server (aiosmtpd, see conftest)."""

import io
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from channels.email import EmailChannel
from receivables.models import Customer, Document
from reminders.batches import create_batch
from reminders.models import Reminder, ReminderState
from reminders.outbox import drain
from reminders.summary import batch_summary

from .conftest import AS_OF


def _make_due_again():
    Reminder.objects.filter(state=ReminderState.QUEUED).update(next_attempt_at=timezone.now())


def _pdf_parts(message):
    return [
        (part.get_filename(), part.get_content())
        for part in message.iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


def test_each_message_arrives_with_its_headers_body_and_only_its_pdfs(
    late_invoice, company, smtp_server
):
    other = Customer.objects.create(
        company=company,
        code="C2",
        name="LENTY Sarah",
        emails="sarah@lenty.example, compta@lenty.example",
    )
    a1 = late_invoice(number="A-1")
    a2 = late_invoice(number="A-2")
    b1 = late_invoice(number="B-1", customer=other)
    batch = create_batch(company, [a1, a2, b1], as_of=AS_OF)
    stats = drain(batch.pk)
    assert stats.sent == 2
    by_to = {r.message["To"]: r for r in smtp_server.received}
    assert set(by_to) == {"daisy@anyway.example", "sarah@lenty.example, compta@lenty.example"}

    anyway = by_to["daisy@anyway.example"].message
    row = Reminder.objects.get(customer__code="C1")
    assert (
        anyway["Message-ID"] == row.message_id == f"<reminder-{row.pk}.{company.pk}@alice.example>"
    )
    assert anyway["From"] == "Alice SARL <compta@alice.example>"
    assert anyway["Subject"] == "Rappel : facture(s) A-1, A-2 échue(s)"
    text = anyway.get_body(("plain",)).get_content()
    assert "A-1" in text and "A-2" in text and "IBAN FR76 3000" in text
    assert "<table" in anyway.get_body(("html",)).get_content()
    pdfs = _pdf_parts(anyway)
    assert [name for name, _ in pdfs] == ["facture-A-1.pdf", "facture-A-2.pdf"]
    titles = [PdfReader(io.BytesIO(content)).metadata.title for _, content in pdfs]
    assert titles == ["A-1", "A-2"]

    lenty = by_to["sarah@lenty.example, compta@lenty.example"]
    assert sorted(lenty.rcpt_tos) == ["compta@lenty.example", "sarah@lenty.example"]
    assert [name for name, _ in _pdf_parts(lenty.message)] == ["facture-B-1.pdf"]

    row.refresh_from_db()
    assert row.state == ReminderState.SENT and row.attempts == 1 and row.sent_at
    assert row.attachments.count() == 2  # kept on the row as proof


def test_a_temporary_error_is_retried_later_then_sent(late_invoice, company, smtp_server):
    smtp_server.script = ["451 4.3.0 Mailbox busy, try later"]
    batch = create_batch(company, [late_invoice()], as_of=AS_OF)
    drain(batch.pk)
    row = Reminder.objects.get()
    assert row.state == ReminderState.QUEUED
    assert "451 4.3.0 Mailbox busy" in row.last_error
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=30)  # backoff
    assert drain(batch.pk).sent == 0  # not due yet: nothing is hammered
    _make_due_again()
    assert drain(batch.pk).sent == 1
    row.refresh_from_db()
    assert row.state == ReminderState.SENT and row.attempts == 2
    assert len(smtp_server.received) == 1


def test_a_permanent_error_fails_with_the_servers_words(late_invoice, company, smtp_server):
    smtp_server.script = ["550 5.1.1 <daisy@anyway.example>: user unknown"]
    doc = late_invoice()
    batch = create_batch(company, [doc], as_of=AS_OF)
    drain(batch.pk)
    row = Reminder.objects.get()
    assert row.state == ReminderState.FAILED
    assert row.last_error == "550 5.1.1 <daisy@anyway.example>: user unknown"
    doc.refresh_from_db()
    assert doc.reminder_count == 0 and doc.pending_level == 2  # still to do
    [error] = batch_summary(batch).errors
    assert (error.customer, error.documents) == ("ANYWAY SARL", [doc.number])
    assert "user unknown" in error.error
    # the level is free again: the user can fix the address and remind again
    assert create_batch(company, [doc], as_of=AS_OF).reminders.get().state == "queued"


def test_after_max_attempts_a_temporary_error_fails(late_invoice, company, smtp_server, settings):
    smtp_server.script = ["421 4.7.0 too busy"] * 5
    batch = create_batch(company, [late_invoice()], as_of=AS_OF)
    for _ in range(5):
        drain(batch.pk)
        _make_due_again()
    row = Reminder.objects.get()
    assert (row.state, row.attempts) == (ReminderState.FAILED, 5)
    assert "421 4.7.0 too busy" in row.last_error
    assert smtp_server.received == []


def test_a_connection_dropped_mid_batch_loses_and_doubles_nothing(
    late_invoice, company, smtp_server
):
    docs = []
    for i in range(6):
        customer = Customer.objects.create(
            company=company, code=f"K{i}", name=f"Client {i}", emails=f"c{i}@example.org"
        )
        docs.append(late_invoice(customer=customer))
    smtp_server.drop_at = {3}  # the 3rd DATA: the server hangs up after the whole message
    batch = create_batch(company, docs, as_of=AS_OF)
    stats = drain(batch.pk)
    # the connection was reopened for the rest; the one whose answer was lost may have
    # been accepted: a person decides, it is not resent (it would be a duplicate)
    assert (stats.sent, stats.retried, stats.needs_review) == (5, 0, 1)
    _make_due_again()
    assert drain(batch.pk).sent == 0
    recipients = sorted(r.message["To"] for r in smtp_server.received)
    assert len(recipients) == 5
    assert batch_summary(batch).totals == {"sent": 5, "needs_review": 1}


def test_a_row_handed_to_the_server_when_its_worker_died_is_listed_for_review_not_resent(
    late_invoice, company, smtp_server
):
    batch = create_batch(company, [late_invoice()], as_of=AS_OF)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Reminder.objects.update(
        state=ReminderState.SENDING, claimed_at=an_hour_ago, handed_at=an_hour_ago
    )
    stats = drain(batch.pk)
    assert (stats.sent, stats.needs_review) == (0, 1)
    assert smtp_server.received == []
    summary = batch_summary(batch)
    assert summary.totals == {"needs_review": 1}
    assert summary.needs_review[0].customer == "ANYWAY SARL"
    assert drain(batch.pk).sent == 0  # a rerun does not touch it either


def test_rows_claimed_but_never_handed_over_by_a_dead_worker_are_sent_once(
    late_invoice, company, smtp_server
):
    """A worker claims a chunk, then dies before handing the next message to the server:
    only the message it was sending is in doubt, the rest of its chunk is simply sent."""
    customers = [
        Customer.objects.create(company=company, code=f"K{i}", name=f"K{i}", emails=f"k{i}@x.org")
        for i in range(3)
    ]
    batch = create_batch(company, [late_invoice(customer=c) for c in customers], as_of=AS_OF)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    first, *rest = Reminder.objects.filter(batch=batch).order_by("pk")
    Reminder.objects.filter(batch=batch).update(
        state=ReminderState.SENDING, claimed_at=an_hour_ago, claimed_by="dead", attempts=0
    )
    Reminder.objects.filter(pk=first.pk).update(handed_at=an_hour_ago, attempts=1)
    stats = drain(batch.pk)
    assert (stats.sent, stats.needs_review) == (2, 1)
    assert sorted(r.message["To"] for r in smtp_server.received) == ["k1@x.org", "k2@x.org"]
    states = dict(Reminder.objects.filter(batch=batch).values_list("pk", "state"))
    assert states == {first.pk: "needs_review", rest[0].pk: "sent", rest[1].pk: "sent"}
    assert Reminder.objects.get(pk=rest[0].pk).attempts == 1  # counted once, when handed


def test_each_outcome_is_recorded_before_the_next_message_goes(
    late_invoice, company, smtp_server, monkeypatch
):
    """A crash can only leave the message being sent in doubt: when the server receives
    message n, messages 1..n-1 are already recorded as sent (their `sent_at`; on
    PostgreSQL the rows turn 'sent' with their chunk, see reminders/ledger.py)."""
    customers = [
        Customer.objects.create(company=company, code=f"K{i}", name=f"K{i}", emails=f"k{i}@x.org")
        for i in range(4)
    ]
    batch = create_batch(company, [late_invoice(customer=c) for c in customers], as_of=AS_OF)
    seen = []
    send = EmailChannel.send

    def watching_send(channel, email):
        rows = Reminder.objects.filter(batch=batch)
        seen.append(
            (
                rows.filter(sent_at__isnull=False).count(),
                rows.filter(handed_at__isnull=False).count(),
            )
        )
        return send(channel, email)

    monkeypatch.setattr(EmailChannel, "send", watching_send)
    assert drain(batch.pk).sent == 4
    assert seen == [(0, 1), (1, 2), (2, 3), (3, 4)]  # (sent, handed over) as message n goes
    assert Reminder.objects.filter(batch=batch, state="sent").count() == 4


def test_a_document_paid_after_queueing_is_not_reminded(late_invoice, company, smtp_server):
    doc = late_invoice()
    batch = create_batch(company, [doc], as_of=AS_OF)
    Document.objects.filter(pk=doc.pk).update(state="paid", paid_amount=doc.amount)
    assert drain(batch.pk).cancelled == 1
    assert smtp_server.received == []


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database locks whole tables across threads "
    "(no busy timeout); the file database in use has one. Runs on PostgreSQL.",
)
def test_two_workers_on_one_batch_deliver_each_message_exactly_once(
    transactional_db, late_invoice, company, smtp_server
):
    docs = []
    for i in range(40):
        customer = Customer.objects.create(
            company=company, code=f"W{i}", name=f"Client {i}", emails=f"w{i}@example.org"
        )
        docs.append(late_invoice(customer=customer))
    batch = create_batch(company, docs, as_of=AS_OF)
    results, errors = [], []

    def worker():
        try:
            results.append(drain(batch.pk, chunk=3).sent)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sum(results) == 40
    ids = [r.message["Message-ID"] for r in smtp_server.received]
    assert len(ids) == 40 and len(set(ids)) == 40
    assert Reminder.objects.filter(state=ReminderState.SENT).count() == 40
    assert set(Document.objects.values_list("reminder_count", flat=True)) == {1}


def test_an_interrupted_send_reads_in_the_readers_language(late_invoice, company, smtp_server):
    from django.utils import translation

    batch = create_batch(company, [late_invoice()], as_of=AS_OF)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Reminder.objects.update(
        state=ReminderState.SENDING, claimed_at=an_hour_ago, handed_at=an_hour_ago
    )
    drain(batch.pk)
    with translation.override("en"):
        assert batch_summary(batch).needs_review[0].error.startswith("Interrupted while sending")
    with translation.override("fr"):
        assert batch_summary(batch).needs_review[0].error.startswith("Interrompu pendant l'envoi")
