"""Issue 19's "done when", in one story: a reminder goes out through SMTP (aiosmtpd), the
customer's reply lands in a real mailbox (Dovecot), the fetch pauses the customer and
shows the reply on the file and on « Réponses »; a bounce of the next reminder sends
the level after it by letter; an out-of-office changes nothing; fetching the same
messages again changes nothing."""

from datetime import date

import time_machine
from django.urls import reverse

from dunning.scan import scan
from inbox.fetch import fetch_mailbox
from inbox.models import InboundMessage, Kind
from receivables.models import Customer, Document
from reminders.batches import create_batch
from reminders.models import Reminder
from reminders.preview import preview_batch

from . import mails

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def send(company, invoice, day: date, smtp_server, capture) -> str:
    """Scan and send what is due on `day`; the Message-ID the SMTP server received."""
    before = len(smtp_server.received)
    with time_machine.travel(f"{day.isoformat()} 09:00 +01:00", tick=False):
        scan(company, day)
        with capture(execute=True):
            create_batch(company, [invoice], as_of=day)
    assert len(smtp_server.received) == before + 1
    return smtp_server.received[-1].message["Message-ID"]


def fetch(mailbox, day: date):
    with time_machine.travel(f"{day.isoformat()} 15:00 +01:00", tick=False):
        return fetch_mailbox(mailbox, force=True)


def state(invoice, customer) -> tuple:
    invoice.refresh_from_db()
    customer.refresh_from_db()
    return (
        InboundMessage.objects.count(),
        InboundMessage.objects.to_handle().count(),
        customer.awaiting_reply,
        customer.email_undeliverable,
        invoice.stop_reason,
        invoice.pending_level,
        invoice.dunning_level,
        invoice.promise_date,
        invoice.disputed,
        list(Reminder.objects.order_by("pk").values_list("undelivered", flat=True)),
    )


def test_replies_bounces_and_out_of_office_read_from_a_real_mailbox(
    client, alice, dunning_setup, late_invoice, smtp_server, mailbox, dovecot, settings,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.TASKS = IMMEDIATE
    company = dunning_setup
    # the default procedure: e-mails at levels 1 and 2, « Rel mail+ » (firm e-mail) at 3
    invoice = late_invoice()  # 720 € due 28/02, nothing sent yet
    customer = invoice.customer
    capture = django_capture_on_commit_callbacks

    # 1. the reminder goes out; the customer answers it (Thunderbird, with an attachment)
    first_id = send(company, invoice, date(2026, 3, 10), smtp_server, capture)
    first = Reminder.objects.get()
    assert first.message_id == first_id and first.level_rank == 1
    dovecot.deliver("alice", mails.thunderbird_reply(first_id[1:-1]))
    report = fetch(mailbox, date(2026, 3, 10))
    assert report.kinds == {Kind.REPLY: 1}

    # the customer's sequence is paused, for a person to read the reply
    scan(company, date(2026, 3, 20))  # « Relance 1 » would be due
    invoice.refresh_from_db()
    assert (invoice.stop_reason, invoice.to_remind) == ("reply", False)
    client.force_login(alice)
    file = client.get(reverse("customer_detail", args=[customer.pk])).content.decode()
    assert "La livraison était incomplète" in file and "BL-2026-0117.pdf" in file
    assert "Réponse à traiter" in file
    screen = client.get(reverse("replies")).content.decode()
    assert customer.name in screen and first.level_name in screen and invoice.number in screen
    assert "La livraison était incomplète" in screen

    # 2. an out-of-office changes nothing
    before = state(invoice, customer)
    dovecot.deliver("alice", mails.exchange_out_of_office(first_id[1:-1]))
    assert fetch(mailbox, date(2026, 3, 11)).kinds == {Kind.AUTO_REPLY: 1}
    after = state(invoice, customer)
    assert after[0] == before[0] + 1 and after[1:] == before[1:]

    # a person handles the reply: the pause ends
    reply = InboundMessage.objects.get(kind=Kind.REPLY)
    client.post(reverse("reply_handle", args=[reply.pk]), {"outcome": "done"})
    assert client.get(reverse("replies")).content.decode().count("reply-") == 0
    customer.refresh_from_db()
    assert not customer.awaiting_reply

    # 3. the next reminder bounces (Postfix's report): the level after it goes by letter
    second_id = send(company, invoice, date(2026, 3, 20), smtp_server, capture)
    dovecot.deliver("alice", mails.postfix_bounce(second_id))
    assert fetch(mailbox, date(2026, 3, 20)).kinds == {Kind.BOUNCE: 1}
    customer.refresh_from_db()
    assert "User unknown" in customer.email_undeliverable
    second = Reminder.objects.get(message_id=second_id)
    assert second.level_rank == 2 and "550 5.1.1" in second.undelivered
    file = client.get(reverse("customer_detail", args=[customer.pk])).content.decode()
    assert "non distribué" in file and "Non distribuable" in file
    with time_machine.travel("2026-03-28 09:00 +01:00", tick=False):
        scan(company, date(2026, 3, 28))
        invoice.refresh_from_db()
        assert invoice.pending_level == 3  # « Rel mail+ », an e-mail level...
        preview = preview_batch(company, [invoice], as_of=date(2026, 3, 28))
    assert [m.channel for m in preview.messages] == ["letter"]  # ...goes by letter
    assert "ANYWAY SARL" in preview.messages[0].letter_html

    # 4. the same messages again (copied back into the folder read): nothing changes
    before = state(invoice, customer)
    dovecot.copy_back("alice", "Relance")
    again = fetch(mailbox, date(2026, 3, 28))
    assert (again.read, again.known, again.error) == (0, 3, "")
    assert state(invoice, customer) == before
    assert Customer.objects.filter(awaiting_reply=True).count() == 0
    assert Document.objects.filter(stop_reason="reply").count() == 0
