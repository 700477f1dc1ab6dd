"""The matching rules, without a database."""

from datetime import date
from decimal import Decimal

from banking.matching import (
    MATCHED,
    PROPOSED,
    UNMATCHED,
    BankCredit,
    OpenInvoice,
    customers_named,
    match_credit,
    numbers_in,
    rf_bodies,
)
from receivables.paycodes import rf_reference

D = Decimal


def inv(id, number, balance, customer=1, name="LENTY Sarah", due=date(2026, 1, 31)):
    return OpenInvoice(id, number, customer, name, D(balance), due)


INVOICES = [
    inv(1, "3", "720.00"),
    inv(2, "5", "5.10", customer=2, name="ANYWAY SARL"),
    inv(3, "F2026-0012", "300.00", customer=2, name="ANYWAY SARL", due=date(2026, 1, 10)),
    inv(4, "7", "300.00", customer=3, name="DUPONT Jean"),
]


def test_short_numbers_count_only_after_an_invoice_word():
    known = {"3", "5", "7"}
    assert numbers_in("Facture 3", known) == ["3"]
    assert numbers_in("fact. n° 3", known) == ["3"]
    assert numbers_in("Factures 3, 5 et 7", known) == ["3", "5", "7"]
    assert numbers_in("Livraison 3 sacs le 05/02", known) == []


def test_numbers_with_letters_count_anywhere():
    assert numbers_in("virement F2026-0012 merci", {"F20260012"}) == ["F20260012"]


def test_rf_references_are_found_with_or_without_spaces():
    assert rf_bodies("RF203") == ["3"]
    assert rf_bodies(f"paiement {rf_reference('F2026-0012')} merci") == ["F20260012"]
    assert rf_bodies("RF11 FA20 2600 1") == ["FA2026001"]
    assert rf_bodies("RF99 3") == []  # wrong check digits


def test_customers_are_found_by_the_words_of_their_name():
    customers = {1: "LENTY Sarah", 2: "ANYWAY SARL", 3: "SARL DUPONT"}
    assert customers_named("MME SARAH LENTY", customers) == [1]
    assert customers_named("ANYWAY", customers) == [2]
    assert customers_named("SARL MARTIN", customers) == []


def test_exact_reference_in_the_text_matches():
    found = match_credit(BankCredit(D("720.00"), remittance="Facture 3"), INVOICES)
    assert (found.status, found.rule) == (MATCHED, "reference")
    assert [(i.id, a) for i, a in found.allocations] == [(1, D("720.00"))]


def test_rf_reference_matches_whoever_pays():
    credit = BankCredit(D("300.00"), counterparty="SOMEONE ELSE", reference=rf_reference("7"))
    found = match_credit(credit, INVOICES)
    assert (found.status, found.rule, found.customer_id) == (MATCHED, "rf", 3)


def test_customer_and_exact_amount_match_without_reference():
    found = match_credit(BankCredit(D("5.10"), counterparty="ANYWAY"), INVOICES)
    assert (found.status, found.rule) == (MATCHED, "customer_amount")
    assert found.invoices[0].number == "5"


def test_customer_paying_all_balances_matches_all():
    found = match_credit(BankCredit(D("305.10"), counterparty="ANYWAY SARL"), INVOICES)
    assert (found.status, found.rule) == (MATCHED, "customer_total")
    assert {i.number for i, _a in found.allocations} == {"5", "F2026-0012"}


def test_amount_only_is_proposed_not_matched():
    found = match_credit(BankCredit(D("720.00"), counterparty="M. INCONNU"), INVOICES)
    assert (found.status, found.rule) == (PROPOSED, "amount")
    assert [i.id for i in found.invoices] == [1]


def test_two_candidates_are_proposed():
    found = match_credit(BankCredit(D("300.00"), counterparty="M. INCONNU"), INVOICES)
    assert found.status == PROPOSED
    assert {i.id for i in found.invoices} == {3, 4}


def test_overpayment_allocates_the_balance_and_keeps_the_rest():
    found = match_credit(BankCredit(D("800.00"), remittance="Facture 3"), INVOICES)
    assert found.status == MATCHED
    assert found.allocations[0][1] == D("720.00") and found.unallocated == D("80.00")


def test_partial_payment_settles_part_of_the_balance():
    found = match_credit(BankCredit(D("200.00"), remittance="Facture 3"), INVOICES)
    assert found.allocations[0][1] == D("200.00") and found.unallocated == 0


def test_one_transfer_for_several_invoices_settles_the_oldest_first():
    found = match_credit(BankCredit(D("100.00"), remittance="Factures 5 et F2026-0012"), INVOICES)
    assert [(i.number, a) for i, a in found.allocations] == [("F2026-0012", D("100.00"))]


def test_references_of_two_customers_are_proposed():
    found = match_credit(BankCredit(D("1020.00"), remittance="Factures 3 et 7"), INVOICES)
    assert found.status == PROPOSED and {i.id for i in found.invoices} == {1, 4}


def test_nothing_fits_is_left_over():
    found = match_credit(BankCredit(D("12.34"), counterparty="ANYWAY"), INVOICES)
    assert found.status == UNMATCHED and found.customer_id == 2


def test_another_currency_never_matches():
    found = match_credit(BankCredit(D("720.00"), "CHF", remittance="Facture 3"), INVOICES)
    assert found.status == UNMATCHED


def test_a_customer_who_replied_having_paid_this_amount_is_proposed_not_matched():
    # ANYWAY SARL wrote « déjà payé, 300 € »; a 300 € transfer from an unknown payer
    credit = BankCredit(D("300.00"), counterparty="VIR SEPA 0042", said_paid=(2,))
    found = match_credit(credit, INVOICES)
    assert (found.status, found.rule) == (PROPOSED, "said_paid")
    assert {i.customer_id for i in found.invoices} == {2}  # not DUPONT's invoice of 300 €
