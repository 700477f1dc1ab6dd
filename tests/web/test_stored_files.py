"""An invoice's PDF and the company's logo open from the screens, for their company only."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _link(html: str, text: str) -> str:
    before = html.split(text, 1)[0]
    return before.rsplit('href="', 1)[1].split('"', 1)[0]


def test_the_invoice_pdf_link_opens_the_pdf(alice_client, make_invoice):
    invoice = make_invoice()
    invoice.pdf.save("F00001.pdf", ContentFile(PDF))
    page = alice_client.get(f"/pieces/{invoice.pk}/").content.decode()
    response = alice_client.get(_link(page, "PDF de la pièce"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _body(response) == PDF


def test_the_logo_shows_on_the_settings_page(alice_client, company):
    company.logo.save("alice.png", ContentFile(_png()))
    page = alice_client.get("/parametres/").content.decode()
    src = page.split('alt="Logo"', 1)[0].rsplit('src="', 1)[1].split('"', 1)[0]
    response = alice_client.get(src.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert _body(response) == _png()


def test_another_company_file_is_not_found(client, charlie, alice, make_invoice, other_company):
    from receivables.models import Customer, Invoice

    who = Customer.objects.create(company=other_company, code="Z", name="Zorglub")
    theirs = Invoice.objects.create(
        company=other_company, customer=who, number="Z1", issue_date="2026-01-01",
        due_date="2026-01-31", amount="10",
    )  # fmt: skip
    theirs.pdf.save("Z1.pdf", ContentFile(PDF))
    other_company.logo.save("charlie.png", ContentFile(_png()))
    client.force_login(alice)
    assert client.get(f"/pieces/{theirs.pk}/pdf/").status_code == 404
    assert client.get("/parametres/logo/").status_code == 404  # Alice's company has none
    client.force_login(charlie)
    assert client.get(f"/pieces/{theirs.pk}/pdf/").status_code == 200


def test_anonymous_is_sent_to_login_and_a_missing_file_is_not_found(client, alice, make_invoice):
    invoice = make_invoice()
    assert client.get(f"/pieces/{invoice.pk}/pdf/").status_code == 302
    client.force_login(alice)
    assert client.get(f"/pieces/{invoice.pk}/pdf/").status_code == 404  # no PDF stored
    invoice.pdf.name = "documents/gone.pdf"  # the row names a file the folder lost
    invoice.save()
    assert client.get(f"/pieces/{invoice.pk}/pdf/").status_code == 404


def test_a_logo_that_is_not_an_image_is_only_downloaded(alice_client, company):
    company.logo.save("logo.svg", ContentFile(b"<svg onload='alert(1)'/>"), save=True)
    response = alice_client.get("/parametres/logo/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
