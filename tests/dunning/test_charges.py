"""Late-payment charges to the cent, against examples worked out by hand below.

Interest = balance × (base rate of the half-year + margin) / 100 × days / 365, rounded
half up per half-year. Base rates (seeded): ECB MRO on 1 Jul 2023 4.00 %, 1 Jan 2024
4.50 %, 1 Jan 2025 3.15 %, 1 Jul 2025 2.15 %, 1 Jan 2026 2.15 %; French legal rate
(creditor professional) H1 2025 3.71 %, H2 2025 2.76 %; Bundesbank Basiszinssatz
1 Jan 2026 1.27 %; Bank of England Bank Rate on 1 Jul 2025 4.25 %.
"""

from datetime import date
from decimal import Decimal as D

from dunning.charges import ChargeRule, compute_charges
from dunning.services import charges_for
from receivables.models import Customer, Invoice

FR_B2B = ChargeRule(margin_points=D("10"), indemnity_bands=((D("0"), D("40")),))
ECB = [(date(2023, 6, 21), D("4.00")), (date(2023, 9, 20), D("4.50"))]


def test_french_b2b_interest_is_split_by_half_year(company, customer):
    # 1000 € due 31 May 2025, on 15 Aug 2025:
    #   1–30 June, 30 days at 3.15 + 10 = 13.15 %: 1000 × 0.1315 × 30 / 365 = 10.808… → 10.81
    #   1 July–15 Aug, 46 days at 2.15 + 10 = 12.15 %: 1000 × 0.1215 × 46 / 365 = 15.312… → 15.31
    #   + 40 € indemnity = 66.12
    inv = Invoice.objects.create(
        company=company, customer=customer, number="F1", issue_date=date(2025, 5, 1),
        due_date=date(2025, 5, 31), amount=D("1000.00"),
    )  # fmt: skip
    charges = charges_for(inv, date(2025, 8, 15))
    assert [(p.days, p.rate, p.interest) for p in charges.periods] == [
        (30, D("13.15"), D("10.81")),
        (46, D("12.15"), D("15.31")),
    ]
    assert (charges.interest, charges.indemnity, charges.total_due) == (
        D("26.12"),
        D("40.00"),
        D("66.12"),
    )


def test_the_rate_of_1_july_2023_is_the_one_in_force_that_day_not_the_later_hike():
    # 2500 € due 15 Dec 2023, on 10 Jan 2024:
    #   16–31 Dec, 16 days at 4.00 + 10 = 14 %: 2500 × 0.14 × 16 / 365 = 15.342… → 15.34
    #   1–10 Jan, 10 days at 4.50 + 10 = 14.5 %: 2500 × 0.145 × 10 / 365 = 9.931… → 9.93
    charges = compute_charges(D("2500"), date(2023, 12, 15), date(2024, 1, 10), FR_B2B, ECB)
    assert [p.interest for p in charges.periods] == [D("15.34"), D("9.93")]
    assert charges.total_due == D("65.27")


def test_interest_is_rounded_half_up_to_the_cent():
    # 365 € for one day at 12.5 %: 365 × 0.125 / 365 = 0.125 → 0.13 (not 0.12)
    rule = ChargeRule(margin_points=D("12.5"))
    charges = compute_charges(D("365"), date(2026, 1, 1), date(2026, 1, 2), rule, [(date.min, 0)])
    assert charges.interest == D("0.13")


def test_nothing_is_owed_on_the_due_date_or_when_paid():
    assert compute_charges(D("100"), date(2026, 1, 1), date(2026, 1, 1), FR_B2B, ECB).total_due == 0
    assert compute_charges(D("0"), date(2024, 1, 1), date(2024, 5, 1), FR_B2B, ECB).total_due == 0


def test_a_half_year_without_rate_is_reported_not_invented():
    charges = compute_charges(D("100"), date(2022, 12, 1), date(2023, 1, 5), FR_B2B, ECB)
    assert charges.missing_rate == date(2022, 7, 1)
    assert charges.interest == 0 and charges.indemnity == D("40.00")


def test_a_consumer_owes_legal_interest_from_the_formal_notice_and_no_indemnity(company, policies):
    # 720 € due 1 March 2025, formal notice (level 5, a letter) sent 20 June 2025, on 10 July:
    #   21–30 June, 10 days at 3.71 %: 720 × 0.0371 × 10 / 365 = 0.731… → 0.73
    #   1–10 July, 10 days at 2.76 %: 720 × 0.0276 × 10 / 365 = 0.544… → 0.54
    lenty = Customer.objects.create(company=company, code="L", name="LENTY", is_business=False)
    inv = Invoice.objects.create(
        company=company, customer=lenty, number="F3", issue_date=date(2025, 2, 1),
        due_date=date(2025, 3, 1), amount=D("720.00"), dunning_level=5,
        last_reminder_date=date(2025, 6, 20),
    )  # fmt: skip
    charges = charges_for(inv, date(2025, 7, 10))
    assert (charges.interest, charges.indemnity) == (D("1.27"), D("0.00"))
    inv.dunning_level, inv.last_reminder_date = 3, date(2025, 5, 1)  # no notice yet
    assert charges_for(inv, date(2025, 7, 10)).total_due == 0


def test_germany_and_the_uk_come_from_data_rows(company, customer):
    # DE: 1000 € due 31 Jan 2026, on 2 March: 30 days at 1.27 + 9 = 10.27 %:
    #   1000 × 0.1027 × 30 / 365 = 8.441… → 8.44, + 40 €
    company.country = "DE"
    company.save()
    inv = Invoice.objects.create(
        company=company, customer=customer, number="F4", issue_date=date(2026, 1, 1),
        due_date=date(2026, 1, 31), amount=D("1000.00"),
    )  # fmt: skip
    inv = Invoice.objects.select_related("company", "customer").get(pk=inv.pk)
    assert (charges_for(inv, date(2026, 3, 2)).interest, charges_for(inv, date(2026, 3, 2)).indemnity) == (D("8.44"), D("40.00"))  # fmt: skip

    # UK: £5,000 due 15 July 2025, on 25 July: 10 days at 4.25 + 8 = 12.25 %:
    #   5000 × 0.1225 × 10 / 365 = 16.780… → 16.78, and £70 (debt of £1,000 to £9,999.99)
    company.country, company.currency = "GB", "GBP"
    company.save()
    inv.amount, inv.due_date, inv.currency = D("5000.00"), date(2025, 7, 15), "GBP"
    inv.save()
    inv = Invoice.objects.select_related("company", "customer").get(pk=inv.pk)
    charges = charges_for(inv, date(2025, 7, 25))
    assert (charges.interest, charges.indemnity, charges.currency) == (
        D("16.78"),
        D("70.00"),
        "GBP",
    )
