"""Lenient readings of what people type: choice labels in French or English, any case/accent."""

import re
import unicodedata

from .models import DocumentKind, DocumentState, PaymentMethod


def norm(text: object) -> str:
    """'  Échéance ' -> 'echeance'; 'Nom, prénom' -> 'nom prenom'; '%Rgl' -> 'rgl'."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", ascii_only.lower()).strip()


def _table(pairs: dict[str, list[str]]) -> dict[str, str]:
    table = {}
    for value, words in pairs.items():
        table[norm(value)] = value
        for word in words:
            table[norm(word)] = value
    return table


def _with_labels(choices, extra: dict[str, list[str]]) -> dict[str, str]:
    pairs = {value: [str(label)] + extra.get(value, []) for value, label in choices}
    return _table(pairs)


PAYMENT_METHODS = _with_labels(
    PaymentMethod.choices,
    {
        PaymentMethod.UNSPECIFIED: ["non précisé", "", "unspecified", "autre", "other", "-"],
        PaymentMethod.TRANSFER: ["virement", "vir", "transfer", "credit transfer", "sepa transfer"],
        PaymentMethod.CHEQUE: ["chèque", "chq", "cheque", "check"],
        PaymentMethod.CARD: ["carte", "cb", "carte bancaire", "card", "credit card"],
        PaymentMethod.DIRECT_DEBIT: [
            "prélèvement",
            "prlv",
            "prélèvement sepa",
            "direct debit",
            "sepa direct debit",
            "sdd",
        ],
        PaymentMethod.CASH: ["espèces", "esp", "cash", "liquide"],
    },
)

DOCUMENT_STATES = _with_labels(
    DocumentState.choices,
    {
        DocumentState.OPEN: [
            "ouvert",
            "ouverte",
            "open",
            "à payer",
            "impayée",
            "validée",
            "issued",
        ],
        DocumentState.DRAFT: ["brouillon", "draft"],
        DocumentState.PAID: ["payée", "payé", "réglée", "réglé", "soldée", "paid"],
        DocumentState.CANCELLED: ["annulée", "annulé", "cancelled", "canceled", "void"],
        DocumentState.ACCEPTED: ["accepté", "acceptée", "signé", "accepted"],
        DocumentState.REFUSED: ["refusé", "refusée", "refused", "rejected", "declined"],
        DocumentState.EXPIRED: ["expiré", "expirée", "échu", "expired"],
    },
)

DOCUMENT_KINDS = _with_labels(
    DocumentKind.choices,
    {
        DocumentKind.INVOICE: ["facture", "invoice", "fac", "fa"],
        DocumentKind.CREDIT_NOTE: ["avoir", "credit note", "credit", "av", "credit_note"],
        DocumentKind.QUOTE: ["devis", "quote", "quotation", "estimate"],
    },
)

TRUE_WORDS = {"1", "true", "vrai", "oui", "yes", "o", "y", "x"}
FALSE_WORDS = {"0", "false", "faux", "non", "no", "n", ""}
