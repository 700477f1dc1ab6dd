"""The date picker speaks the user's language (issue 23): in Debian's chromium, the
worklist's period filter opens a French calendar (month in French, Monday first), a day
picked there filters the list; the customer portal's « Je m'engage à payer le… » takes a
day from the same calendar; in English the calendar says « December ». Typing the day
(jj/mm/aaaa) still works. SCREENSHOTS_PICKER=DIR saves what the user saw."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from .test_browser import data, numbers  # noqa: F401 - fixtures shared with the story
from .test_browser_a11y import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOTS_PICKER")


def shoot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(400)  # the calendar's fade-in
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def say(day, fmt, language):
    with translation.override(language):
        return formats.date_format(day, fmt)


def calendar(page):
    return page.locator(".flatpickr-calendar.open")


def pick(page, field, day, language):
    """Go to `day`'s month with the calendar's arrows, click the day (by its spoken name)."""
    cal = calendar(page)
    year, month = page.eval_on_selector(
        field, "el => [el._flatpickr.currentYear, el._flatpickr.currentMonth]"
    )
    steps = (day.year * 12 + day.month - 1) - (year * 12 + month)
    for _ in range(abs(steps)):
        cal.locator(".flatpickr-next-month" if steps > 0 else ".flatpickr-prev-month").click()
    assert cal.locator(".cur-month").inner_text().strip() == say(day, "F", language)
    label = say(day, "l j F Y", language)
    days = cal.locator(
        f'.flatpickr-day[aria-label="{label}" i]:not(.prevMonthDay):not(.nextMonthDay)'
    )
    days.click()


def log_in(browser, live_server, language):
    context, page = _login(browser, live_server, language)
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "claire-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return context, page


def test_the_worklist_period_in_french_from_the_calendar(browser, live_server, data):  # noqa: F811
    today = data["today"]
    context, page = log_in(browser, live_server, "fr")
    page.goto(live_server.url + "/relance/")
    assert sorted(numbers(page)) == ["2", "3", "5", "8"]
    page.click("#start")
    cal = calendar(page)
    cal.wait_for()
    assert cal.locator(".cur-month").inner_text().strip() == say(today, "F", "fr")  # décembre
    weekdays = cal.locator(".flatpickr-weekday").all_inner_texts()
    assert [w.strip() for w in weekdays][:2] == ["lun", "mar"]  # Monday first
    shoot(page, "calendrier-fr")
    from axe_playwright_python.sync_playwright import Axe

    # flatpickr fades the calendar in: contrast is judged once it is fully shown
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    serious = [
        f"{v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious  # the open calendar too
    due_of_5 = data["docs"]["5"].due_date
    pick(page, "#start", due_of_5, "fr")
    expect(page.locator("#worklist-table tbody tr[data-id]")).to_have_count(1)
    assert numbers(page) == ["5"]
    assert page.input_value("#start") == due_of_5.strftime("%d/%m/%Y")
    assert "start=" + due_of_5.strftime("%d%%2F%m%%2F%Y") in page.url
    # typed, day first, with the keyboard: the invoices due up to 8's due date
    due_of_8 = data["docs"]["8"].due_date
    page.fill("#start", "")
    page.locator("#end").focus()
    page.keyboard.type(due_of_8.strftime("%d/%m/%Y"))
    page.keyboard.press("Enter")
    expect(page.locator("#worklist-table tbody tr[data-id]")).to_have_count(2)
    assert sorted(numbers(page)) == ["2", "8"]
    assert page.input_value("#end") == due_of_8.strftime("%d/%m/%Y")
    context.close()


def test_the_calendar_in_english(browser, live_server, data):  # noqa: F811
    today = data["today"]
    context, page = log_in(browser, live_server, "en")
    page.goto(live_server.url + "/relance/")
    page.click("#end")
    cal = calendar(page)
    cal.wait_for()
    assert cal.locator(".cur-month").inner_text().strip() == say(today, "F", "en")  # December
    assert cal.locator(".flatpickr-weekday").first.inner_text().strip() == "Mon"
    shoot(page, "calendar-en")
    context.close()


def test_a_customer_promises_a_day_from_the_french_calendar(browser, live_server, data):  # noqa: F811
    from portal.tokens import issue_token

    five = data["docs"]["5"]
    token = issue_token(data["company"], five.customer)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/p/{token}/")
    page.locator("summary", has_text="Je m'engage à payer le").click()
    page.click("#promise-date")
    cal = calendar(page)
    cal.wait_for()
    today = data["today"]
    assert cal.locator(".cur-month").inner_text().strip() == say(today, "F", "fr")
    assert cal.locator(".flatpickr-weekday").first.inner_text().strip() == "lun"
    # the days the company accepts are the only ones offered: not today, not past the horizon
    label = say(today, "l j F Y", "fr")
    assert "flatpickr-disabled" in cal.locator(
        f'.flatpickr-day[aria-label="{label}" i]'
    ).first.get_attribute("class")
    shoot(page, "portail-promesse-fr")
    promised = today + timedelta(days=5)
    pick(page, "#promise-date", promised, "fr")
    assert page.input_value("#promise-date") == promised.strftime("%d/%m/%Y")
    page.get_by_role("button", name="Je m'engage").click()
    assert "engagement est enregistré" in page.locator(".notice.ok").inner_text()
    five.refresh_from_db()
    assert five.promise_date == promised
    context.close()
