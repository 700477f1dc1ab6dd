"""« Demander un échéancier »: a customer asks to pay their open invoices in instalments,
within the company's limits; a collector accepts or refuses it on the customer file.

The instalments split the balance evenly (the cents on the last one), every
`plan_max_days / n` days from today. An accepted plan is handed to the engine as each
invoice's share of each instalment (`dunning.models.PlanPart`, oldest invoice first):
the engine then chases the first instalment not yet paid, on its date and for its amount,
instead of the invoice's due date and whole balance (dunning.rules.under_plan); the
escalation goes on from the level the invoice had reached. An instalment still unpaid
`plan_break_days` after its date breaks the plan: the engine chases the whole balance
again at once, and the daily run (`break_missed`) marks the plan broken and writes it on
the customer's timeline.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dunning.models import PlanPart
from dunning.rules import current_part
from dunning.scan import scan
from inbox.handling import handle
from inbox.models import Outcome
from receivables.models import Document

from . import actions
from .models import Instalment, PaymentPlan, PlanState, PortalLink
from .statement import open_invoices
from .tokens import settings_for


def count_hint(link: PortalLink) -> str:
    most = settings_for(link.company).plan_max_instalments
    return _("Choisissez entre 2 et %(n)s échéances.") % {"n": most}


def schedule(total: Decimal, count: int, first, step_days: int) -> list[tuple]:
    """(due date, amount) of `count` instalments of `total`, the rounding on the last."""
    part = (total / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    rows = [(first + timedelta(days=step_days * i), part) for i in range(count)]
    rows[-1] = (rows[-1][0], total - part * (count - 1))
    return rows


def request_plan(link: PortalLink, count: int, words: str, address: str) -> PaymentPlan:
    limits = settings_for(link.company)
    if limits.plan_max_instalments < 2 or not 2 <= count <= limits.plan_max_instalments:
        raise ValidationError({"instalments": count_hint(link)})
    docs = list(open_invoices(link.company, link.customer))
    currency = docs[0].currency if docs else ""
    docs = [d for d in docs if d.currency == currency]
    if not docs:
        raise ValidationError(_("Aucune facture ouverte à ce titre."))
    if PaymentPlan.objects.filter(customer=link.customer, state=PlanState.REQUESTED).exists():
        raise ValidationError(_("Une demande d'échéancier attend déjà une réponse."))
    if PaymentPlan.objects.filter(customer=link.customer, state=PlanState.ACCEPTED).exists():
        raise ValidationError(_("Un échéancier est déjà en cours."))
    total = sum((d.balance for d in docs), Decimal("0"))
    step = max(limits.plan_max_days // count, 1)
    today = link.company.today()
    with transaction.atomic():
        plan = PaymentPlan.objects.create(
            company=link.company, customer=link.customer, total=total, currency=currency,
            requested_from=address[:64], message=words.strip()[:5000],
        )  # fmt: skip
        plan.documents.set(docs)
        Instalment.objects.bulk_create(
            Instalment(plan=plan, due_date=day, amount=amount)
            for day, amount in schedule(total, count, today + timedelta(days=step), step)
        )
        plan.request = actions.record(
            link, address, gettext_noop("Demande d'échéancier"),
            (gettext_noop("Le client demande à payer %(a)s en %(n)s échéances."),
             {"a": f"{total} {currency}", "n": count}),
            docs,
        )  # fmt: skip
        plan.save(update_fields=["request"])
        actions.wait_for_a_person(link.customer)
    scan(link.company)
    return plan


def decide(plan: PaymentPlan, accept: bool, user) -> bool:
    """A collector's answer; False when the plan was already decided (a second click)."""
    with transaction.atomic():
        done = PaymentPlan.objects.filter(pk=plan.pk, state=PlanState.REQUESTED).update(
            state=PlanState.ACCEPTED if accept else PlanState.REFUSED,
            decided_at=timezone.now(),
            decided_by=user,
        )
        if not done:
            return False
        if accept:
            hand_to_engine(plan)
    if plan.request is not None:  # the decision answers the request: the pause may end
        handle(plan.request, Outcome.DONE, user=user)  # (and scans)
    else:
        scan(plan.company)
    return True


def shares(balances: list[Decimal], instalments: list[tuple]) -> list[list[tuple]]:
    """Each document's (due date, amount, left after) in each instalment: the instalments
    pay the documents in order, the first one first. Pure."""
    out: list[list[tuple]] = []
    start = Decimal("0")  # where this document begins in the running total
    for balance in balances:
        rows, paid_before = [], Decimal("0")
        for due, amount in instalments:
            covered = min(max(paid_before + amount - start, Decimal("0")), balance)
            before = min(max(paid_before - start, Decimal("0")), balance)
            if covered > before:
                rows.append((due, covered - before, balance - covered))
            paid_before += amount
        out.append(rows)
        start += balance
    return out


def hand_to_engine(plan: PaymentPlan) -> None:
    """Write each document's share of each instalment for the engine (see the docstring)."""
    grace = settings_for(plan.company).plan_break_days
    docs = [d for d in plan.documents.order_by("due_date", "number") if d.balance > 0]
    instalments = [(i.due_date, i.amount) for i in plan.instalments.all()]
    PlanPart.objects.filter(document__in=docs).delete()  # an older plan's, if any
    PlanPart.objects.bulk_create(
        PlanPart(
            document=doc,
            plan_ref=plan.pk,
            due_date=due,
            amount=amount,
            left_after=left,
            breaks_on=due + timedelta(days=grace) if grace else None,
        )  # fmt: skip
        for doc, rows in zip(docs, shares([d.balance for d in docs], instalments), strict=True)
        for due, amount, left in rows
    )


def missed(plan: PaymentPlan, as_of) -> bool:
    """An instalment of the plan is still unpaid on its breaking day."""
    for doc in Document.objects.filter(plan_parts__plan_ref=plan.pk).distinct():
        rows = PlanPart.objects.filter(document=doc, plan_ref=plan.pk)
        part = current_part(doc.balance, rows.values_list("due_date", "left_after", "breaks_on"))
        if part is not None and part.breaks_on is not None and as_of >= part.breaks_on:
            return True
    return False


def break_missed(company, as_of) -> list[PaymentPlan]:
    """The daily run's part: plans with an instalment missed past the company's rule are
    broken, said on the customer's timeline, and their invoices chased in full."""
    broken = []
    for plan in PaymentPlan.objects.for_company(company).filter(state=PlanState.ACCEPTED):
        if not missed(plan, as_of):
            continue
        with transaction.atomic():
            if not PaymentPlan.objects.filter(pk=plan.pk, state=PlanState.ACCEPTED).update(
                state=PlanState.BROKEN
            ):
                continue
            PlanPart.objects.filter(plan_ref=plan.pk).delete()
            actions.record(
                plan, "", gettext_noop("Échéancier rompu"),
                (gettext_noop("Une échéance est restée impayée : l'échéancier de %(a)s est "
                              "rompu et les factures sont relancées pour tout leur solde."),
                 {"a": f"{plan.total} {plan.currency}"}),
                list(plan.documents.all()), handled=Outcome.DONE, engine=True,
            )  # fmt: skip
        broken.append(plan)
    return broken
