"""The reckoning of documents from the database: the creditor's rule and the base rates,
read once per kind of customer and per series, handed to the pure `reckoning.reckon`.

A batch of thousands of reminders asks the same questions again and again: one
`Reckoner` per company and day answers each once. The e-mail, the letter, the payment
block, the customer file, the API and the CLI all go through `Reckoner.reckon`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.db.models import Max

from receivables.models import (
    INVOICE_LIKE,
    Charge,
    Document,
    DocumentKind,
    DocumentLine,
    DocumentState,
)

from . import charges as ch
from .models import Channel, LateChargeRule, PlanPart, ReferenceRate
from .policies import policy_for
from .reckoning import Basis, Item, Reckoning, reckon
from .rules import Facts, Part, current_part, plan_holds

EU_MEMBERS = set(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split()
)


def charge_rule_for(document: Document) -> LateChargeRule | None:
    """The rule of the creditor's country for B2B or B2C; EU directive as B2B fallback."""
    return _rule(document.company.country, document.customer.is_business)


def _rule(country: str, business: bool) -> LateChargeRule | None:
    rules = {r.jurisdiction: r for r in LateChargeRule.objects.filter(business=business)}
    if country in rules:
        return rules[country]
    if business and country in EU_MEMBERS:
        return rules.get("EU")
    return None


def formal_notice_date(document: Document) -> date | None:
    """Date of the formal notice: the last letter level of the policy, once sent (the
    notice is the last level, so the last reminder date is its date)."""
    policy = policy_for(document)
    if policy is None:
        return None
    notice = policy.levels.filter(channel=Channel.LETTER).order_by("-rank").first()
    if notice is None or document.dunning_level < notice.rank:
        return None
    return document.last_reminder_date


def chargeable(document: Document) -> bool:
    return document.kind == DocumentKind.INVOICE and document.state == DocumentState.OPEN


