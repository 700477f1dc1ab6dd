import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from dunning.policies import ensure_default_policies
from receivables.models import Customer, Invoice, Membership, PaymentMethod, Role


@pytest.fixture
def today(company):
    return company.today()


@pytest.fixture
def policies(company):
    return ensure_default_policies(company)


@pytest.fixture
def viewer_client(client, company):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("victor", password="pw-victor")
    Membership.objects.create(user=user, company=company, role=Role.VIEWER)
    client.force_login(user)
    return client


@pytest.fixture
def charlie_client(client, charlie):
    client.force_login(charlie)
    return client


@pytest.fixture
def lenty(company):
    return Customer.objects.create(
        company=company, code="LENTY", name="LENTY Sarah", emails="sarah@example.org"
    )


@pytest.fixture
def seed_docs(company, customer, lenty, today, policies, make_invoice):
    """The seed screen's two invoices, plus a direct debit and one not due yet."""
    return {
        "5": make_invoice(
            number="5",
            due_date=today - timedelta(days=2),
            amount=Decimal("5.10"),
            description="Pommes de terre Bintje",
            to_remind=True,
            pending_level=2,
        ),
        "3": make_invoice(
            number="3",
            customer=lenty,
            due_date=today - timedelta(days=7),
            amount=Decimal("720.00"),
            description="Livraisons Janvier-Février",
            payment_method=PaymentMethod.CARD,
            to_remind=True,
            pending_level=2,
        ),
        "9": make_invoice(
            number="9",
            due_date=today - timedelta(days=20),
            amount=Decimal("50.00"),
            payment_method=PaymentMethod.DIRECT_DEBIT,
            to_remind=True,
            pending_level=3,
        ),
        "11": make_invoice(number="11", due_date=today + timedelta(days=20)),
    }


@pytest.fixture
def other_invoice(other_company):
    cust = Customer.objects.create(company=other_company, code="X", name="Other Co")
    return Invoice.objects.create(
        company=other_company,
        customer=cust,
        number="AUTRE-0042",
        issue_date="2026-01-01",
        due_date="2026-01-31",
        amount=Decimal("10"),
        to_remind=True,
    )


@pytest.fixture(scope="session", autouse=True)
def compiled_messages():
    """`make messages` builds the .mo files; do it here too when they are missing or stale."""
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    for po in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            call_command("compilemessages", locale=[po.parent.parent.name], verbosity=0)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Content-Security-Policy violations the browser reported in any page of any test
# (relance/settings.py): a screen that needs an inline script or style fails its test.
CSP_VIOLATIONS: list[str] = []


def _watch_console(message) -> None:
    if "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(f"{message.page.url if message.page else '?'}: {message.text}")


class WatchedBrowser:
    """The browser, with each new context's console watched for CSP violations."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.on("console", _watch_console)
        return context

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def no_csp_violation():
    CSP_VIOLATIONS.clear()
    yield CSP_VIOLATIONS
    found, CSP_VIOLATIONS[:] = list(CSP_VIOLATIONS), []
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(found)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright (never `playwright install`); every page's
    console is watched for Content-Security-Policy violations (`no_csp_violation`)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium missing: run `bash scripts/sysdeps.sh test`")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; only for these tests.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield WatchedBrowser(browser)
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
