"""Every new company can remind at once: default procedures and templates, however it
was created; and a company without a default procedure is never a silent 0."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dunning.models import Level, Policy
from receivables.models import Company
from reminders.models import Template


def _policies(company) -> dict[str, Policy]:
    return {p.kind: p for p in Policy.objects.filter(company=company, is_default=True)}


def assert_ready(company) -> None:
    defaults = _policies(company)
    assert set(defaults) == {"invoice", "quote"}
    levels = Level.objects.filter(policy__company=company)
    assert levels.filter(policy=defaults["invoice"]).count() == 5
    assert levels.filter(policy=defaults["quote"]).count() == 2
    for level in levels:
        words = set(Template.objects.filter(level=level).values_list("channel", "language"))
        assert words == {
            (c, lang) for c in ("email", "firm_email", "letter") for lang in ("fr", "en")
        }


@pytest.mark.django_db
def test_a_company_created_in_code_is_ready():
    assert_ready(Company.objects.create(name="Nouvelle SARL"))


@pytest.mark.django_db
def test_a_company_created_in_the_admin_gets_its_procedures_and_templates(admin_client):
    response = admin_client.post(
        "/admin/receivables/company/add/",
        {"name": "Créée dans l'admin", "country": "FR", "currency": "EUR", "language": "fr",
         "timezone": "Europe/Paris"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_ready(Company.objects.get(name="Créée dans l'admin"))


@pytest.mark.django_db
def test_making_ready_twice_adds_nothing(company):
    from reminders.ready import make_ready

    before = (Policy.objects.count(), Template.objects.count())
    make_ready(company)
    assert (Policy.objects.count(), Template.objects.count()) == before


@pytest.mark.django_db
def test_the_scan_says_so_loudly_when_a_company_has_no_default_procedure(company):
    Policy.objects.filter(company=company, kind="invoice").update(is_default=False)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("scan", stdout=out, stderr=err)
    assert caught.value.returncode == 1
    assert "Alice SARL" in err.getvalue()
    assert "pas de procédure de relance par défaut pour les factures" in err.getvalue()
    assert "devis" not in err.getvalue()  # the quotes still have theirs


@pytest.mark.django_db
def test_the_scan_of_a_ready_company_exits_quietly(company):
    err = StringIO()
    call_command("scan", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""


@pytest.mark.django_db
def test_home_and_worklist_show_a_banner_linking_to_the_settings(client, alice, company):
    Policy.objects.filter(company=company).update(is_default=False)
    client.force_login(alice)
    for url in ("/", "/relance/"):
        page = client.get(url).content.decode()
        assert 'id="policy-banner"' in page
        assert "Aucune procédure de relance par défaut pour les factures" in page
        assert 'href="/parametres/procedures/"' in page
    Policy.objects.filter(company=company).update(is_default=True)
    assert 'id="policy-banner"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_first_procedure_created_on_the_settings_screen_becomes_the_default(
    client, alice, company
):
    Policy.objects.filter(company=company, kind="quote").delete()
    client.force_login(alice)
    response = client.post(
        "/parametres/procedures/nouvelle/",
        {"name": "Mes devis", "kind": "quote", "skip_direct_debit": "on",
         "group_by_customer": "on", "levels-TOTAL_FORMS": "1", "levels-INITIAL_FORMS": "0",
         "levels-0-rank": "1", "levels-0-name": "Devis échu", "levels-0-delay_days": "3",
         "levels-0-channel": "email", "levels-0-min_balance": "0"},
    )  # fmt: skip
    assert response.status_code == 302
    assert _policies(company)["quote"].name == "Mes devis"
    # a second one stays an alternative: the default is the one the user chose
    client.post(
        "/parametres/procedures/nouvelle/",
        {"name": "Autres devis", "kind": "quote", "levels-TOTAL_FORMS": "0",
         "levels-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert _policies(company)["quote"].name == "Mes devis"