class Reckoner:
    """Reckonings on `as_of` for one company's documents, rules and rates cached."""

    def __init__(self, as_of: date, *, instalments: bool = False):
        """`instalments`: a reminder's reckoning, which claims the instalment being
        chased (its date, what is left of it) while an accepted plan holds."""
        self.as_of = as_of
        self.instalments = instalments
        self._rules: dict[tuple, LateChargeRule | None] = {}
        self._rates: dict[str, list] = {}
        # read by `preload` for a chunk of documents, replaced by the next one: a snapshot
        # as short-lived as the chunk, so nothing written later is missed
        self._charged: dict[int, dict] = {}
        self._plan_rows: dict[int, list] = {}
        self._preload: list[int] = []

    def preload(self, *groups: Iterable[Document]) -> None:
        """Read the debit-note charges and plan parts of all documents in two queries,
        at the first reckoning that needs them: `reckon` and `parts_of` then ask the
        database nothing more for them (a worker words fifty e-mails at once: two
        queries each were a third of their cost)."""
        ids = dict.fromkeys(d.pk for documents in groups for d in documents)
        self._preload, self._charged, self._plan_rows = list(ids), {}, {}

    def _load(self) -> None:
        if self._preload:
            ids, self._preload = self._preload, []
            self._charged = {pk: {} for pk in ids} | self._invoiced(ids)
            self._plan_rows = {pk: [] for pk in ids} | _plan_rows(ids)

    def rule(self, document: Document) -> LateChargeRule | None:
        key = (document.company.country, document.customer.is_business)
        if key not in self._rules:
            self._rules[key] = _rule(*key)
        return self._rules[key]

    def rates(self, rule: LateChargeRule) -> list[tuple[date, Decimal]]:
        if not rule.rate_series:  # a fixed rate: the margin alone
            return [(date.min, Decimal("0"))]
        if rule.rate_series not in self._rates:
            self._rates[rule.rate_series] = list(
                ReferenceRate.objects.filter(series=rule.rate_series).values_list("date", "rate")
            )
        return self._rates[rule.rate_series]

    def reckon(self, documents: Iterable[Document], claims_charges: bool = True) -> Reckoning:
        """The reckoning of `documents` (one customer's, one currency) on `as_of`."""
        docs = list(documents)
        rule = self.rule(docs[0]) if docs and claims_charges else None
        invoiced = self._charges_of([d.pk for d in docs if chargeable(d)]) if rule else {}
        items = [self._item(d, rule, invoiced.get(d.pk, {})) for d in docs]
        if self.instalments:
            items = self._under_plans(docs, items)
        data = basis = None
        if rule is not None:
            data = ch.ChargeRule(
                margin_points=rule.margin_points,
                interest_from=rule.interest_from,
                indemnity_bands=tuple((Decimal(a), Decimal(b)) for a, b in rule.indemnity_bands),
                currency=rule.currency,
            )
            basis = Basis(rule.name, rule.reference, rule.margin_points, rule.interest_from)
        return reckon(
            items,
            self.as_of,
            rule=data,
            rates=self.rates(rule) if rule is not None else (),
            claims_charges=claims_charges,
            basis=basis,
            currency=docs[0].currency if docs else None,
        )

    def _charges_of(self, ids: list[int]) -> dict[int, dict]:
        self._load()
        if all(pk in self._charged for pk in ids):
            return {pk: self._charged[pk] for pk in ids}
        return self._invoiced(ids)

    @staticmethod
    def _invoiced(ids: list[int]) -> dict[int, dict]:
        """Charges already on debit notes, per invoice: {charge: last day invoiced}."""
        out: dict[int, dict] = {}
        if not ids:
            return out
        rows = (
            DocumentLine.objects.filter(source_id__in=ids)
            .values("source_id", "charge")
            .annotate(until=Max("charged_until"))
        )
        for row in rows:
            out.setdefault(row["source_id"], {})[row["charge"]] = row["until"]
        return out

    def _item(self, doc: Document, rule: LateChargeRule | None, invoiced: dict) -> Item:
        notice = None
        if rule is not None and rule.interest_from == "formal_notice" and chargeable(doc):
            notice = formal_notice_date(doc)
        return Item(
            number=doc.number,
            due_date=doc.due_date,
            balance=doc.balance,
            currency=doc.currency,
            chargeable=chargeable(doc),
            notice_date=notice,
            charged_until=invoiced.get(Charge.INTEREST),
            indemnity_invoiced=Charge.INDEMNITY in invoiced,
        )

    def _under_plans(self, docs: list[Document], items: list[Item]) -> list[Item]:
        """The instalment the engine chases stands for the due date and the balance."""
        parts = self.parts_of(docs)
        return [
            replace(item, due_date=parts[d.pk].due_date, balance=parts[d.pk].owed)
            if d.pk in parts
            else item
            for d, item in zip(docs, items, strict=True)
        ]

    def parts_of(self, docs: Iterable[Document]) -> dict[int, Part]:
        """The instalment being chased of each document whose accepted plan holds."""
        docs = list(docs)
        ids = [d.pk for d in docs]
        self._load()
        if all(pk in self._plan_rows for pk in ids):
            rows = self._plan_rows
        else:
            rows = _plan_rows(ids)
        out = {}
        for doc in docs:
            if rows.get(doc.pk):
                part = current_part(doc.balance, rows[doc.pk])
                facts = Facts(doc.kind, doc.state, doc.due_date, doc.balance, part=part)
                if plan_holds(facts, self.as_of):
                    out[doc.pk] = part
        return out

    def charges(self, document: Document) -> ch.Charges:
        """One invoice's interest and indemnity (zero for anything else)."""
        return self.reckon([document]).lines[0].charges


def _plan_rows(ids: list[int]) -> dict[int, list]:
    """Each document's plan parts: [(due_date, left_after, breaks_on), ...]."""
    rows: dict[int, list] = {}
    found = PlanPart.objects.filter(document__in=ids)
    for pk, *row in found.values_list("document_id", "due_date", "left_after", "breaks_on"):
        rows.setdefault(pk, []).append(row)
    return rows


def reckoning_for(documents: Iterable[Document], as_of: date, claims_charges: bool = True):
    return Reckoner(as_of).reckon(documents, claims_charges)


def customer_reckonings(customer, as_of: date) -> list[Reckoning]:
    """The customer's overdue open invoices and debit notes with the charges the law allows on `as_of`,
    one reckoning per currency (amounts in two currencies are never added up)."""
    docs = (
        Document.objects.filter(
            customer=customer,
            kind__in=INVOICE_LIKE,
            state=DocumentState.OPEN,
            due_date__lt=as_of,
        )
        .select_related("company", "customer", "customer__policy")
        .order_by("currency", "due_date", "number")
    )
    by_currency: dict[str, list[Document]] = {}
    for doc in docs:
        if doc.balance > 0:
            by_currency.setdefault(doc.currency, []).append(doc)
    reckoner = Reckoner(as_of)
    return [reckoner.reckon(group) for group in by_currency.values()]
