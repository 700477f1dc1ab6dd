"""The payment QR code in reminders: on the letter, and inline in the e-mail a customer
receives (through a real SMTP server), readable by a banking app."""

import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from receivables.paycodes import rf_reference
from reminders.batches import create_batch
from reminders.preview import preview_batch
from reminders.sending import send_outbox
from tests.reminders.conftest import AS_OF

from .test_paycodes import decode_html


def test_the_letter_shows_a_qr_code_a_banking_app_reads(late_invoice):
    doc = late_invoice(number="F00042")
    preview = preview_batch(doc.company, [doc], channel="letter", as_of=AS_OF)
    letter = preview.messages[0].letter_html
    fields = decode_html(letter).split("\n")
    assert fields[6] == doc.company.iban
    # level 2 claims charges: 720 + interest 720 × 12.15 % × 10 / 365 = 2.40 + 40 indemnity
    assert fields[7] == "EUR762.4" and fields[9] == rf_reference("F00042") == "RF56F00042"
    assert "RF56 F000 42" in letter


def test_a_partly_paid_invoice_asks_for_its_balance_and_the_charges_on_it(late_invoice):
    doc = late_invoice()
    doc.paid_amount = Decimal("700.00")
    doc.save()
    preview = preview_batch(doc.company, [doc], channel="letter", as_of=AS_OF)
    # 20 + interest 20 × 12.15 % × 10 / 365 = 0.07 + 40 indemnity
    assert decode_html(preview.messages[0].letter_html).split("\n")[7] == "EUR60.07"


def test_the_email_carries_the_qr_inline_and_the_reference_in_text(
    late_invoice, smtp_server, django_capture_on_commit_callbacks
):
    doc = late_invoice(number="F00042")
    batch = create_batch(doc.company, [doc], channel="email", as_of=AS_OF)
    assert send_outbox(batch).sent == 1
    mail = smtp_server.received[0].message
    parts = {p.get_content_type(): p for p in mail.walk()}
    text = parts["text/plain"].get_content()
    # worded the day it leaves: the code asks for the total the words claim that day
    claimed = re.search(r"Total réclamé : ([\d\u202f,]+)\xa0€", text)[1]
    assert f"Montant : {claimed} EUR" in text and "Référence à indiquer : RF56 F000 42" in text
    html = parts["text/html"].get_content()
    image = parts["image/png"]
    assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html and "data:image" not in html
    assert [p.get_content_type() for p in mail.walk()][:3] == [
        "multipart/mixed",
        "multipart/related",
        "multipart/alternative",
    ]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_content())))
    assert decoded[0].bytes.decode("latin-1").split("\n")[9] == "RF56F00042"


@pytest.mark.parametrize("channel", ["email", "letter"])
def test_no_iban_no_code(late_invoice, channel):
    doc = late_invoice()
    doc.company.iban = ""
    doc.company.save()
    preview = preview_batch(doc.company, [doc], channel=channel, as_of=AS_OF)
    message = preview.messages[0]
    assert "data:image/png" not in message.body_html + message.letter_html


def test_the_printed_letter_pdf_holds_the_readable_qr(late_invoice):
    from pypdf import PdfReader

    from channels.letter.transport import render_to_string
    from printing.pdf import html_to_pdf

    doc = late_invoice(number="F00042")
    preview = preview_batch(doc.company, [doc], channel="letter", as_of=AS_OF)
    html = render_to_string("document.html", {"sections": preview.messages[0].letter_html})
    page = PdfReader(io.BytesIO(html_to_pdf(html))).pages[0]
    images = [zxingcpp.read_barcodes(image.image) for image in page.images]
    payloads = [r.bytes.decode("latin-1") for found in images for r in found]
    assert payloads and payloads[0].split("\n")[6:10] == [
        doc.company.iban,
        "EUR762.4",  # 720 + 2.40 interest + 40 indemnity, as the letter says
        "",
        rf_reference("F00042"),
    ]


def test_an_english_customer_reads_the_payment_block_in_english(late_invoice):
    doc = late_invoice(number="F00042")
    doc.customer.language = "en"
    doc.customer.save()
    message = preview_batch(doc.company, [doc], channel="email", as_of=AS_OF).messages[0]
    assert "Amount: 762.40 EUR" in message.body_text
    assert "Reference to quote: RF56 F000 42" in message.body_text
    assert "Montant" not in message.body_text
    assert "Pay by scanning this code" in message.body_html
