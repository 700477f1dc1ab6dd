"""The banking screens read in English for an English user, whoever imported the file,
with amounts and dates written like on every other screen."""

from decimal import Decimal

import pytest
from django.utils import translation

from banking import services

from .test_views import upload
from .writers import camt053, mv

D = Decimal


@pytest.fixture
def english(alice_client):
    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return alice_client


@pytest.fixture
def statement(company, make_invoice):
    """Imported by a French user: matched, proposed (amount only), left over, rejected."""
    make_invoice(number="F00001", amount=D("1250.00"))
    make_invoice(number="F00002", amount=D("300.00"))
    with translation.override("fr"):
        result = services.import_statement(
            company,
            camt053(
                [
                    mv("1250.00", "ANYWAY SARL", "Facture F00001"),
                    mv("300.00", "M. INCONNU", "virement"),
                    mv("42.00", "M. PERSONNE", "cadeau"),
                    mv("-10.00", "BANQUE", "frais"),
                ]
            ),
        )
    return result.statement


def test_the_statement_page_reads_in_english(english, statement):
    page = english.get(f"/banking/statements/{statement.pk}/").content.decode()
    assert "To confirm (1)" in page and "Matched (1)" in page and "Unmatched (1)" in page
    assert "amount only" in page  # the proposed line's note, stored in French
    assert "Invoice F00002 · ANYWAY SARL · due 31/01/2026 · balance €300.00" in page
    assert "Invoice F00001: €1,250.00" in page
    assert "€42.00" in page and "05/02/2026" in page  # not 42.00 EUR, not 02/05/2026
    for french in ("montant seul", "Facture F00001 :", "échéance", "solde", " EUR"):
        assert french not in page


def test_the_same_page_in_french_writes_french_amounts(alice_client, statement):
    page = alice_client.get(f"/banking/statements/{statement.pk}/").content.decode()
    assert "montant seul" in page
    assert "Facture F00001 : 1\u202f250,00\xa0€" in page
    assert "Facture F00002 · ANYWAY SARL · échéance 31/01/2026 · solde 300,00\xa0€" in page


def test_a_rejected_line_says_so_in_the_reader_language(english, alice_client, statement):
    line = statement.lines.get(status="proposed")
    with translation.override("fr"):
        services.reject(statement.company, line.pk)
    page = english.get(f"/banking/statements/{statement.pk}/").content.decode()
    assert "rejected proposals" in page and "propositions rejetées" not in page


def test_the_statement_list_writes_dates_day_first(english, statement):
    page = english.get("/banking/").content.decode()
    assert "01/02/2026 – 10/02/2026" in page


def test_an_unreadable_file_is_explained_in_english(english):
    response = upload(english, b"<Document><Oops/></Document>", "oops.xml")
    assert "oops.xml: unknown format (expected CAMT.053, OFX or MT940)" in response.content.decode()


def test_a_bad_amount_is_explained_in_english(english):
    data = camt053([mv("1.00", "X")]).replace(b'<Amt Ccy="EUR">1.00', b'<Amt Ccy="EUR">1,0x')
    page = upload(english, data).content.decode()
    assert "Ntry no. 1: invalid amount “1,0x”" in page
