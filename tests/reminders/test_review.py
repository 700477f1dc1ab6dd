"""A person's decisions on the outbox (reminders.review), without HTTP: it went out, send
it again, give it up, correct the address first."""

import pytest
from django.core.exceptions import ValidationError

from receivables.models import Customer, Document
from reminders import review
from reminders.batches import create_batch
from reminders.models import Reminder, ReminderDocument, ReminderState
from reminders.outbox import drain

from .conftest import AS_OF


@pytest.fixture
def unsure(late_invoice, company):
    """A reminder whose worker died mid-send: it may have gone out."""
    doc = late_invoice(number="F-1")
    batch = create_batch(company, [doc], as_of=AS_OF)
    row = batch.reminders.get()
    Reminder.objects.filter(pk=row.pk).update(
        state=ReminderState.NEEDS_REVIEW, attempts=1, last_error="Interrompu pendant l'envoi"
    )
    row.refresh_from_db()
    return row


@pytest.fixture
def no_address(late_invoice, company):
    """A reminder that failed at once: the customer has no e-mail address."""
    nomail = Customer.objects.create(company=company, code="N", name="Sans Mail")
    batch = create_batch(company, [late_invoice(number="F-2", customer=nomail)], as_of=AS_OF)
    return batch.reminders.get()


def test_marked_sent_it_counts_as_the_documents_reminder(unsure, company):
    doc = Document.objects.get(number="F-1")
    assert doc.reminder_count == 0
    assert review.mark_sent(unsure) is True
    unsure.refresh_from_db()
    doc.refresh_from_db()
    assert unsure.state == ReminderState.SENT and unsure.sent_at is not None
    assert (doc.reminder_count, doc.dunning_level, doc.pending_level) == (1, 2, None)
    assert doc.last_reminder_date is not None
    assert review.mark_sent(unsure) is False  # decided once: a second click changes nothing
    doc.refresh_from_db()
    assert doc.reminder_count == 1


def test_sent_again_it_leaves_exactly_once(unsure, company, smtp_server):
    assert review.retry(unsure) == unsure.batch
    unsure.refresh_from_db()
    assert unsure.state == ReminderState.QUEUED
    assert drain(unsure.batch_id).sent == 1
    assert drain(unsure.batch_id).sent == 0
    assert len(smtp_server.received) == 1
    with pytest.raises(review.CannotRetry):
        review.retry(Reminder.objects.get(pk=unsure.pk))  # sent: nothing to retry


def test_a_failed_one_is_redone_with_the_corrected_address(no_address, company, smtp_server):
    assert list(review.needing_decision(company)) == [no_address]
    assert review.set_emails(no_address.customer, " compta@sans-mail.example ; ") == [
        "compta@sans-mail.example"
    ]
    batch = review.retry(no_address)
    assert review.still_failing(batch) == ""
    drain(batch.pk)
    assert [r.rcpt_tos for r in smtp_server.received] == [["compta@sans-mail.example"]]
    assert list(review.needing_decision(company)) == []  # redone: settled
    with pytest.raises(review.CannotRetry, match="déjà été refait"):
        review.retry(no_address)  # a second click makes no second batch


def test_a_retry_that_still_cannot_go_out_says_why(no_address, company):
    batch = review.retry(no_address)
    assert "adresse e-mail" in review.still_failing(batch)
    assert [r.batch_id for r in review.needing_decision(company)] == [batch.pk]


def test_a_bad_address_is_refused_by_name_and_nothing_changes(no_address):
    with pytest.raises(ValidationError, match="pas-une-adresse"):
        review.set_emails(no_address.customer, "ok@example.org, pas-une-adresse")
    assert Customer.objects.get(pk=no_address.customer_id).emails == ""
    with pytest.raises(ValidationError):
        review.set_emails(no_address.customer, " , ")


def test_given_up_it_is_cancelled_and_its_documents_are_free(unsure, no_address, company):
    assert review.dismiss(unsure) and review.dismiss(no_address)
    states = set(Reminder.objects.values_list("state", flat=True))
    assert states == {ReminderState.CANCELLED}
    assert not ReminderDocument.objects.filter(live=True).exists()
    assert list(review.needing_decision(company)) == []
    assert review.dismiss(unsure) is False


def test_another_companys_rows_are_not_listed(unsure, other_company):
    assert list(review.needing_decision(other_company)) == []
