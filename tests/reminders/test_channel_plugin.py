"""Channels are plug-ins: a transport registered in RELANCE_CHANNELS is the one a real
batch goes through, and the core (reminders/) names no channel module."""

import grimp
import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from receivables.models import Document
from reminders.batches import create_batch
from reminders.delivery import DeliveryError, Email, Letter
from reminders.letters import letters_pdf
from reminders.models import Reminder, ReminderDocument, ReminderState
from reminders.outbox import drain
from reminders.preview import preview_batch
from reminders.summary import batch_summary

from .conftest import AS_OF

HERE = __name__
HANDED: list = []  # what the test transports were given, in order
REFUSAL = "550 5.1.1 boîte inconnue (canal de test)"


class RecordingEmail:
    """A test e-mail transport: records each message; refuses when told to."""

    refuse = False

    def send(self, email: Email) -> None:
        HANDED.append(email)
        if self.refuse:
            raise DeliveryError(REFUSAL, permanent=True)

    def close(self) -> None:
        HANDED.append("closed")


class RefusingEmail(RecordingEmail):
    refuse = True


class PlainLetters:
    """A test letter transport: its own layout, and a 'PDF' that lists the subjects."""

    def layout(self, letter: Letter) -> str:
        return f"<section class='test-letter'>{letter.subject}</section>"

    def send(self, letters: list[Letter]) -> tuple[bytes, int]:
        HANDED.extend(letters)
        return "\n".join(letter.subject for letter in letters).encode(), len(letters)


@pytest.fixture
def plug(settings):
    """Register a test transport for a kind, as a site would: one line in the setting."""
    HANDED.clear()

    def register(kind: str, name: str) -> None:
        settings.RELANCE_CHANNELS = {**settings.RELANCE_CHANNELS, kind: f"{HERE}.{name}"}

    return register


def test_a_batch_goes_out_through_the_registered_email_transport(plug, late_invoice, company):
    plug("email", "RecordingEmail")
    doc = late_invoice(number="P-1")
    batch = create_batch(company, [doc], as_of=AS_OF)
    stats = drain(batch.pk)
    row = Reminder.objects.get(batch=batch)
    emails = [h for h in HANDED if isinstance(h, Email)]
    assert stats.sent == 1 and row.state == ReminderState.SENT and row.sent_at
    assert [e.to for e in emails] == [["daisy@anyway.example"]]
    assert emails[0].subject == row.subject == "Rappel : facture(s) P-1 échue(s)"
    assert "P-1" in emails[0].text and emails[0].message_id == row.message_id
    assert [name for name, _data, _type in emails[0].attachments] == ["facture-P-1.pdf"]
    assert HANDED[-1] == "closed"  # opened once for the run, closed at its end
    assert mail.outbox == []  # nothing went by Django's mail backend
    assert Document.objects.get(pk=doc.pk).reminder_count == 1


def test_a_permanent_refusal_from_the_transport_ends_failed_with_its_words(
    plug, late_invoice, company
):
    plug("email", "RefusingEmail")
    doc = late_invoice(number="P-2")
    batch = create_batch(company, [doc], as_of=AS_OF)
    stats = drain(batch.pk)
    row = Reminder.objects.get(batch=batch)
    assert stats.failed == 1 and stats.retried == 0
    assert row.state == ReminderState.FAILED and row.attempts == 1
    assert row.last_error == REFUSAL
    assert [line.error for line in batch_summary(batch).errors] == [REFUSAL]
    # the level is free again for another try, and the document was not counted reminded
    assert not ReminderDocument.objects.filter(reminder=row, live=True).exists()
    assert Document.objects.get(pk=doc.pk).reminder_count == 0


def test_the_registered_letter_transport_lays_out_and_prints_the_letters(
    plug, late_invoice, company
):
    plug("letter", "PlainLetters")
    doc = late_invoice(number="P-3", pending_level=5, with_pdf=False)
    preview = preview_batch(company, [doc], channel="letter", as_of=AS_OF)
    assert preview.messages[0].letter_html.startswith("<section class='test-letter'>Objet : ")
    batch = create_batch(company, [doc], channel="letter", as_of=AS_OF)
    pdf, pages = letters_pdf(batch)
    assert pages == 1 and pdf.decode() == HANDED[0].subject
    assert HANDED[0].recipient[0] == "ANYWAY SARL"
    assert Reminder.objects.get(batch=batch).state == ReminderState.SENT


def test_a_kind_without_transport_is_refused_by_name_and_nothing_is_claimed(
    settings, late_invoice, company
):
    settings.RELANCE_CHANNELS = {k: v for k, v in settings.RELANCE_CHANNELS.items() if k != "email"}
    batch = create_batch(company, [late_invoice()], as_of=AS_OF)
    with pytest.raises(
        ImproperlyConfigured, match="RELANCE_CHANNELS has no transport for the channel 'email'"
    ):
        drain(batch.pk)
    assert Reminder.objects.get(batch=batch).state == ReminderState.QUEUED


def test_the_core_imports_no_channel():
    graph = grimp.build_graph("reminders", "channels", cache_dir=None)
    chain = graph.find_shortest_chain(importer="reminders", imported="channels", as_packages=True)
    assert chain is None, " → ".join(chain or ())
