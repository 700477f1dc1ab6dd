"""Payment codes: the EPC069-12 payload field by field, decoded back from the image."""

import base64
import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image
from stdnum import iso11649

from banking.matching import BankCredit, OpenInvoice, match_credit
from receivables import paycodes
from receivables.models import Customer

D = Decimal


def decode_png(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1 and results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].bytes.decode("latin-1")


def decode_html(html: str) -> str:
    uri = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    return decode_png(base64.b64decode(uri))


@pytest.fixture
def company(company):
    company.bic = "AGRIFRPP"
    company.legal_name = "Alice SARL"
    company.save()
    return company


def test_rf_reference_is_valid_iso11649_and_gives_the_number_back():
    for number in ["3", "F00042", "FA-2026/001", "abc-9"]:
        reference = paycodes.rf_reference(number)
        assert iso11649.is_valid(reference)
        assert paycodes.body_of_rf(reference) == paycodes.reference_body(number)
    assert paycodes.rf_reference("3") == "RF203"
    assert paycodes.rf_reference("X" * 22) is None  # too long for 25 characters


def test_epc_payload_follows_epc069_12_field_by_field(company, make_invoice):
    invoice = make_invoice(number="F00042", amount=D("12.34"))
    code = paycodes.payment_code(company, invoice.customer, [invoice], invoice.amount)
    fields = decode_png(code.png).split("\n")
    assert fields[0] == "BCD"  # service tag
    assert fields[1] == "002"  # version
    assert fields[2] in {str(n) for n in range(1, 9)}  # character set
    assert fields[3] == "SCT"  # identification: SEPA credit transfer
    assert fields[4] == "AGRIFRPP" and len(fields[4]) in (8, 11)
    assert fields[5] == "Alice SARL" and len(fields[5]) <= 70
    assert fields[6] == "FR7630006000011234567890189" and len(fields[6]) <= 34
    assert fields[7] == "EUR12.34"
    assert fields[8] == ""  # purpose
    assert fields[9] == paycodes.rf_reference("F00042") and len(fields[9]) <= 35
    assert len(fields) == 10  # unstructured text omitted when a reference is given
    assert len("\n".join(fields).encode("latin-1")) <= 331


def test_amount_format_has_no_thousands_separator_and_at_most_two_decimals(company, make_invoice):
    invoice = make_invoice(amount=D("1234567.80"))
    code = paycodes.payment_code(company, invoice.customer, [invoice], invoice.amount)
    amount = decode_png(code.png).split("\n")[7]
    assert re.fullmatch(r"EUR\d{1,9}(\.\d{1,2})?", amount)
    assert D(amount[3:]) == D("1234567.80")


def test_several_invoices_use_unstructured_text_within_140_chars(company, make_invoice):
    invoices = [make_invoice(number=f"F{n:05d}") for n in range(1, 30)]
    code = paycodes.payment_code(company, invoices[0].customer, invoices, D("2900.00"))
    fields = decode_png(code.png).split("\n")
    assert fields[9] == ""
    assert fields[10].startswith("Factures F00001, F00002") and len(fields[10]) <= 140


def test_letter_html_carries_a_readable_qr_and_the_printed_reference(company, make_invoice):
    invoice = make_invoice(number="3", amount=D("720.00"))
    html = paycodes.payment_code_html(company, invoice.customer, [invoice], D("720.00"))
    fields = decode_html(html).split("\n")
    assert fields[6] == company.iban and fields[7] == "EUR720" and fields[9] == "RF203"
    assert "RF20 3" in html  # printed in groups of four, as banks show it


def test_the_printed_reference_is_what_the_matching_recognises(company, make_invoice):
    invoice = make_invoice(number="F00042", amount=D("99.00"))
    code = paycodes.payment_code(company, invoice.customer, [invoice], invoice.amount)
    candidate = OpenInvoice(1, "F00042", 1, "ANYWAY SARL", D("99.00"), invoice.due_date)
    for as_typed in [code.remittance.printed, code.remittance.reference]:
        found = match_credit(BankCredit(D("99.00"), remittance=as_typed), [candidate])
        assert (found.status, found.rule) == ("matched", "rf")


def test_no_iban_or_nothing_due_gives_no_code(company, make_invoice):
    invoice = make_invoice()
    assert paycodes.payment_code_html(company, invoice.customer, [invoice], D("0")) == ""
    company.iban = ""
    assert paycodes.payment_code_html(company, invoice.customer, [invoice], D("10")) == ""


