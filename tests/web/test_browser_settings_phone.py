"""The settings' tabs on a phone (375 px): they wrap onto more lines, each one whole and
inside the screen, and the page never scrolls sideways. SCREENSHOTS_PORTAL=DIR saves
the screenshot (e.g. /work/notes/shots/h20)."""

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOTS_PORTAL")
WIDTH = 375


def test_the_settings_tabs_fit_a_phone(browser, live_server, alice):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw-alice")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/**")
    page.goto(live_server.url + "/parametres/portail/")
    tabs = page.locator("nav.tabs a")
    assert tabs.count() == 7  # an administrator sees « Utilisateurs » too
    for i in range(tabs.count()):
        box = tabs.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, tabs.nth(i).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "settings-tabs-375.png"), full_page=False)
    context.close()
