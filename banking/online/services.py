"""Pay online, the use cases: is it on, open a checkout, receive the provider's event.

The checkout offers the open items the portal's statement lists: each invoice's and
each debit note's balance (`Document.balance`; the debit notes are the late-payment
charges once invoiced). Charges a reminder claims but nobody has invoiced yet are not
asked: a payment is allocated to documents, an allocation never exceeds a document's
balance, and a charge with no document would be left unallocated on the payment.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from receivables.models import (
    INVOICE_LIKE,
    Customer,
    Document,
    DocumentKind,
    DocumentState,
    Payment,
)
from receivables.services import allocate

from .models import EventOutcome, OnlinePayment, PaymentEvent
from .providers import (
    DISPUTED,
    IGNORED,
    PAID,
    REFUNDED,
    Checkout,
    Keys,
    Line,
    ProviderError,
    provider,
)
from .reversals import after_payment

META_COMPANY, META_CUSTOMER, META_DOCUMENTS = "relance_company", "relance_customer", "relance_doc"
META_VALUE_MAX = 500  # Stripe's limit on a metadata value; longer lists take more keys


class UnknownEndpoint(Exception):
    """No company answers at this webhook address."""


def account_of(company) -> OnlinePayment | None:
    return OnlinePayment.objects.for_company(company).first()


def keys_of(account: OnlinePayment) -> Keys:
    """The company's own keys, each one not stored taken from the environment."""
    env = account.provider == "stripe"
    return Keys(
        publishable=account.publishable_key
        or (settings.RELANCE_STRIPE_PUBLISHABLE_KEY if env else ""),
        secret=account.secret_key or (settings.RELANCE_STRIPE_SECRET_KEY if env else ""),
        webhook_secret=account.webhook_secret
        or (settings.RELANCE_STRIPE_WEBHOOK_SECRET if env else ""),
    )


def configure(company, *, enabled: bool, publishable_key: str = "", secret_key: str = "",
              webhook_secret: str = "", forget: bool = False) -> OnlinePayment:  # fmt: skip
    """The administrator's settings: a secret typed is stored encrypted, one left empty
    keeps the stored one (`forget` erases both, the environment's then apply)."""
    account = account_of(company) or OnlinePayment(company=company)
    account.enabled = enabled
    account.publishable_key = publishable_key.strip()
    if forget:
        account.secret_key, account.webhook_secret = "", ""
    if secret_key.strip():
        account.secret_key = secret_key.strip()
    if webhook_secret.strip():
        account.webhook_secret = webhook_secret.strip()
    account.save()
    return account


def key_sources(account: OnlinePayment | None) -> dict[str, str]:
    """Where each secret comes from, to say it without showing it: "stored",
    "environment" or ""."""
    env = account is None or account.provider == "stripe"
    stored = {
        "secret": bool(account and account.secret_key),
        "webhook": bool(account and account.webhook_secret),
    }
    from_env = {
        "secret": env and bool(settings.RELANCE_STRIPE_SECRET_KEY),
        "webhook": env and bool(settings.RELANCE_STRIPE_WEBHOOK_SECRET),
    }
    return {k: "stored" if stored[k] else "environment" if from_env[k] else "" for k in stored}


def enabled(company) -> bool:
    """True when the company has turned paying online on and its provider has its keys."""
    account = account_of(company)
    if account is None or not account.enabled:
        return False
    if account.provider not in settings.RELANCE_PAYMENT_PROVIDERS:
        return False
    keys = keys_of(account)
    return bool(keys.secret and keys.webhook_secret)


def checkout_origins(company) -> list[str]:
    """The origins the portal's page must allow in its CSP `form-action` for the
    « Payer en ligne » form (its POST is answered by a redirect to the provider)."""
    if not enabled(company):
        return []
    return list(provider(account_of(company).provider).origins)


def open_documents(company, customer, documents):
    """The customer's open invoices and debit notes among `documents` with something
    left to pay."""
    ids = [getattr(d, "pk", d) for d in documents]
    return list(
        Document.objects.for_company(company)
        .filter(customer=customer, pk__in=ids, kind__in=INVOICE_LIKE, state=DocumentState.OPEN)
        .unpaid()
        .order_by("due_date", "number", "pk")
    )


def start_checkout(company, customer, documents, *, success_url: str, cancel_url: str) -> str:
    """Open a checkout at the company's provider for the balances of `documents` (the
    customer's open invoices among them); the provider's URL to send the customer to.
    Raises ProviderError (its message can be shown) when it cannot."""
    if not enabled(company):
        raise ProviderError(_("Le paiement en ligne n'est pas proposé."))
    if customer.company_id != company.pk:
        raise ProviderError(_("Aucune facture à payer."))
    docs = open_documents(company, customer, documents)
    if not docs:
        raise ProviderError(_("Aucune facture à payer."))
    currencies = {d.currency for d in docs}
    if len(currencies) > 1:
        raise ProviderError(_("Payez les factures d'une seule devise à la fois."))
    account = account_of(company)
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        lines = [Line(label_of(d), d.balance) for d in docs]
    checkout = Checkout(
        currency=currencies.pop(),
        lines=lines,
        success_url=success_url,
        cancel_url=cancel_url,
        metadata=metadata(company, customer, docs),
        email=customer.emails.split(",")[0].strip() if customer.emails else "",
        language=(customer.language or "fr")[:2],
    )
    return provider(account.provider).start(keys_of(account), checkout)


