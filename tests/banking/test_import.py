"""Import + match against a real database: what a collector sees after an upload."""

from decimal import Decimal

import pytest

from banking import services
from banking.models import LineStatus, Proposal, Statement, StatementLine
from receivables.models import Customer, Payment
from receivables.paycodes import rf_reference

from .writers import WRITERS, camt053, mv

D = Decimal


@pytest.fixture
def lenty(company):
    return Customer.objects.create(company=company, code="LENTY", name="LENTY Sarah")


def counts():
    return (Statement.objects.count(), StatementLine.objects.count(), Payment.objects.count())


@pytest.mark.parametrize("fmt", WRITERS)
def test_a_statement_in_any_format_pays_the_invoice(fmt, company, make_invoice, lenty):
    invoice = make_invoice(number="3", customer=lenty, amount=D("720.00"), to_remind=True)
    data = WRITERS[fmt]([mv("720.00", "MME SARAH LENTY", "Facture 3"), mv("-12.00", "BANQUE")])
    result = services.import_statement(company, data, f"releve.{fmt}")
    invoice.refresh_from_db()
    assert invoice.state == "paid" and invoice.balance == 0 and not invoice.to_remind
    assert result.created == 2
    assert result.counts == {LineStatus.MATCHED: 1, LineStatus.DEBIT: 1}
    line = StatementLine.objects.get(status=LineStatus.MATCHED)
    assert line.payment.customer == lenty and line.payment.amount == D("720.00")


def test_importing_the_same_statement_twice_creates_nothing_twice(company, make_invoice, lenty):
    make_invoice(number="3", customer=lenty, amount=D("720.00"))
    data = camt053([mv("720.00", "LENTY", "Facture 3", ref="B1"), mv("99.00", "X", ref="B2")])
    services.import_statement(company, data, "a.xml")
    before = counts()
    again = services.import_statement(company, data, "a.xml")
    assert counts() == before
    assert again.statement is None and (again.created, again.already_known) == (0, 2)


def test_an_overlapping_statement_adds_only_the_new_lines(company):
    services.import_statement(company, camt053([mv("10.00", "A", ref="B1")]))
    result = services.import_statement(
        company, camt053([mv("10.00", "A", ref="B1"), mv("20.00", "B", ref="B2")])
    )
    assert (result.created, result.already_known) == (1, 1)
    assert StatementLine.objects.count() == 2


def test_rf_reference_printed_on_the_reminder_is_matched(company, make_invoice, customer):
    invoice = make_invoice(number="F00042", amount=D("250.00"))
    data = camt053([mv("250.00", "PAYEUR TIERS", rf=rf_reference(invoice.number))])
    services.import_statement(company, data)
    line = StatementLine.objects.get()
    assert (line.status, line.rule, line.customer) == (LineStatus.MATCHED, "rf", customer)


def test_amount_only_waits_for_a_person_then_confirm_pays(company, make_invoice):
    invoice = make_invoice(amount=D("100.00"))
    services.import_statement(company, camt053([mv("100.00", "M. INCONNU", "virement")]))
    line = StatementLine.objects.get()
    assert line.status == LineStatus.PROPOSED and Payment.objects.count() == 0
    services.confirm(company, line.pk, invoice.pk)
    invoice.refresh_from_db()
    line.refresh_from_db()
    assert invoice.state == "paid" and line.status == LineStatus.MATCHED
    assert not Proposal.objects.exists()


def test_two_candidates_are_proposed_and_one_is_confirmed(company, make_invoice):
    first, second = make_invoice(amount=D("300.00")), make_invoice(amount=D("300.00"))
    services.import_statement(company, camt053([mv("300.00", "ANYWAY SARL")]))
    line = StatementLine.objects.get()
    assert line.status == LineStatus.PROPOSED
    assert set(line.proposals.values_list("invoice_id", flat=True)) == {first.pk, second.pk}
    services.confirm(company, line.pk, second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("open", "paid")


def test_rejecting_proposals_leaves_the_line_over(company, make_invoice):
    make_invoice(amount=D("300.00"))
    services.import_statement(company, camt053([mv("300.00", "M. INCONNU")]))
    line = services.reject(company, StatementLine.objects.get().pk)
    assert line.status == LineStatus.UNMATCHED and Payment.objects.count() == 0


def test_overpayment_leaves_the_rest_unallocated(company, make_invoice):
    invoice = make_invoice(number="F00007", amount=D("100.00"))
    services.import_statement(company, camt053([mv("150.00", "ANYWAY", "Facture F00007")]))
    invoice.refresh_from_db()
    payment = Payment.objects.get()
    assert invoice.state == "paid"
    assert (payment.allocated_amount, payment.unallocated) == (D("100.00"), D("50.00"))


def test_partial_payment_keeps_the_invoice_open_for_its_balance(company, make_invoice):
    invoice = make_invoice(number="F00007", amount=D("100.00"))
    services.import_statement(company, camt053([mv("60.00", "ANYWAY", "Facture F00007")]))
    invoice.refresh_from_db()
    assert invoice.state == "open" and invoice.balance == D("40.00")


def test_two_lines_for_one_invoice_do_not_overpay_it(company, make_invoice):
    invoice = make_invoice(number="F00007", amount=D("100.00"))
    data = camt053([mv("60.00", "A", "Facture F00007"), mv("60.00", "B", "Facture F00007")])
    services.import_statement(company, data)
    invoice.refresh_from_db()
    assert invoice.state == "paid"
    assert sorted(p.unallocated for p in Payment.objects.all()) == [D("0"), D("20.00")]


def test_another_company_invoices_are_never_matched(company, other_company):
    other_customer = Customer.objects.create(company=other_company, code="Z", name="ZED")
    from receivables.models import Invoice

    Invoice.objects.create(
        company=other_company,
        customer=other_customer,
        number="F00099",
        issue_date="2026-01-01",
        due_date="2026-01-31",
        amount=D("80.00"),
    )
    services.import_statement(company, camt053([mv("80.00", "ZED", "Facture F00099")]))
    assert StatementLine.objects.get().status == LineStatus.UNMATCHED


def test_a_broken_file_changes_nothing(company):
    with pytest.raises(services.StatementError):
        services.import_statement(company, b"<Document><BkToCstmrStmt>", "x.xml")
    assert counts() == (0, 0, 0)
