"""Which policy applies to a document, and the default French policy every company gets."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_noop as level_name

from receivables.models import Company, Document, DocumentKind

from .models import Channel, Level, Policy, PolicyKind

# (rank, name, delay in days from due date, channel, claims charges); the names are
# stored in French and translated where a customer reads them (the portal)
DEFAULT_INVOICE_LEVELS = [
    (1, level_name("Rappel de courtoisie"), -3, Channel.EMAIL, False),
    (2, level_name("Relance 1"), 7, Channel.EMAIL, True),
    (3, level_name("Relance 2"), 15, Channel.FIRM_EMAIL, True),
    (4, level_name("Appel téléphonique"), 30, Channel.PHONE, True),
    (5, level_name("Mise en demeure"), 45, Channel.LETTER, True),
]
# Quotes: counted from the validity date; a nudge, then a call.
DEFAULT_QUOTE_LEVELS = [
    (1, level_name("Devis échu"), 1, Channel.EMAIL, False),
    (2, level_name("Relance devis"), 10, Channel.PHONE, False),
]


@transaction.atomic
def ensure_default_policies(company: Company) -> dict[str, Policy]:
    """Create the default invoice and quote policies if the company has none (idempotent)."""
    result = {}
    for kind, name, levels in [
        (PolicyKind.INVOICE, "Procédure standard", DEFAULT_INVOICE_LEVELS),
        (PolicyKind.QUOTE, "Devis échus", DEFAULT_QUOTE_LEVELS),
    ]:
        policy = Policy.objects.filter(company=company, kind=kind, is_default=True).first()
        if policy is None:
            policy = Policy.objects.create(company=company, kind=kind, name=name, is_default=True)
            Level.objects.bulk_create(
                Level(
                    policy=policy,
                    rank=rank,
                    name=lname,
                    delay_days=delay,
                    channel=channel,
                    claims_charges=charges,
                    min_balance=Decimal("0"),
                )
                for rank, lname, delay, channel, charges in levels
            )
        result[kind] = policy
    return result


def policy_for(document: Document) -> Policy | None:
    """The customer's own policy when set (and of the right kind), else the company default."""
    kind = PolicyKind.QUOTE if document.kind == DocumentKind.QUOTE else PolicyKind.INVOICE
    customer_policy = document.customer.policy
    if customer_policy is not None and customer_policy.kind == kind:
        return customer_policy
    return Policy.objects.filter(company_id=document.company_id, kind=kind, is_default=True).first()


def level_of(document: Document, rank: int | None) -> Level | None:
    """The Level object of a rank (e.g. `document.pending_level`) in the document's policy."""
    if not rank:
        return None
    policy = policy_for(document)
    return policy.levels.filter(rank=rank).first() if policy else None


def kinds_without_default(company: Company | int) -> list[str]:
    """The kinds (invoice, quote) for which `company` has no default procedure: the scan
    finds nothing to remind for them, which the scan and the screens must say aloud."""
    pk = getattr(company, "pk", company)
    have = set(Policy.objects.filter(company_id=pk, is_default=True).values_list("kind", flat=True))
    return [kind for kind in PolicyKind.values if kind not in have]
