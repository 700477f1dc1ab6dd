"""Demo data: the seed screen's two invoices, shifted so they are 2 and 7 days late."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Company, Customer, Invoice, Membership, PaymentMethod, Role

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-relance"  # noqa: S105 - printed to the user on purpose


@transaction.atomic
def load_demo(today: date) -> Company:
    company, _ = Company.objects.get_or_create(
        name="Les Jardins de Relance",
        defaults=dict(
            legal_name="Les Jardins de Relance SARL",
            address="12 rue des Maraîchers\n35000 Rennes",
            siren="732829320",
            vat_number="FR44732829320",
            iban="FR7630006000011234567890189",
            bic="AGRIFRPP",
            email="compta@jardins-relance.example",
            phone="02 99 00 00 00",
            legal_mentions=(
                "En cas de retard de paiement, pénalités au taux de la BCE majoré de 10 points "
                "et indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 C. com.)."
            ),
        ),
    )
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    Membership.objects.update_or_create(
        user=user, defaults={"company": company, "role": Role.ADMIN}
    )

    from dunning.policies import ensure_default_policies

    ensure_default_policies(company)
    from reminders.defaults import ensure_default_templates

    ensure_default_templates(company)
    anyway, _ = Customer.objects.update_or_create(
        company=company,
        code="ANYWAY",
        defaults=dict(
            name="ANYWAY SARL",
            contact_name="DRATEY Daisy",
            emails="daisy.dratey@anyway.example",
            address="3 rue de Paris",
            postal_code="35000",
            city="Rennes",
        ),
    )
    lenty, _ = Customer.objects.update_or_create(
        company=company,
        code="LENTY",
        defaults=dict(
            name="LENTY Sarah",
            emails="sarah.lenty@example.org",
            is_business=False,
            address="8 allée des Tilleuls",
            postal_code="35700",
            city="Rennes",
            default_payment_method=PaymentMethod.CARD,
        ),
    )
    seeds = [
        ("5", anyway, 2, "Pommes de terre Bintje", "5.10", PaymentMethod.UNSPECIFIED),
        ("3", lenty, 7, "Livraisons Janvier-Février", "720.00", PaymentMethod.CARD),
    ]
    for number, customer, late, description, amount, method in seeds:
        due = today - timedelta(days=late)
        Invoice.objects.update_or_create(
            company=company,
            kind="invoice",
            number=number,
            defaults=dict(
                customer=customer,
                issue_date=due - timedelta(days=7),
                due_date=due,
                description=description,
                amount=Decimal(amount),
                payment_method=method,
            ),
        )
    return company
