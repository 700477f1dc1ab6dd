"""The screens at the sizes people use: a 1366×768 laptop and a 1920 px desktop, in French
and English, with the demo data plus the longest names and biggest amounts we expect."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
LONG_TEXT = "Aménagement complet de la serre nord, arrosage goutte à goutte et éclairage horticole"
LONG_NAME = "Boulangerie-Pâtisserie du Marché Central de Saint-Brieuc SARL"
LONG_CONTACT = "LEBRETON-KERGUELEN Jean-Baptiste"


@pytest.fixture
def demo_worklist(settings, tmp_path):
    """The demo company after its morning scan, plus a customer with a long name and contact
    whose invoices are the first rows: big amounts, part paid, reminded three times."""
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path  # the demo history's PDFs

    from dunning.scan import scan
    from receivables.models import Customer, Invoice
    from relance.demo import load_demo

    company = load_demo(timezone.localdate(), generated=True)
    today = company.today()
    scan(company, today)
    customer = Customer.objects.create(
        company=company,
        code="LONG",
        name=LONG_NAME,
        contact_name=LONG_CONTACT,
        emails="compta@boulangerie-marche-central.example",
    )
    for n, amount in enumerate(["987654.32", "456789.01", "12345.67"], start=1):
        Invoice.objects.create(
            company=company,
            customer=customer,
            number=f"FA-2026-{n:05d}",
            issue_date=today - timedelta(days=230 + n),
            due_date=today - timedelta(days=200 + n),
            amount=Decimal(amount),
            paid_amount=Decimal("1234.56"),
            description=LONG_TEXT,
            to_remind=True,
            pending_level=2,
            dunning_level=1,
            reminder_count=3,
            last_reminder_date=today - timedelta(days=5),
        )


def open_worklist(browser, live_server, width, language):
    context = browser.new_context(viewport={"width": width, "height": 768}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", "demo-relance")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    if language != "fr":
        with page.expect_navigation():
            page.select_option("#lang-select", language)
    page.goto(live_server.url + "/relance/")
    return context, page


GEOMETRY = """() => {
  const table = document.querySelector('#worklist-table');
  const box = table.closest('.table-wrap');
  const last = table.querySelector('thead th:last-child').getBoundingClientRect();
  return {table: table.scrollWidth, box: box.clientWidth, lastRight: last.right,
          viewport: window.innerWidth, page: document.documentElement.scrollWidth};
}"""

CUT = "(cell) => cell.scrollWidth > cell.clientWidth"
CLAMPED = "(el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1"


@pytest.mark.parametrize(
    "width, language",
    [(1366, "fr"), (1366, "en"), (1920, "fr"), (1920, "en")],
)
def test_the_worklist_fits_the_screen_without_scrolling_sideways(
    browser, live_server, demo_worklist, width, language
):
    context, page = open_worklist(browser, live_server, width, language)
    columns = page.locator("#worklist-table thead th").count()
    assert columns == 16  # the selection box and the 15 columns of the seed screen
    g = page.evaluate(GEOMETRY)
    assert g["table"] <= g["box"], g
    assert g["lastRight"] <= g["viewport"], g
    assert g["page"] <= g["viewport"], g
    # the menu, the language and the user on one row: the header is one line high
    brand = page.locator("header.top .brand").bounding_box()
    me = page.locator("header.top .me").bounding_box()
    nav = page.locator("header.top nav").bounding_box()
    assert me["y"] < brand["y"] + brand["height"], (brand, nav, me)  # not on a second row

    # A text too long for its column wraps, then is cut after two lines with an
    # ellipsis; the tooltip has all of it.
    first = page.locator("#worklist-table tbody tr[data-id]").first
    description = first.locator("td[title]").nth(3)
    assert description.get_attribute("title") == LONG_TEXT
    assert description.locator(".clamp").evaluate(CLAMPED)
    # nothing else cut: « <non précisé> » whole, each level's badge on one line
    methods = page.locator("#worklist-table tbody td.w-method .clamp")
    assert not [m.inner_text() for m in methods.all() if m.evaluate(CLAMPED)]
    heights = page.eval_on_selector_all(
        "#worklist-table td.level .badge", "bs => bs.map(b => b.getBoundingClientRect().height)"
    )
    assert heights and max(heights) < 1.5 * min(heights), heights
    assert "FA-2026-00003" in first.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"20-relance-{width}-{language}.png"))
    context.close()


def test_a_big_screen_shows_the_usual_texts_whole(browser, live_server, demo_worklist):
    context, page = open_worklist(browser, live_server, 1920, "fr")
    cells = page.locator("#worklist-table tbody tr[data-id] td[title]")
    longest = {LONG_TEXT, LONG_NAME, LONG_CONTACT}
    texts = [c for c in cells.all() if c.get_attribute("title") not in longest]
    assert texts and not [c.get_attribute("title") for c in texts if c.evaluate(CUT)]
    clamps = [c.locator(".clamp") for c in texts]
    assert not [c.inner_text() for c in clamps if c.evaluate(CLAMPED)]
    context.close()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_procedure_editor_shows_every_level_column_at_1366(
    browser, live_server, demo_worklist, language
):
    from dunning.models import Policy

    policy = Policy.objects.order_by("pk").first()
    context, page = open_worklist(browser, live_server, 1366, language)
    page.goto(f"{live_server.url}/parametres/procedures/{policy.pk}/")
    last = page.locator("table.levels thead th").last.bounding_box()
    assert last["x"] + last["width"] <= 1366, last  # « Supprimer » whole, no sideways scroll
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"21-procedure-1366-{language}.png"))
    context.close()
