"""One amount everywhere: for a formal notice (a level that claims charges), the e-mail a
customer receives (through a real SMTP server), the printed letter (its PDF's text and
its QR code, read back from the rasterised page), the payment block, the customer file,
the API and the CLI all state the same total, to the cent, for each country rule.

The figures are worked out by hand. Invoice due 25 Sept 2026, reckoned on 3 Dec 2026:
interest for 26 Sept – 3 Dec = 69 days, at the base rate of 1 July 2026 + the margin.
- FR B2B:   1008.14 × (2.15 + 10) % × 69 / 365 = 23.155… → 23.16, + 40 € = 1071.30
- FR B2C:   interest only from the formal notice (none sent yet), no indemnity: 1008.14
- DE B2B:   1008.14 × (1.27 + 9) % × 69 / 365 = 19.572… → 19.57, + 40 € = 1067.71
- UK B2B:   £5000 × (3.75 + 8) % × 69 / 365 = 111.061… → 111.06, + £70 (£1,000 to
            £9,999.99) = £5181.06 (no payment QR for GBP: only EUR and CHF have one)
- CH (CHF): 1008.14 × 5 % × 69 / 365 = 9.529… → 9.53, no fixed sum = CHF 1017.67
- FR B2B, charges waived: on 20 Nov a debit note ND-00001 invoiced 26 Sept – 20 Nov
  (56 days: 18.79) + 40 € = 58.79, then waived: credit note AV-00001 of 58.79 cancels it.
  The balance is back to 1008.14; only 21 Nov – 3 Dec is claimed: 1008.14 × 12.15 % ×
  13 / 365 = 4.362… → 4.36, no second 40 €: 1012.50.
"""

import io
import json
import re
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
import zxingcpp
from babel.numbers import format_currency
from django.core.management import call_command
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from api.tokens import create_token
from channels.letter.transport import render_to_string
from dunning.debit_notes import invoice_charges, waive
from dunning.policies import ensure_default_policies
from printing.pdf import html_to_pdf
from receivables.models import Customer, Invoice
from reminders.batches import create_batch
from reminders.defaults import ensure_default_templates
from reminders.preview import preview_batch
from reminders.sending import send_outbox

AS_OF = date(2026, 12, 3)
NOTICE = 5  # "Mise en demeure", a letter level that claims charges

CASES = {
    "fr_b2b": dict(country="FR", cur="EUR", iban="FR7630006000011234567890189", b2b=True,
                   lang="fr", amount="1008.14", interest="23.16", indemnity="40.00",
                   total="1071.30"),
    "fr_consumer": dict(country="FR", cur="EUR", iban="FR7630006000011234567890189", b2b=False,
                        lang="fr", amount="1008.14", interest="0.00", indemnity="0.00",
                        total="1008.14"),
    "de": dict(country="DE", cur="EUR", iban="DE89370400440532013000", b2b=True, lang="en",
               amount="1008.14", interest="19.57", indemnity="40.00", total="1067.71"),
    "uk": dict(country="GB", cur="GBP", iban="GB29NWBK60161331926819", b2b=True, lang="en",
               amount="5000.00", interest="111.06", indemnity="70.00", total="5181.06"),
    "fr_waived": dict(country="FR", cur="EUR", iban="FR7630006000011234567890189", b2b=True,
                      lang="fr", amount="1008.14", interest="4.36", indemnity="0.00",
                      total="1012.50", waived="58.79"),
    "chf": dict(country="CH", cur="CHF", iban="CH9300762011623852957", b2b=True, lang="fr",
                amount="1008.14", interest="9.53", indemnity="0.00", total="1017.67"),
}  # fmt: skip
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@pytest.fixture
def case(request, company, media, alice):
    c = CASES[request.param]
    company.country, company.currency, company.iban = c["country"], c["cur"], c["iban"]
    company.language, company.bic = c["lang"], ""
    company.email = "compta@alice.example"
    company.address = (
        "Rue du Lac 1\n1003 Lausanne" if c["cur"] == "CHF" else "1 Main St\n35000 Rennes"
    )
    company.save()
    ensure_default_policies(company)
    ensure_default_templates(company)
    customer = Customer.objects.create(
        company=company, code="K1", name="Pharmacie Moreau", contact_name="Moreau",
        emails="compta@moreau.example", address="4 rue Haute", postal_code="1003",
        city="Lausanne" if c["cur"] == "CHF" else "Rennes", country=c["country"],
        is_business=c["b2b"], language=c["lang"],
    )  # fmt: skip
    doc = Invoice.objects.create(
        company=company, customer=customer, number="FA-0008", issue_date=date(2026, 8, 26),
        due_date=date(2026, 9, 25), amount=Decimal(c["amount"]), currency=c["cur"],
        dunning_level=NOTICE - 1, pending_level=NOTICE, to_remind=True,
    )  # fmt: skip
    if c.get("waived"):
        with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=UTC), tick=False):
            (note,) = invoice_charges([doc], date(2026, 11, 20))
            credit = waive(note, "Geste commercial", on=date(2026, 11, 20))
        assert note.amount == credit.amount == Decimal(c["waived"])
    return c, company, customer, doc


