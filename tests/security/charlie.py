"""One row of EVERY company-scoped model for Charlie's company, marked so leaks show.

Hand-made rows for the core models (readable names, coherent links); any model added
later gets a row from model_bakery, its foreign keys pointed at Charlie's own rows, so
a new model is covered by the isolation walk without anyone remembering to add it.
"""

from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db import models
from model_bakery import baker

from receivables.models import Allocation, Company, Customer, Invoice, Payment, Quote

# Strings that must never appear in a page or API answer given to another company.
MARKERS = ("CHARLIE-SECRET", "secret@charlie.example", "CHX-")


def company_models() -> list[type[models.Model]]:
    """Every concrete model with a `company` foreign key to Company."""
    found = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "company"), None)
        if field is not None and field.is_relation and field.related_model is Company:
            found.append(model)
    return found


def build(company: Company) -> dict[type[models.Model], models.Model]:
    """Charlie's data set: {model: one row of it}, for every company-scoped model."""
    customer = Customer.objects.create(
        company=company,
        code="CHX-C1",
        name="CHARLIE-SECRET Client",
        emails="secret@charlie.example",
        address="1 rue Secrète",
        postal_code="75001",
        city="Paris",
    )
    invoice = Invoice.objects.create(
        company=company,
        customer=customer,
        number="CHX-F0001",
        issue_date=date(2026, 1, 1),
        due_date=date(2026, 1, 31),
        amount=Decimal("777.00"),
        description="CHARLIE-SECRET livraison",
    )
    quote = Quote.objects.create(
        company=company,
        customer=customer,
        number="CHX-D0001",
        issue_date=date(2026, 1, 1),
        due_date=date(2026, 2, 28),
        amount=Decimal("555.00"),
    )
    payment = Payment.objects.create(
        company=company,
        customer=customer,
        date=date(2026, 2, 1),
        amount=Decimal("100.00"),
        reference="CHX-PAY",
    )
    allocation = Allocation.objects.create(
        company=company,
        invoice=invoice,
        payment=payment,
        amount=Decimal("100.00"),
        date=date(2026, 2, 1),
    )
    rows: dict = {
        Customer: customer,
        Invoice: invoice,
        Quote: quote,
        Payment: payment,
        Allocation: allocation,
    }
    made = {type(r): r for r in rows.values()}
    from receivables.models import Document

    made[Document] = Document.objects.get(pk=invoice.pk)
    pending = [m for m in company_models() if m not in made]
    # Models whose foreign keys point to models not made yet wait for a later round.
    for _round in range(len(pending) + 1):
        for model in list(pending):
            row = _bake(model, company, made)
            if row is not None:
                made[model] = row
                pending.remove(model)
        if not pending:
            break
    if pending:
        raise AssertionError(f"cannot build a Charlie row for {pending}: add it to charlie.py")
    return made


def _bake(model, company, made):
    if model._meta.proxy and model._meta.concrete_model in made:
        return model.objects.get(pk=made[model._meta.concrete_model].pk)
    values = {"company": company}
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.name == "company" or field.null:
            continue
        target = field.related_model
        if target in made:
            values[field.name] = made[target]
        elif _scoped(target):
            return None  # wait for Charlie's row of the target
    try:
        return baker.make(model, **values)
    except Exception as exc:  # a model baker cannot fill: say which
        raise AssertionError(f"baker could not make {model.__name__}: {exc}") from exc


def _scoped(model) -> bool:
    return any(f.name == "company" for f in model._meta.concrete_fields)


def snapshot(company: Company) -> dict[str, list]:
    """Every row of every company-scoped model of `company`, to prove nothing changed."""
    return {
        m._meta.label: sorted(
            map(repr, m._base_manager.filter(company=company).order_by("pk").values())
        )
        for m in company_models()
    }
