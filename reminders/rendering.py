"""Turn a group of documents into a message: level, channel, recipient, words.

Reads the database through a small per-call cache (policies, levels, templates) so a
preview of thousands of documents costs a handful of queries, not thousands.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _

from dunning.models import Channel, Level, Policy
from dunning.policies import policy_for
from dunning.reckoner import Reckoner
from dunning.reckoning import Reckoning
from receivables.models import Company, Customer, Document, DocumentKind, DocumentState
from receivables.models.document import LIFECYCLE_STOPS
from receivables.paycodes import payment_block

from .attachments import pdf_filename
from .delivery import Letter, Letterhead, LetterTransport, transport
from .keywords import KEYWORD_RE, Block, DocLine, KeywordContext, build_values, fmt_date, substitute
from .links import Issuer, link_block, portal_link
from .models import LIVE_STATES, ReminderDocument, Template
from .plaintext import html_to_text
from .sanitize import clean_html

EMAIL_CHANNELS = (Channel.EMAIL, Channel.FIRM_EMAIL)


@dataclass
class Message:
    """One reminder as it would go out, or why it cannot."""

    customer: Customer
    documents: list[Document]
    level: Level | None
    channel: str
    language: str
    recipient: list[str] = field(default_factory=list)
    subject: str = ""
    body_text: str = ""
    body_html: str = ""
    letter_html: str = ""
    attachments: list[str] = field(default_factory=list)
    error: str = ""
    document_ranks: dict[int, int] = field(default_factory=dict)  # document pk -> its level
    # Kept by `Renderer.word` for an edit in the preview (reminders.editing): the
    # template, the keywords' values and the payment block added under the words.
    template: Template | None = field(default=None, repr=False)
    values: dict = field(default_factory=dict, repr=False)
    payment_text: str = ""
    payment_html: str = ""
    # What the message claims (dunning.reckoning): its words, breakdown and payment code
    reckoning: Reckoning | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label

    @property
    def empty_keywords(self) -> list[str]:
        """The %KEYWORDS% its template uses that have nothing to say here (%DT_DERNIER_RAPPEL%
        before any reminder, a contact never filled in): the words around them may read
        oddly, so the preview asks for a look before it leaves."""
        if self.template is None:
            return []
        used = KEYWORD_RE.findall(
            f"{self.template.subject}\n{self.template.body_text}\n{self.template.body_html}"
        )
        blank = [f"%{name}%" for name in used if _blank(self.values.get(name))]
        return list(dict.fromkeys(blank))

    @property
    def key(self) -> str:
        return f"{self.customer.pk}-" + "-".join(str(d.pk) for d in self.documents)


def _blank(value) -> bool:
    text = value.text if isinstance(value, Block) else value
    return text is not None and not str(text).strip()


def document_problem(doc: Document, as_of: date) -> str:
    """Why this document must not be reminded today, in words ('' = it may)."""
    if doc.kind == DocumentKind.CREDIT_NOTE:
        return _("un avoir ne se relance pas")
    if doc.kind == DocumentKind.QUOTE:
        if doc.state not in (DocumentState.OPEN, DocumentState.EXPIRED):
            return _("devis %(state)s") % {"state": doc.get_state_display()}
    elif doc.state != DocumentState.OPEN:
        return _("pièce %(state)s") % {"state": doc.get_state_display()}
    elif doc.balance <= 0:
        return _("pièce soldée")
    if doc.disputed:
        return _("pièce en litige")
    if doc.lifecycle_status in LIFECYCLE_STOPS:  # refused, disputed, suspended, rejected
        return _("statut plateforme %(c)s %(l)s") % {
            "c": doc.lifecycle_status,
            "l": doc.get_lifecycle_status_display(),
        }
    if doc.blocked_until and doc.blocked_until >= as_of:
        return _("pièce bloquée jusqu'au %(d)s") % {"d": doc.blocked_until.strftime("%d/%m/%Y")}
    if doc.promise_date and doc.promise_date >= as_of:
        return _("promesse de paiement au %(d)s") % {"d": doc.promise_date.strftime("%d/%m/%Y")}
    return ""


def customer_problem(customer: Customer, as_of: date) -> str:
    if customer.awaiting_reply:
        return _("réponse du client à traiter (écran « Réponses »)")
    if customer.no_reminders:
        reason = f" ({customer.no_reminders_reason})" if customer.no_reminders_reason else ""
        return _("client bloqué : ne pas relancer") + reason
    if customer.blocked_until and customer.blocked_until >= as_of:
        return _("client bloqué jusqu'au %(d)s") % {
            "d": customer.blocked_until.strftime("%d/%m/%Y")
        }
    return ""


def letterhead(company: Company) -> Letterhead:
    contact = " · ".join(p for p in (company.phone, company.email) if p)
    legal = " · ".join(
        label + value
        for label, value in (("SIREN ", company.siren), ("TVA ", company.vat_number))
        if value
    )
    return Letterhead(
        name=company.display_name,
        address_lines=[line for line in company.address.splitlines() if line.strip()],
        contact=contact,
        legal=legal,
        footer=company.legal_mentions,
        logo_path=company.logo_path,
    )


def place_date(company: Company, on: date, language: str) -> str:
    lines = [line for line in company.address.splitlines() if line.strip()]
    city = ""
    if lines:
        last = lines[-1].strip()
        city = last.split(" ", 1)[1] if last[:5].isdigit() and " " in last else last
    when = fmt_date(on, language)
    if language == "fr":
        return f"{city}, le {when}" if city else f"Le {when}"
    return f"{city}, {when}" if city else when


def build_letter(
    company: Company, recipient: list[str], subject: str, body_html: str, language: str, on: date
) -> Letter:
    with translation.override(language):  # the customer's, from the catalogues
        titled, more = _("Objet : %(s)s") % {"s": subject}, _("suite")
    return Letter(
        head=letterhead(company),
        recipient=recipient,
        place_date=place_date(company, on, language),
        subject=titled,
        body_html=body_html,
        continued=" · ".join([*recipient[:1], subject, more]),
    )


class Renderer:
    """Per-call caches of what every message of a batch needs."""

    def __init__(self, company: Company, as_of: date, *, issue_links: bool = False):
        self.company = company
        self.as_of = as_of
        self.issue_links = issue_links  # %LIEN_PORTAIL%: a real link only for what goes out
        self.links: Issuer | None = None  # set for a chunk worded at once (reminders.wording)
        self._policies: dict[tuple, Policy | None] = {}
        self._levels: dict[int, dict[int, Level]] = {}
        self._templates = {
            (t.level_id, t.channel, t.language): t for t in Template.objects.for_company(company)
        }
        self._overdue: dict[int, list[Document]] = {}
        self._live: set[tuple[int, int]] = set()
        self._letters: LetterTransport | None = None  # the registered one, when a letter shows
        self.reckoner = Reckoner(as_of, instalments=True)

    # -- lookups ----------------------------------------------------------------------

    def preload(self, documents: list[Document], live: bool = True, overdue: bool = True) -> None:
        """Load the customers' overdue documents (and, with `live`, which documents
        already have a reminder at a level) in a few queries for all messages.
        `overdue=False` when only a few messages will be worded: each of those loads its
        customer's on its own (`overdue_of`)."""
        ids = [d.pk for d in documents]
        customer_ids = {d.customer_id for d in documents}
        if live:
            self._live = set(
                ReminderDocument.objects.filter(
                    document_id__in=ids, live=True, reminder__state__in=LIVE_STATES
                ).values_list("document_id", "level_rank")
            )
        if overdue:
            self._overdue = self._load_overdue(customer_ids, documents[:500])
        self.reckoner.preload(documents, *self._overdue.values())  # charges and plan parts

    def _load_overdue(self, customer_ids: set[int], known=()) -> dict[int, list[Document]]:
        """By customer only: with the company too, SQLite walks all its open documents.
        In no set order; `known` (loaded already; each one a parameter) not read again."""
        overdue: dict[int, list[Document]] = {pk: [] for pk in customer_ids}
        others = Document.objects.filter(
            Document.overdue_filter(self.as_of), customer_id__in=customer_ids
        ).exclude(pk__in=[d.pk for d in known])
        for doc in [*others, *(d for d in known if d.overdue_on(self.as_of))]:
            overdue[doc.customer_id].append(doc)
        return overdue

    def overdue_of(self, customer_id: int) -> list[Document]:
        if customer_id not in self._overdue:
            self._overdue.update(self._load_overdue({customer_id}))
        return self._overdue[customer_id]

    def policy(self, doc: Document) -> Policy | None:
        key = (doc.customer.policy_id, doc.kind == DocumentKind.QUOTE)
        if key not in self._policies:
            self._policies[key] = policy_for(doc)
        return self._policies[key]

    def level(self, doc: Document) -> Level | None:
        """The level this document is at now: the pending one, else the next one."""
        policy = self.policy(doc)
        if policy is None:
            return None
        if policy.pk not in self._levels:
            self._levels[policy.pk] = {lv.rank: lv for lv in policy.levels.all()}
            for lv in self._levels[policy.pk].values():
                lv.policy = policy
        rank = doc.pending_level or doc.dunning_level + 1
        return self._levels[policy.pk].get(rank)

    def already_live(self, doc: Document, rank: int) -> bool:
        return (doc.pk, rank) in self._live

    def template(self, level: Level, channel: str, language: str) -> Template | None:
        keys = ((level.pk, channel, lang) for lang in (language, self.company.language))
        return next(filter(None, map(self._templates.get, keys)), None)

    # -- rendering --------------------------------------------------------------------

    def context(self, msg: Message) -> KeywordContext:
        docs = msg.documents
        msg.reckoning = self.reckoner.reckon(docs, bool(msg.level and msg.level.claims_charges))
        overdue = {d.pk: d for d in self.overdue_of(msg.customer.pk)}
        if docs and docs[0].kind != DocumentKind.QUOTE:
            for d in docs:
                overdue.setdefault(d.pk, d)
        else:
            overdue = {d.pk: d for d in docs}
        parts = self.reckoner.parts_of(overdue.values())  # a plan: chase its instalment
        late = (
            d for d in overdue.values() if d in docs or parts.get(d.pk, d).due_date < self.as_of
        )
        ordered = sorted(late, key=lambda d: (d.due_date, d.number))
        return KeywordContext(
            language=msg.language,
            as_of=self.as_of,
            customer=msg.customer.name,
            contact=msg.customer.contact_name,
            company=self.company.display_name,
            iban=self.company.iban,
            bic=self.company.bic,
            documents=[_line(d, parts.get(d.pk)) for d in docs],
            overdue=[_line(d, parts.get(d.pk)) for d in ordered],
            reckoning=msg.reckoning,
            currency=docs[0].currency if docs else self.company.currency,
        )

    def render(self, msg: Message, words: bool = True) -> Message:
        """Fill recipient, words and attachments of `msg`, or its error. `words=False`
        for an e-mail: only check that it can be worded (recipient, template); the
        outbox words it just before sending (`reminders.wording`)."""
        template = self.check(msg)
        if template is not None and worded_now(msg, words):
            self.word(msg, template)
        return msg

    def check(self, msg: Message) -> Template | None:
        """Whether `msg` can go, without wording it: fill its recipient (and an e-mail's
        attachment names) or its `error`. Returns the template to word it with; None
        when there is nothing to word (an error, or a call, whose few words are set)."""
        customer = msg.customer
        if msg.channel in EMAIL_CHANNELS:
            msg.recipient = customer.email_list
            if not msg.recipient:
                msg.error = _("pas d'adresse e-mail")
                return None
        elif msg.channel == Channel.LETTER:
            msg.recipient = customer.postal_lines
            if not customer.has_postal_address:
                msg.error = _("pas d'adresse postale")
                return None
        elif msg.channel == Channel.PHONE:
            msg.recipient = [customer.phone] if customer.phone else []
            if not customer.phone:
                msg.error = _("pas de numéro de téléphone")
                return None
            msg.subject = _("Appeler %(c)s") % {"c": customer.name}
            msg.body_text = "\n".join(
                f"{d.number} : {d.balance} {d.currency}" for d in msg.documents
            )
            return None
        template = self.template(msg.level, msg.channel, msg.language)
        if template is None:
            msg.error = _("pas de modèle pour le niveau « %(level)s », canal %(channel)s") % {
                "level": msg.level.name,
                "channel": Channel(msg.channel).label,
            }
            return None
        if msg.channel in EMAIL_CHANNELS:
            msg.attachments = [pdf_filename(d) for d in msg.documents]
        return template

    def word(self, msg: Message, template: Template) -> Message:
        """Subject, text and HTML of a checked message, with its payment code (and a
        letter's page)."""
        customer = msg.customer
        # a letter's page styles its tables (channels/letter): no per-cell inline styles
        values = build_values(self.context(msg), inline_styles=msg.channel != Channel.LETTER)
        words = f"{template.subject}{template.body_text}{template.body_html}"
        if "%LIEN_PORTAIL%" in words:
            url = portal_link(self.company, customer, issue=self.issue_links, issuer=self.links)
            values["LIEN_PORTAIL"] = link_block(url, printed=msg.channel == Channel.LETTER)
        msg.template, msg.values = template, values
        msg.subject = substitute(template.subject, values, one_line=True)
        msg.body_text = substitute(template.body_text, values)
        # the company's HTML is cleaned (again: it may predate the rule); ours is added after
        msg.body_html = substitute(clean_html(template.body_html), values, html=True)
        if not msg.body_text.strip():  # a letter's template is HTML only: read it as text
            msg.body_text = html_to_text(msg.body_html)
        add_breakdown(msg, words)
        # How to pay, scannable (EPC QR / Swiss QR-bill): the reference is the one the
        # bank statement matching recognises (receivables.paycodes, banking.matching).
        with translation.override(msg.language):  # the customer's words, not the user's
            pay_html, pay_text = payment_block(
                self.company,
                customer,
                msg.documents,
                msg.reckoning.total,
                for_print=msg.channel == Channel.LETTER,
            )
        msg.payment_text, msg.payment_html = pay_text, pay_html
        if pay_html:
            msg.body_html += pay_html
            msg.body_text = f"{msg.body_text.rstrip()}\n\n{pay_text}\n"
        if msg.channel == Channel.LETTER and not self.issue_links:  # going out: laid out at print
            letter = build_letter(
                self.company, msg.recipient, msg.subject, msg.body_html, msg.language, self.as_of
            )
            if self._letters is None:
                self._letters = transport(Channel.LETTER)
            msg.letter_html = self._letters.layout(letter)
        return msg


