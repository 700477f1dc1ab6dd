"""Switzerland: 5 % a year default interest (art. 104 al. 1 CO), no fixed recovery sum,
for businesses and consumers alike. Counted from the day after the due date: an agreed
payment date puts the debtor in default when it passes (art. 102 al. 2 CO); a company
whose terms do not fix one can make it count from the formal notice in the admin."""

from decimal import Decimal

from django.db import migrations

NAMES = {
    True: "Suisse B2B – intérêt moratoire de 5 %",
    False: "Suisse consommateur – intérêt moratoire de 5 %",
}


def seed(apps, schema_editor):
    LateChargeRule = apps.get_model("dunning", "LateChargeRule")
    for business, name in NAMES.items():
        LateChargeRule.objects.get_or_create(
            jurisdiction="CH",
            business=business,
            defaults=dict(
                name=name,
                rate_series="",
                margin_points=Decimal("5"),
                interest_from="due_date",
                currency="CHF",
                indemnity_bands=[],
                reference="Art. 102 et 104 CO",
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("dunning", "0004_seed_late_charges")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