def test_chf_company_gets_a_swiss_qr_bill(company, make_invoice):
    company.currency = "CHF"
    company.country = "CH"
    company.iban = "CH93 0076 2011 6238 5295 7"
    company.address = "Rue du Lac 1\n1000 Lausanne"
    company.save()
    customer = Customer.objects.create(
        company=company, code="CH1", name="Muster AG", address="Bahnhofstrasse 1",
        postal_code="8001", city="Zürich", country="CH",
    )  # fmt: skip
    invoice = make_invoice(number="F00042", customer=customer, amount=D("150.00"))
    html = paycodes.payment_code_html(company, customer, [invoice], D("150.00"))
    assert "<svg" in html and "Zürich" in html
    code = paycodes.payment_code(company, customer, [invoice], D("150.00"))
    data = decode_png(code.png).replace("\r", "").split("\n")
    assert data[:4] == ["SPC", "0200", "1", "CH9300762011623852957"]
    assert "150.00" in data and "CHF" in data
    assert "SCOR" in data and paycodes.rf_reference("F00042") in data


def test_accented_names_travel_in_the_charset_the_payload_announces(company, make_invoice):
    invoice = make_invoice(number="F1", amount=D("10.00"))
    for name, charset, encoding in [
        ("Société Générale", "2", "latin-1"),
        ("Łódź SA", "1", "utf-8"),
    ]:
        company.legal_name = name
        code = paycodes.payment_code(company, invoice.customer, [invoice], invoice.amount)
        raw = zxingcpp.read_barcodes(Image.open(io.BytesIO(code.png)))[0].bytes
        fields = raw.decode(encoding).split("\n")
        assert (fields[2], fields[5]) == (charset, name)


def test_an_amount_no_bank_accepts_is_refused_in_words():
    remittance = paycodes.Remittance(reference="RF203", text=None)
    with pytest.raises(ValueError, match="amount out of range"):
        paycodes.epc_payload(
            name="A", iban="FR7630006000011234567890189", amount=D("1e9"), remittance=remittance
        )


def test_the_png_draws_each_module_as_4_by_4_pixels_inside_its_quiet_zone():
    from receivables.qrcodes import qr_png

    payload = b"BCD\n002\n2\nSCT\n\nAlice SARL\nFR7630006000011234567890189\nEUR720\n\nRF203"
    image = Image.open(io.BytesIO(qr_png(payload)))
    drawn_by_zxing = zxingcpp.create_barcode(
        payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M"
    ).to_image(scale=4, add_quiet_zones=True)
    assert image.mode == "1" and image.size == drawn_by_zxing.shape[::-1]
    assert image.convert("L").tobytes() == bytes(memoryview(drawn_by_zxing))


@pytest.mark.parametrize("for_print", [False, True])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_payment_block_reads_as_its_template_rendered_in_full(
    company, make_invoice, language, for_print
):
    from django.template.loader import render_to_string
    from django.utils import translation

    name = "payment_code_print.html" if for_print else "payment_code.html"
    company.legal_name = 'Alice & "Fils" <SARL>'
    for bic in ["AGRIFRPP", ""]:
        company.bic = bic
        for number, amount in [
            ("F<1>&'2'" + "X" * 22, D("1234.50")),
            ("F2", D("0.99")),
            ("F3", D("72")),
        ]:
            invoice = make_invoice(number=number + bic, amount=amount)
            code = paycodes.payment_code(company, invoice.customer, [invoice], amount)
            with translation.override(language):
                html = paycodes.payment_code_html(
                    company, invoice.customer, [invoice], amount, code, for_print=for_print
                )
                fixed, slots = paycodes.block_context(company, code)
                assert html == render_to_string(f"receivables/{name}", fixed | slots)
            shown = {
                ("fr", D("1234.50")): "1\xa0234,50",
                ("en", D("1234.50")): "1,234.50",
                ("fr", D("0.99")): "0,99",
                ("en", D("0.99")): "0.99",
                ("fr", D("72")): "72,00",
                ("en", D("72")): "72.00",
            }[language, amount]
            colon = " : " if language == "fr" else ": "  # English: no space before « : »
            assert (
                f"{colon}{shown} EUR" in html
                and "FR76 3000 6000 0112 3456 7890 189" in html
                and "Alice &amp; &quot;Fils&quot; &lt;SARL&gt;" in html
            )
            assert D(decode_html(html).split("\n")[7].removeprefix("EUR")) == amount
            assert (f"BIC{colon}AGRIFRPP" in html) == bool(bic)
            assert (" : " in html) == (language == "fr")


def test_a_template_edited_to_filter_a_slot_still_shows_each_amount(
    company, make_invoice, settings
):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.cached.Loader",
                        [
                            (
                                "django.template.loaders.locmem.Loader",
                                {"receivables/payment_code.html": "{{ amount|floatformat:1 }}"},
                            )
                        ],
                    )
                ]
            },
        }
    ]
    for amount, shown in [(D("10.00"), "10,0"), (D("20.26"), "20,3"), (D("30.00"), "30,0")]:
        invoice = make_invoice(amount=amount)
        assert paycodes.payment_code_html(company, invoice.customer, [invoice], amount) == shown