def worded_now(msg: Message, words: bool) -> bool:
    """A letter is worded as it is checked; an e-mail with `words`, else as it leaves."""
    return words or msg.channel not in EMAIL_CHANNELS


def add_breakdown(msg: Message, words: str) -> None:
    """A message that claims charges shows how they add up, line by line, above its payment
    code (unless its `words` already place %DECOMPTE%): the total it claims, the
    breakdown and the code's amount are then one figure."""
    if not (msg.reckoning and msg.reckoning.has_charges) or "%DECOMPTE%" in words:
        return
    block = msg.values["DECOMPTE"]
    msg.body_html += block.html
    msg.body_text = f"{msg.body_text.rstrip()}\n\n{block.text}\n"


def _line(d: Document, part=None) -> DocLine:  # `part`: the instalment chased (a plan)
    return DocLine(
        number=d.number,
        issue_date=d.issue_date,
        due_date=part.due_date if part else d.due_date,
        amount=part.owed if part else d.amount,
        paid=d.paid_amount * 0 if part else d.paid_amount,  # the instalment: nothing paid
        currency=d.currency,
        reminder_count=d.reminder_count,
        last_reminder_date=d.last_reminder_date,
    )


def language_of(customer: Customer, company: Company) -> str:
    for lang in (customer.language, company.language):
        if lang in ("fr", "en"):
            return lang
    return "fr"
