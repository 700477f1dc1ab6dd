import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from receivables.models import Customer, Document
from reminders.batches import create_batch
from reminders.calls import log_call
from reminders.letters import letters_pdf
from reminders.models import CallOutcome, Reminder, ReminderState
from reminders.summary import batch_summary

from .conftest import AS_OF


def test_letters_of_a_batch_come_out_as_one_pdf_ordered_by_customer(late_invoice, company):
    names = ["Zeta SA", "Alpha SARL", "Mu & Fils"]
    docs = []
    for i, name in enumerate(names):
        customer = Customer.objects.create(
            company=company,
            code=f"L{i}",
            name=name,
            address=f"{i + 1} rue des Lilas",
            postal_code="75011",
            city="Paris",
        )
        docs.append(late_invoice(customer=customer, pending_level=5, with_pdf=False))
    batch = create_batch(company, docs, channel="letter", as_of=AS_OF)
    pdf, pages = letters_pdf(batch)
    reader = PdfReader(io.BytesIO(pdf))
    assert pages == len(reader.pages) == 3
    texts = [page.extract_text() for page in reader.pages]
    assert [next(n for n in names if n in t) for t in texts] == [
        "Alpha SARL",
        "Mu & Fils",
        "Zeta SA",
    ]
    first = texts[0]
    assert "Mise en demeure de payer" in first  # the last level's formal notice
    assert "2 rue des Lilas" in first and "75011 Paris" in first
    assert "Alice SARL" in first and "Rennes, le " in first
    assert "40 €" in first
    # printed = sent: documents updated, rows kept, second call gives the same PDF
    assert set(batch.reminders.values_list("state", flat=True)) == {ReminderState.SENT}
    assert set(Document.objects.values_list("reminder_count", "dunning_level")) == {(1, 5)}
    assert letters_pdf(batch) == (pdf, 3)
    assert batch_summary(batch).letters_ready


def test_the_window_envelope_address_sits_on_the_right(late_invoice, company):
    batch = create_batch(company, [late_invoice(with_pdf=False)], channel="letter", as_of=AS_OF)
    pdf, _pages = letters_pdf(batch)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    found = []

    def visit(text, cm, tm, font, size):
        if "3 rue de Paris" in text:  # position on the page: text matrix x current matrix
            found.append(
                (cm[0] * tm[4] + cm[2] * tm[5] + cm[4], cm[1] * tm[4] + cm[3] * tm[5] + cm[5])
            )

    page.extract_text(visitor_text=visit)
    mm = 72 / 25.4
    x, y = found[0]
    assert 105 * mm < x < 125 * mm  # ~110 mm from the left edge
    top = (297 * mm - y) / mm
    assert 45 < top < 75  # inside the window (45-90 mm from the top)


def test_a_promise_to_pay_stops_reminders_until_its_date(late_invoice, company, bob):
    doc = late_invoice(pending_level=4)
    call = log_call(
        company,
        doc.customer,
        [doc],
        CallOutcome.PROMISE,
        user=bob,
        note="Virement promis",
        promise_date=date(2026, 3, 20),
    )
    doc.refresh_from_db()
    assert doc.promise_date == date(2026, 3, 20)
    assert (doc.reminder_count, doc.dunning_level, doc.pending_level) == (1, 4, None)
    row = Reminder.objects.get(phone_call=call)
    assert (row.channel, row.state, row.body_text) == ("phone", "sent", "Virement promis")
    assert call.by == bob


def test_a_dispute_marks_the_documents_disputed(late_invoice, company):
    doc = late_invoice()
    log_call(
        company, doc.customer, [doc], CallOutcome.DISPUTE, dispute_reason="Livraison incomplète"
    )
    doc.refresh_from_db()
    assert doc.disputed and doc.block_reason == "Livraison incomplète"


def test_an_unreachable_customer_keeps_the_level_pending(late_invoice, company):
    doc = late_invoice(pending_level=4)
    log_call(company, doc.customer, [doc], CallOutcome.UNREACHABLE)
    doc.refresh_from_db()
    assert (doc.reminder_count, doc.pending_level) == (0, 4)
    assert doc.phone_calls.count() == 1


def test_a_call_from_a_batch_call_list_closes_that_reminder(late_invoice, company):
    company_customer = Customer.objects.get(code="C1")
    company_customer.phone = "06 01 02 03 04"
    company_customer.save()
    doc = late_invoice(pending_level=4)
    batch = create_batch(company, [doc], as_of=AS_OF)  # level 4 is a phone call
    row = batch.reminders.get()
    assert (row.channel, row.state, row.recipient) == ("phone", "queued", ["06 01 02 03 04"])
    log_call(company, doc.customer, [doc], CallOutcome.WILL_PAY)
    row.refresh_from_db()
    assert row.state == ReminderState.SENT and row.phone_call is not None
    assert Reminder.objects.count() == 1


