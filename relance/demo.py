"""Demo data: the seed screen's two invoices, shifted so they are 2 and 7 days late, plus
about 200 generated customers, invoices, credit notes, quotes and payments (fixed random
seed, dates relative to `today`) covering every case the screens must show, and the
reminders the company sent on the generated invoices in the past weeks."""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from dunning.models import Channel, PolicyKind
from dunning.policies import ensure_default_policies
from dunning.scan import scan
from receivables.models import Company, Customer, Invoice, Membership, PaymentMethod, Role
from receivables.upsert import upsert_customers, upsert_invoices, upsert_payments, upsert_quotes
from reminders.batches import record_past_send
from reminders.calls import log_call
from reminders.models import Reminder
from reminders.ready import make_ready

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-relance"  # noqa: S105 - printed to the user on purpose


@transaction.atomic
def load_demo(today: date, *, generated: bool = False) -> Company:
    """The demo company, login and seed invoices; with `generated`, ~200 more rows too
    (what `manage.py load_demo` shows; tests that count the seed invoices leave it off)."""
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

    make_ready(company)  # already done when the company was created; idempotent
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
    if generated:
        _load_generated(company, today)
        _load_history(company, today, user)
    return company


FIRST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
]
TRADES = [
    "Boulangerie",
    "Garage",
    "Épicerie",
    "Cave",
    "Fleuriste",
    "Restaurant",
    "Menuiserie",
    "Pharmacie",
]
CITIES = [
    ("35000", "Rennes"),
    ("44000", "Nantes"),
    ("56100", "Lorient"),
    ("29200", "Brest"),
    ("22000", "Saint-Brieuc"),
]
GOODS = [
    "Pommes de terre Bintje",
    "Carottes des sables",
    "Paniers hebdomadaires",
    "Plants de tomates",
    "Terreau 50 L",
    "Livraison mensuelle",
]
METHODS = [
    PaymentMethod.TRANSFER,
    PaymentMethod.CHEQUE,
    PaymentMethod.CARD,
    PaymentMethod.UNSPECIFIED,
]


def _load_generated(company: Company, today: date) -> None:
    """Every case once at least: paid, partly paid, direct debit, not yet due, disputed,
    credit note, expired quote, no e-mail, no postal address, consumer. Idempotent."""

    rng = random.Random(20240306)
    # every name once: a list with three « Boulangerie Thomas » reads like a bug
    trades = [f"{t} {f}" for t in TRADES for f in FIRST]
    people = [f"{f.upper()} {g}" for f in FIRST for g in ("Anne", "Luc", "Marie", "Paul")]
    rng.shuffle(trades)
    rng.shuffle(people)
    customers = []
    for n in range(1, 51):
        consumer = n % 5 == 0
        name = people.pop() if consumer else trades.pop()
        postal_code, city = rng.choice(CITIES)
        item = {
            "code": f"CLI{n:03d}",
            "name": name,
            "is_business": not consumer,
            "phone": f"02 99 {n:02d} {n:02d} {n:02d}",
        }
        if n % 7 != 3:
            item["emails"] = f"compta{n}@client{n}.example"
        if n % 9 != 4:
            item.update(address=f"{n} rue des Lilas", postal_code=postal_code, city=city)
        if n % 11 == 6:
            item["default_payment_method"] = PaymentMethod.DIRECT_DEBIT
        customers.append(item)
    upsert_customers(company, customers)

    invoices, payments = [], []
    for n in range(1, 101):
        case = n % 10
        issue = today - timedelta(days=rng.randint(35, 150))
        amount = Decimal(rng.randint(2000, 250000)) / 100
        item = {
            "number": f"FA-{n:04d}",
            "customer": customers[(n * 7) % len(customers)]["code"],
            "issue_date": issue,
            "due_date": issue + timedelta(days=30),
            "amount": amount,
            "description": rng.choice(GOODS),
            "payment_method": rng.choice(METHODS),
        }
        if case == 0:
            item["paid"] = amount  # paid in full
        elif case == 1:
            item["paid"] = (amount / 2).quantize(Decimal("0.01"))  # partly paid
        elif case == 2:
            item["payment_method"] = PaymentMethod.DIRECT_DEBIT
        elif case == 3:
            item["issue_date"] = today - timedelta(days=rng.randint(1, 20))
            item["due_date"] = item["issue_date"] + timedelta(days=30)  # not yet due
        elif case == 4:
            item["disputed"] = True
        elif case == 5:
            payments.append(
                {
                    "external_id": f"DEMO-VIR-{n:04d}",
                    "reference": f"VIR {item['number']}",
                    "customer": item["customer"],
                    "date": item["due_date"] + timedelta(days=3),
                    "amount": (amount * Decimal("0.3")).quantize(Decimal("0.01")),
                    "method": PaymentMethod.TRANSFER,
                    "allocations": [{"invoice": item["number"]}],
                }
            )
        invoices.append(item)
    for n in range(1, 9):
        issue = today - timedelta(days=rng.randint(5, 60))
        invoices.append(
            {
                "number": f"AV-{n:04d}",
                "kind": "credit_note",
                "customer": customers[(n * 3) % len(customers)]["code"],
                "issue_date": issue,
                "amount": Decimal(rng.randint(1000, 20000)) / 100,
                "description": "Avoir — marchandise abîmée",
            }
        )
    upsert_invoices(company, invoices, today=today)
    upsert_payments(company, payments)

    quotes = []
    for n in range(1, 31):
        issue = today - timedelta(days=rng.randint(5, 90))
        validity = issue + timedelta(days=30)
        state = "open"
        if n % 5 == 0:
            state = "expired"
        elif n % 5 == 1:
            state = "accepted"
        elif n % 7 == 2:
            state = "refused"
        quotes.append(
            {
                "number": f"DE-{n:04d}",
                "customer": customers[(n * 11) % len(customers)]["code"],
                "issue_date": issue,
                "due_date": validity,
                "amount": Decimal(rng.randint(5000, 500000)) / 100,
                "description": f"Devis {rng.choice(GOODS).lower()}",
                "state": state,
            }
        )
    upsert_quotes(company, quotes, today=today)


