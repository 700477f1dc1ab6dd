"""Settings that explain themselves: the procedure read as a timeline, every option said
in place, amounts with a decimal comma in French; templates grouped procedure → level,
and a quote template previewed on a quote."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from dunning.models import Level
from receivables.models import Quote
from reminders.defaults import ensure_default_templates
from reminders.models import Template


def test_the_procedure_reads_as_a_timeline_with_each_option_explained(alice_client, policies):
    policy = policies["invoice"]
    Level.objects.filter(policy=policy, rank=2).update(min_balance=Decimal("12.50"))
    html = alice_client.get(f"/parametres/procedures/{policy.pk}/").content.decode()
    timeline = re.search(r'<ol class="policy-timeline".*?</ol>', html, re.S).group(0)
    text = re.sub(r"<[^>]+>", "", timeline).replace("&#x27;", "'")
    assert "3 jours avant l'échéance : Rappel de courtoisie" in text
    assert "7 jours après l'échéance : Relance 1" in text
    assert text.index("avant l'échéance") < text.index("7 jours après")
    help_ = re.search(r'<dl class="level-help".*?</dl>', html, re.S).group(0)
    assert "Automatique" in help_ and "tâche planifiée" in help_
    assert 'value="12,50"' in html and 'value="12.50"' not in html  # decimal comma
    # a checkbox sits inside its label, beside the words
    assert re.search(r'<label for="id_is_default"><input type="checkbox"[^>]*> Par défaut', html)


def test_a_decimal_comma_is_read_back(alice_client, policies):
    policy = policies["invoice"]
    response = alice_client.get(f"/parametres/procedures/{policy.pk}/")
    formset = response.context["formset"]
    data = {
        "name": policy.name,
        "kind": "invoice",
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
                f"levels-{i}-min_balance": "15,75" if level.rank == 3 else "0",
            }
        )
    assert alice_client.post(f"/parametres/procedures/{policy.pk}/", data).status_code == 302
    assert Level.objects.get(policy=policy, rank=3).min_balance == Decimal("15.75")


@pytest.fixture
def templates(company, policies):
    ensure_default_templates(company)
    return Template.objects.for_company(company)


def test_templates_are_grouped_by_procedure_then_level(alice_client, templates, policies):
    html = alice_client.get("/parametres/modeles/").content.decode()
    groups = re.findall(r'<section class="card template-group"', html)
    assert len(groups) == 2  # the invoice procedure, the quote procedure
    levels = re.findall(r'<details class="template-level"', html)
    assert len(levels) == Level.objects.filter(policy__company=policies["invoice"].company).count()


def test_a_quote_template_is_previewed_on_a_quote(
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
    tpl = templates.filter(level__policy__kind="quote", channel="email", language="fr").first()
    response = alice_client.get(f"/parametres/modeles/{tpl.pk}/")
    assert response.context["preview"]["document"] == quote
    assert "Sur la pièce DE-0042" in response.content.decode()
    assert not any(d.kind != "quote" for d in response.context["documents"])
    # the live preview (htmx) too, even asked on an invoice: HTML and text both filled
    response = alice_client.post(
        "/parametres/modeles/apercu/",
        {
            "level": tpl.level_id,
            "channel": "email",
            "language": "fr",
            "subject": "Devis %NUMERO%",
            "body_text": "Texte %NUMERO%",
            "body_html": "<p>HTML %NUMERO%</p>",
            "document": seed_docs["3"].pk,
        },
    )
    preview = response.context["preview"]
    assert preview["document"] == quote
    assert preview["body_text"] == "Texte DE-0042" and "HTML DE-0042" in preview["body_html"]
