from datetime import date
from decimal import Decimal

import pytest

from banking.parsers import StatementError, fingerprints, parse

from .writers import IBAN, WRITERS, camt053, mt940, mv, ofx

MOVES = [
    mv("720.00", "MME SARAH LENTY", "Facture 3", ref="BANK-1"),
    mv("-49.90", "EDF", "Prelevement electricite", ref="BANK-2"),
    mv("100.00", "ANYWAY SARL", rf="RF203", ref="BANK-3", on=date(2026, 2, 7)),
]


@pytest.mark.parametrize("fmt", WRITERS)
def test_each_format_gives_the_same_lines(fmt):
    statement = parse(WRITERS[fmt](MOVES), f"releve.{fmt}")
    assert statement.format == fmt
    assert statement.currency == "EUR"
    got = [(line.booking_date, line.amount, line.counterparty) for line in statement.lines]
    assert got == [
        (date(2026, 2, 5), Decimal("720.00"), "MME SARAH LENTY"),
        (date(2026, 2, 5), Decimal("-49.90"), "EDF"),
        (date(2026, 2, 7), Decimal("100.00"), "ANYWAY SARL"),
    ]
    assert "Facture 3" in statement.lines[0].remittance
    assert "RF203" in statement.lines[2].reference + statement.lines[2].remittance


def test_camt_reads_account_period_and_structured_reference():
    statement = parse(camt053(MOVES))
    assert statement.account == IBAN and statement.reference == "STMT-2026-02"
    assert (statement.date_from, statement.date_to) == (date(2026, 2, 1), date(2026, 2, 10))
    assert statement.lines[2].reference == "RF203"
    assert statement.lines[0].bank_reference == "BANK-1"


def test_camt_version_08_reads_the_debtor_under_party():
    statement = parse(camt053(MOVES, version="08"))
    assert statement.lines[0].counterparty == "MME SARAH LENTY"


def test_camt_skips_pending_entries():
    data = camt053(MOVES).replace(b"<Sts>BOOK</Sts>", b"<Sts><Cd>PDNG</Cd></Sts>", 1)
    assert len(parse(data).lines) == 2


def test_fingerprints_keep_two_identical_transfers_apart():
    same = [mv("10.00", "X", "Facture 9"), mv("10.00", "X", "Facture 9")]
    keys = fingerprints(parse(mt940(same)))
    assert len(set(keys)) == 2
    assert keys == fingerprints(parse(mt940(same)))  # stable from one import to the next


def test_ofx_uses_the_account_id_and_fitid():
    statement = parse(ofx(MOVES))
    assert statement.account == "12345678901"
    assert [line.bank_reference for line in statement.lines] == ["BANK-1", "BANK-2", "BANK-3"]


def test_it_rejects_unknown_format_naming_the_file():
    with pytest.raises(StatementError, match="format non reconnu"):
        parse(b"date;montant\n2026-02-05;12,00\n", "export.csv")


def test_it_names_the_line_of_broken_xml():
    data = camt053(MOVES).replace(b"</Stmt>", b"</Stmtt>")
    with pytest.raises(StatementError, match=r"releve\.xml.*ligne \d+"):
        parse(data, "releve.xml")


def test_it_names_the_entry_with_a_bad_amount():
    data = camt053(MOVES).replace(b">720.00<", b">7x0.00<")
    with pytest.raises(StatementError, match="Ntry n°1 : montant invalide"):
        parse(data, "releve.xml")
