"""Accessibility: axe-core (bundled with axe-playwright-python, no network) on every
screen, in French and in English, fails on any serious or critical violation; the
worklist's flow done with the keyboard alone (select, Rel mail, preview, send).

One browser context per language walks all the screens (a login each), so the audit
costs a few seconds a screen. With SCREENSHOTS=DIR the same walk saves every
screen at 1366 px and at a tablet width (800 px) under DIR/{fr,en}/ — the README gallery
is made from them; CI leaves the variable unset and stays fast."""

import os
from pathlib import Path

import pytest

from .test_browser import data, row, smtp  # noqa: F401 - fixtures shared with the story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = set(os.environ.get("AXE_IMPACTS", "serious,critical").split(","))
SHOTS = os.environ.get("SCREENSHOTS")


def _screens(docs, batch_pk, policy_pk, quote_template_pk):
    return [
        ("accueil", "/"),
        ("relance-des-factures", "/relance/"),
        ("devis-echus", "/relance/?kind=quote"),
        ("apercu", None),  # reached by Rel mail: see _preview
        ("resume", f"/relances/lots/{batch_pk}/"),
        ("a-verifier", "/relances/a-verifier/"),
        ("factures", "/factures/"),
        ("devis", "/devis/"),
        ("facture", f"/pieces/{docs['2'].pk}/"),
        ("clients", "/clients/"),
        ("fiche-client", f"/clients/{docs['2'].customer_id}/"),
        ("portail-voir-comme-le-client", f"/clients/{docs['2'].customer_id}/portail/"),
        ("appel", f"/relances/appel/?ids={docs['2'].pk}"),
        ("importer", "/import/"),
        ("releves", "/banking/"),
        ("tableau-de-bord", "/insight/"),
        ("parametres-societe", "/parametres/"),
        ("procedures", "/parametres/procedures/"),
        ("procedure", f"/parametres/procedures/{policy_pk}/"),
        ("modeles", "/parametres/modeles/"),
        ("modele-devis", f"/parametres/modeles/{quote_template_pk}/"),
        ("utilisateurs", "/parametres/utilisateurs/"),
        ("parametres-portail", "/parametres/portail/"),
    ]


def _audit(axe, page, name: str, language: str) -> list[str]:
    results = axe.run(page)
    found = []
    for v in results.response["violations"]:
        if v["impact"] in SERIOUS:
            targets = [", ".join(n["target"]) for n in v["nodes"]][:3]
            found.append(f"{language} {name}: {v['id']} ({v['impact']}) {v['help']} {targets}")
    return found


def _shoot(page, name: str, language: str) -> None:
    if not SHOTS:
        return
    folder = Path(SHOTS) / language
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-1366.png"), full_page=True)
    page.set_viewport_size({"width": 800, "height": 1100})
    page.screenshot(path=str(folder / f"{name}-tablette.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 850})


def _check_rough_edges(page, name: str) -> None:
    """What a new user stumbled on, seen in the browser."""
    if name == "tableau-de-bord":  # « Données (CSV) » on one line under each chart
        heights = page.eval_on_selector_all(
            "a.csv", "links => links.map(a => a.getClientRects().length)"
        )
        assert heights and set(heights) == {1}, heights
    if name == "modele-devis":  # a quote template, previewed on a quote, HTML box filled
        assert "D-2024-07" in page.inner_text("#template-preview")
        frame = page.frame_locator("#template-preview iframe")
        assert "D-2024-07" in frame.locator("body").inner_text()


def _login(browser, live_server, language):
    context = browser.new_context(viewport={"width": 1366, "height": 850}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    if language != "fr":
        with page.expect_navigation():
            page.select_option("#lang-select", language)
    return context, page


def _past_batch(company, docs):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from reminders.batches import record_past_send

    user = get_user_model().objects.get(username="claire")
    record_past_send(company, [docs["2"]], timezone.now(), channel="email", user=user)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_axe_finds_nothing_serious_on_any_screen(browser, live_server, data, language):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    from dunning.models import Policy
    from reminders.models import Batch, Template

    docs = data["docs"]
    _past_batch(data["company"], docs)
    batch_pk = Batch.objects.order_by("-pk").values_list("pk", flat=True).first()
    axe = Axe()
    context, page = _login(browser, live_server, language)
    found = _audit(axe, page, "connexion", language)
    _shoot(page, "connexion", language)
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "claire-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    policy_pk = Policy.objects.values_list("pk", flat=True).first()
    quote_tpl = Template.objects.filter(level__policy__kind="quote", language=language).first()
    for name, path in _screens(docs, batch_pk, policy_pk, quote_tpl.pk):
        if path is None:  # the preview: Rel mail on the two seed invoices
            page.goto(live_server.url + "/relance/")
            row(page, "3").locator("td:nth-child(9)").click()
            row(page, "5").locator("td:nth-child(9)").click(modifiers=["Shift"])
            page.click("button[value=email]")
            page.wait_for_url("**/relances/apercu/")
        else:
            response = page.goto(live_server.url + path)
            assert response.ok, (name, path, response.status)
        page.wait_for_load_state("networkidle")
        _check_rough_edges(page, name)
        found += _audit(axe, page, name, language)
        _shoot(page, name, language)
    context.close()
    assert not found, "axe: serious or critical violations:\n" + "\n".join(found)


def test_the_worklist_flow_with_the_keyboard_alone(browser, live_server, data, smtp):  # noqa: F811
    """Tab to a row's box, Space ticks it; Tab to « Rel mail », Enter; the preview's
    « Envoyer » reached by Tab, Enter; the summary says they went."""
    context, page = _login(browser, live_server, "fr")
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "claire-pass-1")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/relance/")

    def tab_to(selector: str, limit: int = 80) -> None:
        target = page.locator(selector)
        for _ in range(limit):
            page.keyboard.press("Tab")
            if target.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"{selector} not reachable with Tab")

    for number in ("3", "5"):
        box = row(page, number).locator("input[type=checkbox]")
        tab_to(f"#worklist-table input[type=checkbox][value='{box.get_attribute('value')}']")
        page.keyboard.press("Space")
        assert box.is_checked()
    assert page.locator("#selection-count").inner_text() == "2 pièces sélectionnées"
    page.keyboard.press("Shift+Tab")  # back up the page to the buttons above the table
    page.locator("body").focus()
    tab_to("button[value=email]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/relances/apercu/")
    assert "2 relances prêtes à partir" in page.inner_text("#preview-counts")
    tab_to("#send-button", limit=200)
    page.keyboard.press("Enter")
    page.wait_for_url("**/relances/lots/*/")
    page.wait_for_selector("#sent-count:has-text('2 envoyées')")
    assert len(smtp.messages) == 2
    context.close()