def test_a_promise_needs_its_date(late_invoice, company):
    doc = late_invoice()
    with pytest.raises(ValidationError) as err:
        log_call(company, doc.customer, [doc], CallOutcome.PROMISE)
    assert "promise_date" in err.value.message_dict
    assert not doc.phone_calls.exists()


def test_the_printed_letter_keeps_its_lines_apart(late_invoice, company):
    """Address, letterhead and payment details print one line each (pre-line blocks)."""
    batch = create_batch(company, [late_invoice(with_pdf=False)], channel="letter", as_of=AS_OF)
    pdf, _pages = letters_pdf(batch)
    lines = [
        line.strip() for line in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split("\n")
    ]
    for line in ("DRATEY Daisy", "3 rue de Paris", "35000 Rennes", "1 place du Marché"):
        assert line in lines
    assert any(line.startswith("Référence à indiquer : RF") for line in lines)
    assert any(line.startswith("Montant : 762,40") for line in lines)  # 720 + 2,40 + 40


def test_a_letter_reads_in_its_preview_and_its_proof_as_it_prints(late_invoice, company):
    """A letter's template is HTML only: its preview and the copy kept on the customer's
    file showed the payment details alone. They now read the letter's words."""
    from portal.models import PortalSettings
    from reminders.preview import preview_batch

    # the one difference allowed: the personal portal link is made when the letter is
    # written (tests/portal/test_keyword.py); without a portal the words are the same
    PortalSettings.objects.create(company=company, enabled=False)
    invoice = late_invoice(with_pdf=False, pending_level=5)
    (msg,) = preview_batch(company, [invoice], channel="letter", as_of=AS_OF).messages
    text = msg.body_text
    assert "nous vous mettons en demeure de régler" in text and "40 €" in text
    row = next(line for line in text.splitlines() if line.startswith(invoice.number + " · "))
    assert "720,00 €" in row  # one documents table row per line, cells kept apart
    assert text.rstrip().splitlines()[-1].startswith("Référence à indiquer : RF")
    batch = create_batch(company, [invoice], channel="letter", as_of=AS_OF)
    assert batch.reminders.get().body_text == text


def test_a_long_run_prints_in_parts_joined_in_customer_order(late_invoice, company, monkeypatch):
    """Many letters render as parts, side by side in other processes, then one PDF."""
    from printing import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "PART_SIZE", 2)
    monkeypatch.setattr(pdf_module, "SOLO", 0)
    monkeypatch.setattr(pdf_module, "LAST_PART", 1)
    assert len(pdf_module.part_sizes(5)) > 1  # several documents, joined as they come back
    names = [f"Client {c}" for c in "EDCBA"]
    docs = []
    for i, name in enumerate(names):
        customer = Customer.objects.create(
            company=company,
            code=f"P{i}",
            name=name,
            address="1 rue Haute",
            postal_code="75011",
            city="Paris",
        )
        docs.append(late_invoice(customer=customer, with_pdf=False))
    batch = create_batch(company, docs, channel="letter", as_of=AS_OF)
    pdf, pages = letters_pdf(batch)
    reader = PdfReader(io.BytesIO(pdf))
    assert pages == len(reader.pages) == 5
    firsts = [next(n for n in names if n in page.extract_text()) for page in reader.pages]
    assert firsts == sorted(names)


def test_parts_follow_the_cores_and_stay_bounded():
    from printing.pdf import LAST_PART, PART_SIZE, part_sizes

    assert part_sizes(30, cores=2) == [30]  # a few letters: one document, no other process
    for count, cores in ((150, 2), (1000, 2), (1001, 2), (5000, 1)):
        sizes = part_sizes(count, cores)
        assert sum(sizes) == count and len(sizes) > cores
        assert max(sizes) <= PART_SIZE  # memory stays bounded
        assert sizes == sorted(sizes, reverse=True)  # small parts last: cores end together
        assert LAST_PART <= sizes[-1] < 2 * LAST_PART


def test_printing_gives_the_garbage_collector_back_as_it_found_it():
    """Rendering holds the cyclic collector back (it cost a fifth of a run of letters);
    the rest of a long-lived worker process runs with its usual thresholds again, even
    after a document that fails."""
    import gc

    from printing.pdf import html_to_pdf

    before = gc.get_threshold()
    assert html_to_pdf("<p>Lettre</p>").startswith(b"%PDF")
    assert gc.get_threshold() == before
    with pytest.raises(TypeError):
        html_to_pdf(None)
    assert gc.get_threshold() == before