HISTORY_WEEKS = 18  # the most overdue generated invoice fell due about 17 weeks ago
CALLS = [  # how the past calls went: each counts as the phone level's reminder
    ("voicemail", "Message laissé sur le répondeur."),
    ("will_pay", "La comptable va mettre le règlement au prochain virement."),
    ("voicemail", "Répondeur, rappeler en fin de matinée."),
]


def _load_history(company: Company, today: date, user) -> None:
    """The weekly routine the demo company has kept on its generated invoices: every
    week, that day's scan, then everything it listed sent, one channel at a time as
    from the worklist — the level's e-mail or letter (a letter when the customer has no
    e-mail address), a call for the phone level; what cannot go (no postal address)
    waits on the worklist. Each invoice has so reached its own step: after today's scan
    the worklist shows every level, and a customer's file its past reminders. The seed
    invoices keep no history (the guided tour sends their first reminder). Written
    once: a company that has reminders keeps them."""

    if Reminder.objects.for_company(company).exists():
        return
    policy = ensure_default_policies(company)[PolicyKind.INVOICE]
    channel_of = dict(policy.levels.values_list("rank", "channel"))
    rng = random.Random(20240307)
    for week in range(HISTORY_WEEKS, 0, -1):
        day = today - timedelta(weeks=week)
        at = datetime.combine(day, time(9, rng.randint(0, 45)), tzinfo=company.zone)
        scan(company, as_of=day, report=False)
        due = list(
            Invoice.objects.for_company(company)
            .filter(to_remind=True, number__startswith="FA-")
            .select_related("customer")
        )
        calls, sends = defaultdict(list), defaultdict(list)
        for doc in due:  # as from the worklist: one button per channel
            channel = channel_of[doc.pending_level]
            if channel == Channel.PHONE:
                calls[doc.customer].append(doc)
            elif channel != Channel.LETTER and not doc.customer.email_list:
                sends[Channel.LETTER].append(doc)
            else:
                sends[channel].append(doc)
        for channel, docs in sends.items():
            record_past_send(company, docs, at, channel=channel, user=user)
        for customer, docs in calls.items():
            outcome, note = rng.choice(CALLS)
            log_call(company, customer, docs, outcome, user=user, note=note, when=at)
        _pay_some(company, due, day, today, rng)


PAID_AFTER = {1: 0.3, 2: 0.25, 3: 0.2, 4: 0.1, 5: 0.2}  # share paid after each level


def _pay_some(company: Company, reminded: list[Invoice], day: date, today: date, rng) -> None:
    """Reminders work, some of the time: a share of the invoices reminded on `day` is
    paid in full a few days later (before the next week's scan), so the dashboard's
    effectiveness, DSO and aging read as a real company's would."""
    payments = []
    for doc in sorted(reminded, key=lambda d: d.number):  # same draws on every database
        paid_on = day + timedelta(days=rng.randint(1, 6))
        if rng.random() >= PAID_AFTER.get(doc.pending_level, 0) or paid_on >= today:
            continue
        doc.refresh_from_db(fields=["amount", "paid_amount", "state"])
        if doc.state != "open" or doc.paid_amount:  # untouched ones: the partly paid stay
            continue
        payments.append(
            {
                "external_id": f"DEMO-REL-{doc.number}",
                "reference": f"VIR SOLDE {doc.number}",
                "customer": doc.customer.code,
                "date": paid_on,
                "amount": doc.amount,
                "method": PaymentMethod.TRANSFER,
                "allocations": [{"invoice": doc.number}],
            }
        )
    if payments:
        upsert_payments(company, payments)
