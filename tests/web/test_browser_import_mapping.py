"""In chromium: an export of an unknown layout is mapped by hand once; the next file of
the same layout imports with no question (screenshots in test-artifacts/screenshots/)."""

from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
HEADER = "Ref;Cust;Issued;Due;Gross;Left;Stage;Pay by"


@pytest.fixture
def user(settings, tmp_path):
    from django.contrib.auth import get_user_model

    from receivables.models import Company, Membership, Role

    settings.MEDIA_ROOT = tmp_path / "media"
    company = Company.objects.create(name="Les Jardins de Relance")
    user = get_user_model().objects.create_user("claire", password="claire-pass-1")
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    return company


def _file(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _upload(page, url, path):
    page.goto(url + "/import/")
    page.set_input_files("input[name=file]", path)
    with page.expect_navigation():
        page.click('form[enctype="multipart/form-data"] button[type=submit]')


def test_an_unknown_layout_is_mapped_once_then_never_again(browser, live_server, user, tmp_path):
    from receivables.models import Document

    first = _file(
        tmp_path,
        "ventes-mars.csv",
        [
            "A-1;Acme Ltd;03/04/24;03/05/24;1,250.00;250.00;Sent;DD",
            "A-2;Bolt plc;03/04/24;04/04/24;-80.00;80.00;Sent;Bank",
        ],
    )
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "claire-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    _upload(page, live_server.url, first)
    assert "/import/correspondances/" in page.url
    assert page.locator("#mapping-columns").inner_text().count("Acme Ltd") == 1
    _shot(page, "import-correspondances-1")
    for header, field in [
        ("Ref", "number"),
        ("Cust", "customer.name"),
        ("Issued", "issue_date"),
        ("Due", "due_date"),
        ("Gross", "amount"),
        ("Left", "balance"),
        ("Stage", "state"),
        ("Pay by", "payment_method"),
    ]:
        page.select_option(f'select[aria-label="{header}"]', field)
    page.select_option("select[name=decimal]", ".")
    with page.expect_navigation():
        page.click("button[value=preview]")
    page.select_option('select[aria-label="Stage : Sent"]', "open")
    page.select_option('select[aria-label="Pay by : DD"]', "direct_debit")
    page.select_option('select[aria-label="Pay by : Bank"]', "transfer")
    page.check("input[name=date_order][value=mdy]")
    page.fill("input[name=name]", "Export Acme")
    with page.expect_navigation():
        page.click("button[value=preview]")
    preview = page.locator("#mapping-preview").inner_text()
    assert "avoir" in preview and "Prélèvement" in preview
    assert "1 créées" not in preview and "2 créées" in preview
    _shot(page, "import-correspondances-2-apercu")
    assert Document.objects.count() == 0
    with page.expect_navigation():
        page.click("button[value=import]")
    assert "Import réussi" in page.content()
    a1 = Document.objects.get(number="A-1")
    assert (a1.amount, a1.paid_amount, a1.payment_method, a1.issue_date.isoformat()) == (
        Decimal("1250.00"),
        Decimal("1000.00"),
        "direct_debit",
        "2024-03-04",
    )
    assert Document.objects.get(number="A-2").kind == "credit_note"

    second = _file(tmp_path, "ventes-avril.csv", ["A-3;Acme Ltd;04/02/24;05/02/24;99.50;0;Sent;DD"])
    _upload(page, live_server.url, second)
    assert page.url.endswith("/import/")
    status = page.locator("section[role=status]").inner_text()
    assert "1 créées" in status and "« Export Acme »" in status
    _shot(page, "import-correspondances-3-second-fichier")
    a3 = Document.objects.get(number="A-3")
    assert (a3.issue_date.isoformat(), a3.paid_amount) == ("2024-04-02", Decimal("99.50"))
    context.close()


def test_the_step_guesses_invoices_and_the_balance_and_names_a_preset_plainly(
    browser, live_server, user, tmp_path
):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "claire-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    plain = tmp_path / "export.csv"
    plain.write_text("Numéro;Date;Client;Balance\nF-1;01/03/2024;Acme;40,00\n")  # no amount: asked
    _upload(page, live_server.url, str(plain))
    assert page.locator("select[name=kind]").input_value() == "invoices"
    assert page.locator('select[aria-label="Numéro"]').input_value() == "number"
    assert page.locator('select[aria-label="Balance"]').input_value() == "balance"
    _shot(page, "import-guess-invoices-balance")

    xero = tmp_path / "xero.csv"
    sample = Path(__file__).resolve().parents[1] / "imports" / "samples" / "xero_invoices.csv"
    xero.write_bytes(sample.read_bytes())
    _upload(page, live_server.url, str(xero))
    text = page.locator("main").inner_text()
    assert "« xero » : Xero (export des factures de vente)." in text and "))" not in text
    _shot(page, "import-preset-named")
    context.close()
