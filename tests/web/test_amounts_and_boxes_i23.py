"""Amounts typed as a French bookkeeper types them, on every amount input (procedure
editor, admin's manual entries: payments, invoices, late-charge rules, statement lines),
with a clear reason when one cannot be read; checkboxes beside their label; the template
editor's sample documents follow the level chosen."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from dunning.models import LateChargeRule, Level
from receivables.amountfield import AmountError, read_amount
from receivables.models import Payment, Quote
from reminders.defaults import ensure_default_templates
from reminders.models import Template


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1 234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),  # the narrow space Django prints in French
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("12 345 678", "12345678"),
        ("-5,1", "-5.1"),
    ],
)
def test_french_readers_type_amounts_their_way(typed, amount):
    with translation.override("fr"):
        assert read_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("12,3,4", "plusieurs séparateurs décimaux"),
        ("1.234", "ambigu : écrivez 1 234 ou 1,234"),
        ("1 23,4", "les milliers se groupent par trois chiffres"),
        ("douze", "n'est pas un montant : écrivez par exemple 1 234,56"),
        ("1,234.56", "n'est pas un montant"),
    ],
)
def test_what_cannot_be_read_for_sure_is_refused_with_the_reason(typed, reason):
    with translation.override("fr"), pytest.raises(AmountError, match=reason):
        read_amount(typed)


def test_english_readers_group_with_commas():
    with translation.override("en"):
        assert read_amount("1,234.56") == Decimal("1234.56")
        assert read_amount("1234.56") == Decimal("1234.56")
        with pytest.raises(AmountError, match="e.g. 1,234.56|1,234.56"):
            read_amount("1.234,56")


def _level_data(policy, formset, rank3_amount):
    data = {
        "name": policy.name,
        "kind": policy.kind,
        "levels-TOTAL_FORMS": str(formset.initial_form_count()),
        "levels-INITIAL_FORMS": str(formset.initial_form_count()),
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "1000",
    }
    for i, form in enumerate(formset.forms[: formset.initial_form_count()]):
        level = form.instance
        data.update(
            {
                f"levels-{i}-id": level.pk,
                f"levels-{i}-rank": level.rank,
                f"levels-{i}-name": level.name,
                f"levels-{i}-delay_days": level.delay_days,
                f"levels-{i}-channel": level.channel,
                f"levels-{i}-min_balance": rank3_amount if level.rank == 3 else "0",
            }
        )
    return data


def test_the_procedure_editor_reads_and_shows_grouped_amounts(alice_client, policies):
    policy = policies["invoice"]
    url = f"/parametres/procedures/{policy.pk}/"
    formset = alice_client.get(url).context["formset"]
    assert alice_client.post(url, _level_data(policy, formset, "1 234,5")).status_code == 302
    assert Level.objects.get(policy=policy, rank=3).min_balance == Decimal("1234.50")
    html = alice_client.get(url).content.decode()
    assert 'value="1\xa0234,50" inputmode="decimal"' in html
    # a slip is said in words under the field, and nothing is saved
    page = alice_client.post(url, _level_data(policy, formset, "12,3,4"))
    assert page.status_code == 200
    assert "« 12,3,4 » a plusieurs séparateurs décimaux" in page.content.decode()
    assert Level.objects.get(policy=policy, rank=3).min_balance == Decimal("1234.50")


@pytest.fixture
def admin_client_fr(client, db):
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    client.force_login(root)
    return client


def test_a_payment_entered_by_hand_in_the_admin_takes_a_decimal_comma(
    admin_client_fr, company, customer
):
    url = "/admin/receivables/payment/add/"
    page = admin_client_fr.get(url).content.decode()
    assert 'name="amount"' in page and 'inputmode="decimal"' in page
    data = {
        "company": company.pk,
        "customer": customer.pk,
        "date": "03/12/2026",
        "amount": "1 234,56",
        "currency": "EUR",
        "method": "transfer",
    }
    response = admin_client_fr.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Payment.objects.get().amount == Decimal("1234.56")
    response = admin_client_fr.post(url, {**data, "amount": "1.234"})
    assert "« 1.234 » est ambigu" in response.content.decode()


def test_the_late_charge_rule_margin_takes_a_decimal_comma(admin_client_fr):
    rule = LateChargeRule.objects.first() or LateChargeRule.objects.create(
        jurisdiction="FR", business=True, name="France B2B"
    )
    page = admin_client_fr.get(f"/admin/dunning/latechargerule/{rule.pk}/change/")
    field = page.context["adminform"].form.fields["margin_points"]
    assert field.clean("10,5") == Decimal("10.5")


def test_the_dispute_checkbox_sits_before_its_label(alice_client, seed_docs):
    doc = seed_docs["5"]
    html = alice_client.get(f"/pieces/{doc.pk}/").content.decode()
    assert '<label for="id_disputed">En litige</label>' in html  # no « : » after it


@pytest.fixture
def templates(company, policies):
    ensure_default_templates(company)
    return Template.objects.for_company(company)


def test_the_sample_documents_follow_the_level_chosen(
    alice_client, company, customer, templates, seed_docs, today
):
    quote = Quote.objects.create(
        company=company,
        customer=customer,
        number="DE-0042",
        issue_date=today - timedelta(days=40),
        due_date=today - timedelta(days=10),
        amount=Decimal("980.00"),
        state="expired",
    )
    tpl = templates.filter(level__policy__kind="invoice", channel="email", language="fr").first()
    quote_level = Level.objects.filter(policy__company=company, policy__kind="quote").first()
    form = {"channel": "email", "language": "fr", "subject": "%NUMERO%", "body_text": "x"}
    page = alice_client.get(f"/parametres/modeles/{tpl.pk}/").content.decode()
    assert 'id="preview-document-field"' in page and "DE-0042" not in page
    # the level is changed to the quote procedure's: the list is drawn again, of quotes
    response = alice_client.post(
        "/parametres/modeles/apercu/",
        {**form, "level": quote_level.pk, "document": seed_docs["5"].pk},
    )
    html = response.content.decode()
    assert 'id="preview-document-field" hx-swap-oob="true"' in html
    assert f'<option value="{quote.pk}" selected>DE-0042' in html
    assert seed_docs["5"].number + " · " not in html.split('id="preview-document-field"')[1]
    # typing in the same level keeps the list (and the reader's choice) as it is
    response = alice_client.post(
        "/parametres/modeles/apercu/", {**form, "level": quote_level.pk, "document": quote.pk}
    )
    assert "hx-swap-oob" not in response.content.decode()
