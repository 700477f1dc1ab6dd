"""« Demander un échéancier »: a customer asks to pay their open invoices in instalments,
within the company's limits; a collector accepts or refuses it on the customer file.

The instalments split the balance evenly (the cents on the last one), every
`plan_max_days / n` days from today. What an accepted plan does to the engine today:
the plan's invoices hold (the promise stop) until the first instalment; the engine does
not yet chase each instalment's date (docs/architecture.md, « Portail »).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dunning.scan import scan
from dunning.services import record_promise

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
        actions.record(
            link, address, gettext_noop("Demande d'échéancier"),
            (gettext_noop("Le client demande à payer %(a)s en %(n)s échéances."),
             {"a": f"{total} {currency}", "n": count}),
            docs,
        )  # fmt: skip
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
            first = plan.instalments.order_by("due_date").first()
            ids = list(plan.documents.values_list("pk", flat=True))
            record_promise(plan.company, plan.customer, ids, first.due_date if first else None)
    scan(plan.company)
    return True