def shown(value: str, c: dict) -> str:
    """An amount as a reader of that language sees it (babel, not our code)."""
    return format_currency(Decimal(value), c["cur"], locale=LOCALES[c["lang"]])


def qr_payloads(pdf: bytes, tmp_path) -> list[str]:
    """Every QR code of the PDF, read from its pages as printed (150 dpi)."""
    (tmp_path / "in.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", tmp_path / "in.pdf", tmp_path / "p"], check=True
    )
    return [
        r.bytes.decode("utf-8")
        for page in sorted(tmp_path.glob("p*.png"))
        for r in zxingcpp.read_barcodes(Image.open(page))
    ]


def qr_amount(payload: str) -> str:
    lines = payload.replace("\r\n", "\n").split("\n")
    if lines[0] == "BCD":  # EPC069-12: the 8th line is "EUR" + the amount
        return lines[7].removeprefix("EUR")
    return lines[lines.index("CHF") - 1]  # Swiss QR-bill: the amount, then the currency


def flat(text: str) -> str:
    return re.sub(r"[\s\u202f\xa0]+", " ", text)


@pytest.mark.parametrize("case", list(CASES), indirect=True)
def test_every_surface_claims_the_same_total(case, smtp_server, client, alice, tmp_path):
    (tmp_path / "letter").mkdir()
    (tmp_path / "mail").mkdir()
    c, company, customer, doc = case
    total, balance = shown(c["total"], c), shown(c["amount"], c)
    with time_machine.travel(datetime(2026, 12, 3, 9, tzinfo=UTC), tick=False):
        # the letter: its words, its breakdown, its payment block and its QR code
        letter = preview_batch(company, [doc], channel="letter").messages[0]
        assert letter.reckoning.total == Decimal(c["total"])
        pdf = html_to_pdf(render_to_string("document.html", {"sections": letter.letter_html}))
        text = flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
        claim = "la somme de" if c["lang"] == "fr" else "pay"
        assert f"{claim} {flat(total)}" in text
        label = "Total réclamé" if c["lang"] == "fr" else "Total claimed"
        assert f"{label} {flat(total)}" in text  # the breakdown's last line
        if c["interest"] != "0.00":
            assert flat(shown(c["interest"], c)) in text and "69" in text
        codes = qr_payloads(pdf, tmp_path / "letter")
        if c["cur"] == "GBP":
            assert codes == []
        else:
            assert [qr_amount(p) for p in codes] == [c["total"].rstrip("0").rstrip(".")] or [
                qr_amount(p) for p in codes
            ] == [c["total"]]

        # the CLI's preview (before the e-mail goes: then this level is live)
        out = io.StringIO()
        call_command(
            "remind", "--dry-run", "--format", "json", "--documents", str(doc.pk),
            "--send-as", "letter", stdout=out,
        )  # fmt: skip
        cli = json.loads(out.getvalue())["messages"][0]["reckoning"]
        assert (cli["total"], cli["balance"]) == (c["total"], c["amount"])

        # the e-mail the customer receives, worded the day it leaves
        batch = create_batch(company, [doc], channel="email")
        assert send_outbox(batch).sent == 1
        mail = smtp_server.received[-1].message
        parts = {p.get_content_type(): p for p in mail.walk()}
        body = flat(parts["text/plain"].get_content())
        assert f"{label} : {flat(total)}" in body or f"{label}: {flat(total)}" in body
        if c["cur"] == "EUR":
            image = Image.open(io.BytesIO(parts["image/png"].get_content()))
            payload = zxingcpp.read_barcodes(image)[0].bytes.decode("latin-1")
            assert qr_amount(payload) in (c["total"], c["total"].rstrip("0").rstrip("."))
            words = "Montant" if c["lang"] == "fr" else "Amount"
            code_amount = c["total"] if c["lang"] == "en" else c["total"].replace(".", ",")
            assert re.search(rf"{words} ?: [\d\s,]*{code_amount[-6:]} EUR", body)
        elif c["cur"] == "CHF":
            html = parts["text/html"].get_content()
            assert [qr_amount(p) for p in qr_payloads(html_to_pdf(html), tmp_path / "mail")] == [
                c["total"]
            ]

        # the customer file, the API
        client.force_login(alice)
        page = flat(client.get(reverse("customer_detail", args=[customer.pk])).content.decode())
        assert flat(format_currency(Decimal(c["total"]), c["cur"], locale="fr_FR")) in page
        token = create_token(alice, "t")[1]
        api = client.get(
            f"/api/customers/{customer.pk}/reckoning",
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        assert [(r["balance"], r["interest"], r["indemnity"], r["total"]) for r in api] == [
            (c["amount"], c["interest"], c["indemnity"], c["total"])
        ]
        assert balance in letter.body_text or flat(balance) in flat(letter.body_text)
        if c.get("waived"):  # the debit note and its credit note, both settled, claim nothing
            assert [line.number for line in letter.reckoning.lines] == ["FA-0008"]
            waived = flat(format_currency(Decimal(c["waived"]), c["cur"], locale="fr_FR"))
            assert f"Avoir AV-00001 émis : {waived}" in page


def test_a_template_written_before_the_breakdown_gets_it_and_keeps_it_when_edited(
    late_invoice, company
):
    from reminders.editing import apply_edit, editable_text
    from reminders.models import Template
    from tests.banking.test_paycodes import decode_html

    # a level-2 e-mail template of before %DECOMPTE% (claims charges, says only the balance)
    doc = late_invoice()
    Template.objects.filter(company=company, level__rank=2, channel="email").update(
        body_text="Merci de régler %SOLDE%.", body_html="<p>Merci de régler %SOLDE%.</p>"
    )
    msg = preview_batch(company, [doc], channel="email", as_of=date(2026, 3, 10)).messages[0]
    # 720 + 720 × 12.15 % × 10 / 365 = 2.40 + 40: the breakdown states what the QR asks
    assert "Total réclamé : 762,40\xa0€" in msg.body_text
    assert decode_html(msg.body_html).split("\n")[7] == "EUR762.4"
    apply_edit(msg, {"body_text": editable_text(msg) + "\n\nCordialement."})
    assert msg.body_text.count("Total réclamé : 762,40\xa0€") == 1
    assert msg.body_text.index("Cordialement.") < msg.body_text.index("Total réclamé")
    assert decode_html(msg.body_html).split("\n")[7] == "EUR762.4"
