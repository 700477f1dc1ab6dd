"""What a selection of documents would send, per message, and what cannot and why.

preview_batch    every reminder the selection would produce, checked (and worded); writes
                 nothing. `batches.create_batch` writes what it returns.
default_channel  the action a document offers by default
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dunning.models import Channel, Level
from receivables.models import Company, Document, DocumentKind

from . import links
from .models import Template
from .rendering import (
    EMAIL_CHANNELS,
    Message,
    Renderer,
    customer_problem,
    document_problem,
    language_of,
    worded_now,
)


@dataclass
class BatchPreview:
    as_of: date
    messages: list[Message]  # will go out
    failures: list[Message]  # cannot, each with its `error` in words
    # (document pk, level rank) refused because that reminder is already live
    already_live: list[tuple[int, int]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """How many will go out per channel, and how many cannot ("failed")."""
        counts = Counter(m.channel for m in self.messages)
        result = {c.value: counts.get(c.value, 0) for c in Channel}
        result["failed"] = len(self.failures)
        return result

    @property
    def single(self) -> bool:
        return len(self.messages) == 1


def scoped_documents(company: Company, documents) -> list[Document]:
    ids = [d.pk if isinstance(d, Document) else int(d) for d in documents]
    return list(
        Document.objects.for_company(company)
        .filter(pk__in=ids)
        .select_related("customer", "customer__policy", "company")
        .order_by("customer__name", "customer_id", "due_date", "number")
    )


def _groups(docs: list[Document]) -> list[list[Document]]:
    """The documents of one customer and one kind: a customer's expired quotes and
    overdue invoices get two messages (other words, and a quote is not paid)."""
    by_key: dict[tuple[int, bool], list[Document]] = defaultdict(list)
    for doc in docs:  # ordered by customer: the groups keep that order
        by_key[(doc.customer_id, doc.kind == DocumentKind.QUOTE)].append(doc)
    customers = list(dict.fromkeys(doc.customer_id for doc in docs))
    order = {pk: i for i, pk in enumerate(customers)}
    return [by_key[k] for k in sorted(by_key, key=lambda k: (order[k[0]], k[1]))]


def reroute_undeliverable(msg: Message) -> None:
    """An address that bounced (inbox) is not written to again: the reminder goes by
    letter, or waits in « À vérifier » when there is no postal address either."""
    bounced = msg.customer.email_undeliverable
    if not bounced or msg.channel not in EMAIL_CHANNELS:
        return
    if msg.customer.has_postal_address:
        msg.channel = Channel.LETTER
    else:
        msg.error = _(
            "adresse e-mail non distribuable (%(why)s) et pas d'adresse postale : "
            "corrigez l'adresse du client"
        ) % {"why": bounced}


def default_channel(document: Document) -> str | None:
    """The action a document offers by default: its pending (or next) level's channel."""
    level = Renderer(document.company, document.company.today()).level(document)
    return level.channel if level else None


def _word(renderer: Renderer, to_word: list[tuple[Message, Template]]) -> None:
    """Word the checked messages that need words now, after reading their customers'
    other overdue documents in one query (a batch of e-mails, worded by the workers as
    they leave, reads none: it was a tenth of writing a batch of 10,000)."""
    if not to_word:
        return
    renderer.preload([d for msg, _t in to_word for d in msg.documents], live=False)
    for msg, template in to_word:
        renderer.word(msg, template)


def preview_batch(
    company: Company,
    documents: Iterable,
    channel: str | None = None,
    user=None,
    group_by_customer: bool | None = None,
    *,
    as_of: date | None = None,
    words: bool = True,
    word_first: int | None = None,
    issue_links: bool = False,
) -> BatchPreview:
    """Render every reminder the selection would produce; write nothing.

    `channel` None = each document's level channel. `group_by_customer` None = the
    policy's choice: one reminder per customer, at the level of the most overdue document.
    `words=False`: e-mails are only checked (recipient, template), not worded.
    `word_first=n`: only the first n messages that can go are worded (a person reads
    those); every other one is checked only, letters too. Every message is checked
    either way: the counts and the failures are complete. `issue_links`: the messages
    are being written to go out, give them real portal links (reminders.links).
    """
    if channel is not None and channel not in Channel.values:
        raise ValidationError({"channel": _("Canal inconnu : %(c)s") % {"c": channel}})
    as_of = as_of or company.today()
    docs = scoped_documents(company, documents)
    renderer = Renderer(company, as_of, issue_links=issue_links)
    renderer.preload(docs, overdue=False)  # the overdue of those worded only, below
    if issue_links:  # letters worded to go out: their links made at once, saved below
        renderer.links = links.issuer(company)
    messages: list[Message] = []
    failures: list[Message] = []
    already: list[tuple[int, int]] = []
    to_word: list[tuple[Message, Template]] = []

    def fail(customer, group, level, why, ch=None):
        failures.append(
            Message(
                customer=customer,
                documents=group,
                level=level,
                channel=ch or channel or (level.channel if level else Channel.EMAIL),
                language=language_of(customer, company),
                error=why,
            )
        )

    for group in _groups(docs):
        customer = group[0].customer
        problem = customer_problem(customer, as_of)
        if problem:
            fail(customer, group, renderer.level(group[0]), problem)
            continue
        ready: list[tuple[Document, Level]] = []
        for doc in group:
            level = renderer.level(doc)
            why = document_problem(doc, as_of)
            if not why and level is None:
                why = _("aucun niveau de relance à venir (procédure terminée ou absente)")
            if not why and renderer.already_live(doc, level.rank):
                why = _("un rappel de ce niveau est déjà envoyé ou en file d'attente")
                already.append((doc.pk, level.rank))
            if why:
                fail(customer, [doc], level, why)
            else:
                ready.append((doc, level))
        if not ready:
            continue
        grouped = group_by_customer
        if grouped is None:
            grouped = renderer.policy(ready[0][0]).group_by_customer
        parts = [ready] if grouped else [[pair] for pair in ready]
        for part in parts:
            # the most overdue document sets the level (and so the words and channel)
            main_doc, level = min(part, key=lambda p: (p[0].due_date, p[0].number))
            msg = Message(
                customer=customer,
                documents=[d for d, _lv in sorted(part, key=lambda p: p[0].due_date)],
                level=level,
                channel=channel or level.channel,
                language=language_of(customer, company),
                document_ranks={d.pk: lv.rank for d, lv in part},
            )
            reroute_undeliverable(msg)
            template = None if msg.error else renderer.check(msg)
            shown = word_first is None or len(messages) < word_first
            if template is not None and shown and worded_now(msg, words):
                to_word.append((msg, template))
            (failures if msg.error else messages).append(msg)
    _word(renderer, to_word)
    if renderer.links is not None:
        renderer.links.save()  # in the caller's transaction, with the rows that carry them
    return BatchPreview(as_of=as_of, messages=messages, failures=failures, already_live=already)
