from django.contrib.auth import get_user_model

from dunning.models import Level
from receivables.models import Membership, Role


def test_company_settings_show_smtp_read_only(alice_client, company):
    html = alice_client.get("/parametres/").content.decode()
    assert "EMAIL_HOST" in html and "variables d'environnement" in html
    assert 'name="email_host_password"' not in html.lower()


def test_admin_edits_the_company(alice_client, company):
    response = alice_client.post(
        "/parametres/",
        {
            "name": "Alice SAS",
            "country": "FR",
            "currency": "EUR",
            "language": "fr",
            "timezone": "Europe/Paris",
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPP",
        },
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.name == "Alice SAS"


def test_invalid_iban_is_refused_with_the_field_named(alice_client, company):
    response = alice_client.post(
        "/parametres/",
        {
            "name": "X",
            "country": "FR",
            "currency": "EUR",
            "language": "fr",
            "timezone": "Europe/Paris",
            "iban": "FR00BAD",
        },
    )
    assert response.status_code == 200 and "IBAN" in response.content.decode()
    company.refresh_from_db()
    assert company.name == "Alice SARL"


def test_collector_cannot_edit_the_company(client, bob, company):
    client.force_login(bob)
    assert client.get("/parametres/").status_code == 200
    assert client.post("/parametres/", {"name": "Hacked"}).status_code == 403


def test_policies_show_delays_in_words(alice_client, policies):
    html = alice_client.get("/parametres/procedures/").content.decode()
    assert "3 jours avant l&#x27;échéance" in html and "7 jours après l&#x27;échéance" in html


def test_edit_levels(alice_client, policies):
    policy = policies["invoice"]
    response = alice_client.get(f"/parametres/procedures/{policy.pk}/")
    formset = response.context["formset"]
    data = {
        "name": policy.name,
        "kind": "invoice",
        "is_default": "on",
        "skip_direct_debit": "on",
        "group_by_customer": "on",
        "levels-TOTAL_FORMS": str(len(formset.forms)),
        "levels-INITIAL_FORMS": str(formset.initial_form_count()),
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "1000",
    }
    for i, form in enumerate(formset.forms):
        level = form.instance
        if not level.pk:
            data.update({f"levels-{i}-min_balance": "0"})  # an untouched blank row
            continue
        data.update(
            {
                f"levels-{i}-id": level.pk,
                f"levels-{i}-rank": level.rank,
                f"levels-{i}-name": level.name,
                f"levels-{i}-delay_days": 10 if level.rank == 2 else level.delay_days,
                f"levels-{i}-channel": level.channel,
                f"levels-{i}-min_balance": "0",
            }
        )
    response = alice_client.post(f"/parametres/procedures/{policy.pk}/", data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    assert Level.objects.get(policy=policy, rank=2).delay_days == 10


def test_policy_of_another_company_is_404(charlie_client, policies):
    assert (
        charlie_client.get(f"/parametres/procedures/{policies['invoice'].pk}/").status_code == 404
    )


def test_users_admin_only(client, bob, alice):
    client.force_login(bob)
    assert client.get("/parametres/utilisateurs/").status_code == 403
    client.force_login(alice)
    assert client.get("/parametres/utilisateurs/").status_code == 200


def test_admin_creates_a_viewer(alice_client, company):
    response = alice_client.post(
        "/parametres/utilisateurs/",
        {
            "username": "vera",
            "email": "vera@example.org",
            "password": "a-long-pass",
            "role": "viewer",
        },
    )
    assert response.status_code == 302
    member = Membership.objects.get(user__username="vera")
    assert member.company == company and member.role == Role.VIEWER


def test_admin_changes_a_role_but_not_in_another_company(alice_client, bob, charlie):
    alice_client.post(
        f"/parametres/utilisateurs/{bob.membership.pk}/", {"role": "viewer", "is_active": "on"}
    )
    bob.membership.refresh_from_db()
    assert bob.membership.role == Role.VIEWER
    assert (
        alice_client.post(
            f"/parametres/utilisateurs/{charlie.membership.pk}/", {"role": "viewer"}
        ).status_code
        == 404
    )
    assert get_user_model().objects.get(username="charlie").membership.role == Role.ADMIN
