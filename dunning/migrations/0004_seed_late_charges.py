"""Seed the reference rates (2023–2026) and the late-charge rules of FR, DE, GB and EU.

Rates are the dated changes of each series; the rate of a half-year is the last row on
or before 1 January / 1 July. Checked against the ECB, Bundesbank, Bank of England press
releases and the French arrêtés (taux de l'intérêt légal). Add later rows in the admin.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

ECB = "ECB website, press releases on monetary policy decisions"
RATES = {
    # ECB main refinancing operations, effective dates of changes.
    "ECB_MRO": [
        ("2022-12-21", "2.50"),
        ("2023-02-08", "3.00"),
        ("2023-03-22", "3.50"),
        ("2023-05-10", "3.75"),
        ("2023-06-21", "4.00"),
        ("2023-08-02", "4.25"),
        ("2023-09-20", "4.50"),
        ("2024-06-12", "4.25"),
        ("2024-09-18", "3.65"),
        ("2024-10-23", "3.40"),
        ("2024-12-18", "3.15"),
        ("2025-02-05", "2.90"),
        ("2025-03-12", "2.65"),
        ("2025-04-23", "2.40"),
        ("2025-06-11", "2.15"),
    ],
    # Basiszinssatz § 247 BGB (Bundesbank), set on 1 January and 1 July.
    "DE_BASIS": [
        ("2023-01-01", "1.62"),
        ("2023-07-01", "3.12"),
        ("2024-01-01", "3.62"),
        ("2024-07-01", "3.37"),
        ("2025-01-01", "2.27"),
        ("2025-07-01", "1.27"),
        ("2026-01-01", "1.27"),
    ],
    # Bank of England Bank Rate, dates of changes.
    "BOE_BASE": [
        ("2022-12-15", "3.50"),
        ("2023-02-02", "4.00"),
        ("2023-03-23", "4.25"),
        ("2023-05-11", "4.50"),
        ("2023-06-22", "5.00"),
        ("2023-08-03", "5.25"),
        ("2024-08-01", "5.00"),
        ("2024-11-07", "4.75"),
        ("2025-02-06", "4.50"),
        ("2025-05-08", "4.25"),
        ("2025-08-07", "4.00"),
        ("2025-12-18", "3.75"),
    ],
    # Taux de l'intérêt légal, « tous les autres cas » (the creditor is a business).
    "FR_LEGAL": [
        ("2023-01-01", "2.06"),
        ("2023-07-01", "4.22"),
        ("2024-01-01", "5.07"),
        ("2024-07-01", "4.92"),
        ("2025-01-01", "3.71"),
        ("2025-07-01", "2.76"),
        ("2026-01-01", "2.62"),
    ],
}
SOURCES = {
    "ECB_MRO": ECB,
    "DE_BASIS": "Deutsche Bundesbank, Basiszinssatz",
    "BOE_BASE": "Bank of England, Official Bank Rate history",
    "FR_LEGAL": "Arrêtés fixant le taux de l'intérêt légal (JORF)",
}
FORTY = [["0", "40.00"]]
RULES = [
    ("FR", True, "France B2B – BCE + 10 points, indemnité de 40 €", "ECB_MRO", "10", "due_date", "EUR", FORTY, "Art. L441-10 et D441-5 C. com."),
    ("FR", False, "France consommateur – taux légal après mise en demeure", "FR_LEGAL", "0", "formal_notice", "EUR", [], "Art. 1231-6 C. civ."),
    ("DE", True, "Deutschland B2B – Basiszinssatz + 9 Punkte, 40 € Pauschale", "DE_BASIS", "9", "due_date", "EUR", FORTY, "§ 288 Abs. 2 und 5 BGB"),
    ("DE", False, "Deutschland Verbraucher – Basiszinssatz + 5 Punkte", "DE_BASIS", "5", "due_date", "EUR", [], "§ 288 Abs. 1 BGB"),
    ("GB", True, "UK B2B – Bank Rate + 8 points, £40/£70/£100", "BOE_BASE", "8", "due_date", "GBP", [["0", "40.00"], ["1000", "70.00"], ["10000", "100.00"]], "Late Payment of Commercial Debts (Interest) Act 1998"),
    ("EU", True, "EU B2B – ECB + 8 points, 40 € minimum", "ECB_MRO", "8", "due_date", "EUR", FORTY, "Directive 2011/7/EU"),
]


def seed(apps, schema_editor):
    ReferenceRate = apps.get_model("dunning", "ReferenceRate")
    LateChargeRule = apps.get_model("dunning", "LateChargeRule")
    for series, rows in RATES.items():
        for day, rate in rows:
            ReferenceRate.objects.get_or_create(
                series=series,
                date=date.fromisoformat(day),
                defaults={"rate": Decimal(rate), "source": SOURCES[series]},
            )
    for jur, b2b, name, series, margin, start, currency, bands, ref in RULES:
        LateChargeRule.objects.get_or_create(
            jurisdiction=jur,
            business=b2b,
            defaults=dict(
                name=name,
                rate_series=series,
                margin_points=Decimal(margin),
                interest_from=start,
                currency=currency,
                indemnity_bands=bands,
                reference=ref,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("dunning", "0003_latechargerule_referencerate")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
