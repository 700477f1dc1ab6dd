from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dunning.charges import Charges
from dunning.models import Channel
from dunning.policies import ensure_default_policies
from dunning.reckoning import Line, Reckoning
from reminders.keywords import (
    KEYWORDS,
    DocLine,
    KeywordContext,
    build_values,
    substitute,
    unknown_keywords,
)
from reminders.models import Template

CHARGES = Charges(interest=Decimal("2.40"), indemnity=Decimal("40.00"))


def ctx(language="fr", customer="ANYWAY SARL", **kwargs):
    fields = dict(
        language=language,
        as_of=date(2026, 3, 10),
        customer=customer,
        contact="DRATEY Daisy",
        company="Alice SARL",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        documents=[
            DocLine(
                "F-5",
                date(2026, 2, 20),
                date(2026, 2, 28),
                Decimal("1234.50"),
                Decimal("34.50"),
                reminder_count=2,
                last_reminder_date=date(2026, 3, 3),
            )
        ],
        reckoning=Reckoning(
            date(2026, 3, 10),
            "EUR",
            (Line("F-5", date(2026, 2, 28), "EUR", Decimal("1200.00"), CHARGES),),
            claims_charges=True,
        ),
    )
    fields.update(kwargs)
    return KeywordContext(**fields)


def test_every_keyword_has_a_description_and_a_value():
    values = build_values(ctx())
    assert set(values) == set(KEYWORDS)
    assert all(str(text) for text in KEYWORDS.values())


def test_values_are_formatted_in_french():
    v = build_values(ctx("fr"))
    assert v["ECHEANCE"] == "28 février 2026"
    assert v["SOLDE"] == "1\u202f200,00\xa0€"
    assert v["TOTAL_DU"] == "1\u202f242,40\xa0€"
    assert v["RETARD"] == "10"
    assert v["NB_RAPPELS"] == "2"
    assert v["DT_DERNIER_RAPPEL"] == "3 mars 2026"
    assert v["IBAN"] == "FR76 3000 6000 0112 3456 7890 189"


def test_values_are_formatted_in_english():
    v = build_values(ctx("en"))
    assert v["ECHEANCE"] == "28 February 2026"
    assert v["SOLDE"] == "€1,200.00"
    assert "due 28 February 2026 (10 days late): balance €1,200.00" in v["LISTE_PIECES"].text


def test_keywords_are_substituted_never_evaluated():
    v = build_values(ctx(customer="{{ settings.SECRET_KEY }} %SOLDE%"))
    out = substitute("Client: %CLIENT% / {% now 'Y' %} / 100 % sûr / %INCONNU%", v)
    # the value is inserted as is (its own %SOLDE% is not substituted again)
    assert (
        out == "Client: {{ settings.SECRET_KEY }} %SOLDE% / {% now 'Y' %} / 100 % sûr / %INCONNU%"
    )


def test_values_are_html_escaped_in_html_bodies_only():
    v = build_values(ctx(customer="<script>alert(1)</script> & Fils"))
    html = substitute("<p>%CLIENT%</p>%LISTE_PIECES%", v, html=True)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Fils" in html
    assert '<table class="documents"' in html and ">F-5</td>" in html
    assert substitute("%CLIENT%", v) == "<script>alert(1)</script> & Fils"


def test_a_value_cannot_break_the_subject_line():
    v = build_values(ctx(customer="ACME\r\nBcc: victim@example.org"))
    subject = substitute("Rappel %CLIENT%", v, one_line=True)
    assert "\n" not in subject and "\r" not in subject
    assert subject == "Rappel ACME Bcc: victim@example.org"


def test_unknown_keywords_are_listed_in_order():
    assert unknown_keywords("%CLIENT% %FOO% 50 % %BAR_2% %FOO%") == ["FOO", "BAR_2"]


@pytest.fixture
def level(company):
    return ensure_default_policies(company)["invoice"].levels.get(rank=2)


def test_it_rejects_unknown_keyword_on_save(company, level):
    before = Template.objects.count()  # a new company comes with its default templates
    with pytest.raises(ValidationError) as err:
        Template.objects.create(
            company=company,
            level=level,
            channel=Channel.EMAIL,
            language="fr",
            subject="Rappel %NUMERO%",
            body_text="Bonjour %CLEINT%, solde %SOLDE%",
        )
    assert "%CLEINT%" in str(err.value.message_dict["body_text"])
    assert Template.objects.count() == before
    assert not Template.objects.filter(body_text__contains="%CLEINT%").exists()


def test_it_rejects_a_subject_with_a_line_break(company, level):
    t = Template(
        company=company, level=level, channel=Channel.EMAIL, language="fr", subject="a\nBcc: x"
    )
    with pytest.raises(ValidationError) as err:
        t.save()
    assert "subject" in err.value.message_dict


def test_bank_details_leave_out_a_bic_the_company_does_not_have():
    assert build_values(ctx())["RIB"] == "IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP"
    assert build_values(ctx(bic=""))["RIB"] == "IBAN FR76 3000 6000 0112 3456 7890 189"


def test_the_documents_table_totals_what_is_asked_and_lists_the_rest_apart():
    reminded = ctx().documents[0]
    other = DocLine("F-9", date(2026, 1, 5), date(2026, 2, 4), Decimal("50"), Decimal("0"))
    v = build_values(ctx(overdue=[other, reminded]))
    first, rest = v["LISTE_PIECES"].text.split("Autres pièces échues :")
    assert "F-5" in first and "F-9" not in first
    assert f"Total : {v['SOLDE']}" in first  # the amount the words ask for
    assert "F-9" in rest and "Total : 50,00\xa0€" in rest
    html = v["LISTE_PIECES"].html
    assert html.index("F-5") < html.index("Autres pièces échues") < html.index("F-9")


def test_amounts_read_exactly_as_babel_writes_them():
    from babel.numbers import format_currency

    from reminders.keywords import LOCALES, money_format

    edges = ["0", "-0.00", "0.005", "0.015", "0.125", "-0.995", "999.995", "1e9", "12.3456"]
    values = [Decimal(n) / 100 for n in range(-3_000_000, 300_000_000, 99_991)]
    values += [Decimal(e) for e in edges]
    for language in ["fr", "en", "de"]:
        for currency in ["EUR", "CHF", "USD", "JPY"]:
            locale = LOCALES.get(language, "fr_FR")
            write = money_format(currency, language)
            assert [write(v) for v in values] == [
                format_currency(v, currency, locale=locale) for v in values
            ]
