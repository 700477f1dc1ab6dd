"""Reading a real mailbox (Dovecot): each message once, whatever happens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.fetch import fetch_mailbox
from inbox.models import AfterRead, InboundMessage, Kind, Mailbox
from receivables.models import Customer
from reminders.models import Reminder, ReminderState

from . import mails


@pytest.fixture
def sent(company, customer):
    """A reminder e-mailed to the customer, as the outbox leaves it."""
    row = Reminder.objects.create(
        company=company, customer=customer, channel="email", state=ReminderState.SENT,
        recipient=[customer.emails], sent_at=timezone.now(), subject="Rappel : facture F00001",
    )  # fmt: skip
    row.message_id = f"<reminder-{row.pk}.{company.pk}@alice.example>"
    row.save()
    return row


def test_a_reply_is_read_once_and_pauses_the_customer(mailbox, dovecot, sent, customer):
    dovecot.deliver("alice", mails.thunderbird_reply(sent.message_id[1:-1]))
    report = fetch_mailbox(mailbox)
    assert (report.read, report.error) == (1, "")
    reply = InboundMessage.objects.get()
    assert (reply.kind, reply.customer, reply.reminder) == (Kind.REPLY, customer, sent)
    assert reply.files.get().filename == "BL-2026-0117.pdf"
    customer.refresh_from_db()
    assert customer.awaiting_reply
    # moved out of the folder read: a second fetch finds nothing
    assert dovecot.uids("alice") == [] and dovecot.uids("alice", "Relance") == ["1"]
    assert fetch_mailbox(mailbox).read == 0
    assert InboundMessage.objects.count() == 1


def test_a_crash_between_the_record_and_the_move_repeats_nothing(mailbox, dovecot, sent):
    dovecot.deliver("alice", mails.thunderbird_reply(sent.message_id[1:-1]))
    Mailbox.objects.filter(pk=mailbox.pk).update(done_folder="")  # the move fails...
    mailbox.refresh_from_db()
    report = fetch_mailbox(mailbox)
    assert report.read == 1 and report.error  # ...after the message was recorded
    assert dovecot.uids("alice") == ["1"]  # still there
    Mailbox.objects.filter(pk=mailbox.pk).update(done_folder="Relance")
    mailbox.refresh_from_db()
    again = fetch_mailbox(mailbox, force=True)
    assert (again.read, again.known, again.error) == (0, 1, "")
    assert InboundMessage.objects.count() == 1 and dovecot.uids("alice") == []


def test_the_same_message_delivered_twice_counts_once(mailbox, dovecot, sent):
    raw = mails.thunderbird_reply(sent.message_id[1:-1])
    dovecot.deliver("alice", raw)
    dovecot.deliver("alice", raw)
    report = fetch_mailbox(mailbox)
    assert (report.read, report.known) == (1, 1)


def test_flag_mode_leaves_messages_in_place_and_reads_them_once(mailbox, dovecot, sent):
    Mailbox.objects.filter(pk=mailbox.pk).update(after_read=AfterRead.FLAG)
    mailbox.refresh_from_db()
    dovecot.deliver("alice", mails.exchange_out_of_office(sent.message_id[1:-1]))
    assert fetch_mailbox(mailbox).kinds == {Kind.AUTO_REPLY: 1}
    assert dovecot.uids("alice") == ["1"]
    assert dovecot.uids("alice", criteria="UNKEYWORD $Relance") == []
    assert fetch_mailbox(mailbox).read == 0


def test_an_out_of_office_is_logged_and_pauses_nothing(mailbox, dovecot, sent, customer):
    dovecot.deliver("alice", mails.exchange_out_of_office(sent.message_id[1:-1]))
    fetch_mailbox(mailbox)
    assert InboundMessage.objects.get().kind == Kind.AUTO_REPLY
    customer.refresh_from_db()
    assert not customer.awaiting_reply and not customer.email_undeliverable


def test_a_bounce_marks_the_address_and_the_reminder(mailbox, dovecot, sent, customer):
    dovecot.deliver("alice", mails.postfix_bounce(sent.message_id))
    fetch_mailbox(mailbox)
    customer.refresh_from_db()
    sent.refresh_from_db()
    assert "User unknown" in customer.email_undeliverable
    assert "550 5.1.1" in sent.undelivered
    assert not customer.awaiting_reply


def test_another_companys_message_id_is_not_trusted(
    mailbox, dovecot, other_company, sent, customer
):
    stranger = Customer.objects.create(company=other_company, code="X", name="X",
                                       emails="daisy@anyway.example")  # fmt: skip
    theirs = Reminder.objects.create(company=other_company, customer=stranger, channel="email")
    theirs.message_id = f"<reminder-{theirs.pk}.{other_company.pk}@charlie.example>"
    theirs.save()
    dovecot.deliver("alice", mails.thunderbird_reply(theirs.message_id[1:-1], sender="x@y.example"))
    fetch_mailbox(mailbox)
    got = InboundMessage.objects.get()
    assert got.kind == Kind.UNMATCHED and got.reminder is None and got.customer is None
    assert not Customer.objects.filter(awaiting_reply=True).exists()


def test_a_sender_among_the_customers_is_matched_by_address(mailbox, dovecot, customer):
    dovecot.deliver("alice", mails.outlook_html_reply("no-such-id@alice.example"))
    fetch_mailbox(mailbox)
    got = InboundMessage.objects.get()
    assert (got.kind, got.customer, got.matched_by) == (Kind.REPLY, customer, "address")
    assert "<script" not in got.body_html and "onerror" not in got.body_html
    assert "tracker.example" not in got.body_html and "payé" in got.body_html


def test_a_refused_login_is_shown_and_the_mailbox_waits(mailbox, dovecot):
    mailbox.password = "wrong"
    mailbox.save()
    report = fetch_mailbox(mailbox)
    mailbox.refresh_from_db()
    assert report.error and mailbox.failures == 1 and "AUTHENTICATIONFAILED" in mailbox.last_error
    assert mailbox.next_try_at > timezone.now() + timedelta(seconds=200)
    assert fetch_mailbox(mailbox).skipped  # no loop: it waits
    fetch_mailbox(mailbox, now=mailbox.next_try_at + timedelta(seconds=1))
    mailbox.refresh_from_db()
    first_wait = timedelta(seconds=300)
    assert mailbox.failures == 2 and mailbox.next_try_at - timezone.now() > first_wait


def test_a_server_that_is_down_is_said_in_words(mailbox):
    Mailbox.objects.filter(pk=mailbox.pk).update(port=1)
    mailbox.refresh_from_db()
    report = fetch_mailbox(mailbox)
    assert report.error and mailbox.failures == 1


def test_the_password_is_stored_encrypted(mailbox, dovecot):
    stored = Mailbox.objects.values_list("password_encrypted", flat=True).get()
    assert dovecot.password("alice") not in stored
    assert Mailbox.objects.get().password == dovecot.password("alice")


def test_the_cli_reads_the_mailbox_and_says_what_it_read(mailbox, dovecot, sent):
    from io import StringIO

    from django.core.management import call_command

    dovecot.deliver("alice", mails.thunderbird_reply(sent.message_id[1:-1]))
    dovecot.deliver("alice", mails.postfix_bounce(sent.message_id))
    out = StringIO()
    call_command("fetch-mail", stdout=out)
    assert "2 read (bounce 1, reply 1)" in out.getvalue()
    Mailbox.objects.filter(pk=mailbox.pk).update(port=1)
    with pytest.raises(SystemExit):
        call_command("fetch-mail", stdout=out)
    assert "FAILED" in out.getvalue()
