"""A worker that dies after the server accepted its messages but before their rows turned
'sent' (a chunk's sent rows turn 'sent' together, reminders/ledger.py):
the next run finishes them. Nothing is sent again, nothing goes to review, and each
document moves on to its level exactly once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from receivables.models import Customer, Document
from reminders import outbox_sql
from reminders.batches import create_batch
from reminders.ledger import Ledger
from reminders.models import Reminder, ReminderState
from reminders.outbox import drain, flag_stale
from reminders.summary import batch_summary
from web.screens.history import timeline

from .conftest import AS_OF


def _late_invoices(late_invoice, company, n):
    """One late invoice for each of `n` customers: `n` e-mails."""
    return [
        late_invoice(
            customer=Customer.objects.create(
                company=company, code=f"K{i}", name=f"K{i}", emails=f"k{i}@x.org"
            )
        )
        for i in range(n)
    ]


def _left_by_a_dead_worker(batch, sent_at):
    """The rows as a worker leaves them between a message accepted and its chunk's end."""
    long_ago = timezone.now() - timedelta(hours=1)
    Reminder.objects.filter(batch=batch).update(
        state=ReminderState.SENDING,
        claimed_by="dead-worker",
        claimed_at=long_ago,
        handed_at=sent_at,
        sent_at=sent_at,
        attempts=1,
        words_pending=False,
    )


def test_sent_rows_left_by_a_dead_worker_are_finished_once(late_invoice, company):
    docs = _late_invoices(late_invoice, company, 2)
    batch = create_batch(company, docs, as_of=AS_OF)
    sent_at = timezone.now() - timedelta(minutes=5)
    _left_by_a_dead_worker(batch, sent_at)

    summary = batch_summary(batch)  # accepted by the server: shown sent, not interrupted
    assert summary.totals == {ReminderState.SENT: 2}
    shown = [e for e in timeline(company, documents=docs) if e.kind == "reminder"]
    assert [(str(e.status), e.status_class) for e in shown] == [
        (str(ReminderState.SENT.label), "done")
    ] * 2  # the documents' history reads « envoyé » too

    assert flag_stale() == 0  # none for review: they were accepted
    assert set(batch.reminders.values_list("state", flat=True)) == {ReminderState.SENT}
    for doc in docs:
        doc.refresh_from_db()
        assert (doc.dunning_level, doc.reminder_count, doc.pending_level) == (2, 1, None)
        assert doc.last_reminder_date == company.today(sent_at)
        assert not doc.to_remind

    flag_stale()  # a second look (another worker) moves nothing twice
    for doc in docs:
        doc.refresh_from_db()
        assert doc.reminder_count == 1


@pytest.mark.parametrize("rows_per_statement", [10_000, 2])  # SQLite: 3 rows in 2 parts
def test_a_worker_dying_before_its_chunk_ends_sends_nothing_again(
    late_invoice, company, smtp_server, monkeypatch, settings, rows_per_statement
):
    monkeypatch.setattr(outbox_sql, "SQLITE_ROWS_PER_STATEMENT", rows_per_statement)
    docs = _late_invoices(late_invoice, company, 3)
    batch = create_batch(company, docs, as_of=AS_OF)
    with monkeypatch.context() as m:
        m.setattr(Ledger, "finish", lambda self: None)  # dies before its chunk's end
        drain(batch.pk)
    assert len(smtp_server.received) == 3
    rows = batch.reminders.all()
    assert {(r.state, r.sent_at is not None) for r in rows} == {(ReminderState.SENDING, True)}
    assert set(
        Document.objects.filter(pk__in=[d.pk for d in docs]).values_list(
            "reminder_count", flat=True
        )
    ) == {0}

    settings.RELANCE_OUTBOX_TIMEOUT = 0  # its lease ran out
    stats = drain(batch.pk)
    assert (stats.sent, stats.needs_review) == (0, 0)
    assert len(smtp_server.received) == 3  # nothing sent again
    assert set(batch.reminders.values_list("state", flat=True)) == {ReminderState.SENT}
    for doc in docs:
        doc.refresh_from_db()
        assert (doc.dunning_level, doc.reminder_count, doc.pending_level) == (2, 1, None)