def label_of(doc: Document) -> str:
    if doc.kind == DocumentKind.DEBIT_NOTE:
        return _("Note de débit %(n)s") % {"n": doc.number}
    return _("Facture %(n)s") % {"n": doc.number}


def metadata(company, customer, docs) -> dict[str, str]:
    """Company, customer, and each document's id and amount asked (« id:amount »)."""
    out = {META_COMPANY: str(company.pk), META_CUSTOMER: str(customer.pk)}
    chunks, current = [], ""
    for d in docs:
        item = f"{d.pk}:{d.balance}"
        if current and len(current) + 1 + len(item) > META_VALUE_MAX:
            chunks.append(current)
            current = ""
        current = f"{current},{item}" if current else item
    chunks.append(current)
    out.update({f"{META_DOCUMENTS}{i}": chunk for i, chunk in enumerate(chunks)})
    return out


def planned(meta: dict[str, str]) -> list[tuple[int, Decimal]]:
    """The (document id, amount) pairs a checkout's metadata carries."""
    out = []
    size = len(META_DOCUMENTS)
    keys = [k for k in meta if k.startswith(META_DOCUMENTS) and k[size:].isdigit()]
    keys.sort(key=lambda k: int(k[size:]))
    for key in keys:
        for item in filter(None, meta[key].split(",")):
            doc_id, _sep, amount = item.partition(":")
            try:
                out.append((int(doc_id), Decimal(amount)))
            except (ValueError, InvalidOperation):
                continue
    return out


def receive(name: str, endpoint: str, body: bytes, headers) -> str:
    """One webhook delivery to a company's endpoint at provider `name`: verified by the
    provider plug-in, recorded once. The outcome ("paid", "pending", "failed", "ignored",
    "duplicate"). Raises UnknownEndpoint or BadSignature (nothing is written then)."""
    account = OnlinePayment.objects.filter(endpoint=endpoint).select_related("company").first()
    if (
        account is None
        or account.provider != name
        or name not in settings.RELANCE_PAYMENT_PROVIDERS
    ):
        raise UnknownEndpoint(endpoint)
    data = provider(account.provider).event(keys_of(account), body, headers)
    company = account.company
    if data.meaning in (REFUNDED, DISPUTED):  # about a payment recorded before
        return after_payment(account, data)
    if data.meaning == IGNORED or data.metadata.get(META_COMPANY) != str(company.pk):
        return IGNORED  # not a checkout of ours, or another company's on a shared account
    customer = (
        Customer.objects.for_company(company)
        .filter(pk=_int(data.metadata.get(META_CUSTOMER)))
        .first()
    )
    if customer is None:
        return IGNORED
    return _record(account, customer, data)


@transaction.atomic
def _record(account, customer, data) -> str:
    """The event's row is the claim: inserted first, in its own savepoint; a second
    delivery of the same event (or a second « paid » for the same session) fails on the
    unique constraint and records nothing. PostgreSQL makes a concurrent twin wait for
    the first one's commit, then fail the same way."""
    company = account.company
    docs = {d.pk: d for d in Document.objects.for_company(company).filter(customer=customer)
            .filter(pk__in=[pk for pk, _amount in planned(data.metadata)])}  # fmt: skip
    try:
        with transaction.atomic():
            event = PaymentEvent.objects.create(
                company=company,
                provider=account.provider,
                event_id=data.id[:255],
                event_type=data.type[:100],
                session=data.session[:255],
                intent=data.intent[:255],
                outcome=data.meaning,
                amount=data.amount,
                currency=data.currency[:3],
                method=data.method,
                customer=customer,
                numbers=", ".join(d.number for d in docs.values())[:500],
            )
    except IntegrityError:
        return "duplicate"
    if data.meaning != PAID or data.amount <= 0:
        return data.meaning
    event.payment = _pay(account, customer, data, docs)
    event.save(update_fields=["payment"])
    return EventOutcome.PAID


def _pay(account, customer, data, docs: dict[int, Document]) -> Payment:
    """The payment, allocated to the planned invoices up to each one's balance today; what
    is left (an invoice paid another way meanwhile) stays on the payment, unallocated."""
    company = account.company
    today = company.today()
    payment = Payment.objects.create(
        company=company,
        customer=customer,
        date=today,
        amount=data.amount,
        currency=data.currency or company.currency,
        method=data.method,
        reference=f"{account.provider.title()} {data.session}"[:140],
        external_id=f"{account.provider}:{data.session}"[:100],
    )
    left = data.amount
    for doc_id, amount in planned(data.metadata):
        doc = docs.get(doc_id)
        if doc is None or doc.currency != payment.currency or left <= 0:
            continue
        doc.refresh_from_db()
        part = min(amount, doc.balance, left)
        if doc.state != DocumentState.OPEN or part <= 0:
            continue
        allocate(doc, part, payment=payment, on=today)
        left -= part
    return payment


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
