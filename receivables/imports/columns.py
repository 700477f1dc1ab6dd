"""Which column is which: header names in French or English, any case or accent."""

from django.utils.translation import gettext as _

from ..normalize import norm

CUSTOMERS, INVOICES, QUOTES, PAYMENTS = "customers", "invoices", "quotes", "payments"
KINDS = (CUSTOMERS, INVOICES, QUOTES, PAYMENTS)
KIND_WORDS = {
    CUSTOMERS: ["customers", "customer", "clients", "client"],
    INVOICES: ["invoices", "invoice", "factures", "facture", "avoirs"],
    QUOTES: ["quotes", "quote", "devis"],
    PAYMENTS: [
        "payments",
        "payment",
        "reglements",
        "reglement",
        "paiements",
        "paiement",
        "encaissements",
    ],
}

_CUSTOMER_DETAILS = {
    "contact_name": [
        "nom, prénom",
        "nom prénom",
        "contact",
        "nom du contact",
        "contact name",
        "interlocuteur",
    ],
    "emails": [
        "e-mail",
        "email",
        "mail",
        "courriel",
        "adresse e-mail",
        "adresse email",
        "emails",
        "e-mails",
    ],
    "phone": ["téléphone", "tél", "tel", "phone", "portable", "mobile", "telephone"],
    "address": ["adresse", "address", "rue", "street", "adresse postale", "adresse 1"],
    "postal_code": ["code postal", "cp", "postal code", "zip", "zip code", "postcode"],
    "city": ["ville", "city", "commune", "localité"],
    "country": ["pays", "country", "code pays", "country code"],
    "is_business": ["professionnel", "b2b", "business", "pro", "is business"],
    "consumer": ["particulier", "consommateur", "b2c", "consumer"],
}
_PAYMENT_METHOD = [
    "mode pmt",
    "mode de paiement",
    "mode de règlement",
    "mode paiement",
    "payment method",
    "payment mode",
    "moyen de paiement",
]
_CUSTOMER_CODE = [
    "code client",
    "customer code",
    "client code",
    "compte client",
    "n° client",
    "numéro client",
    "customer id",
    "id client",
    "customer number",
    "customer_code",
]
_CUSTOMER_NAME = [
    "client",
    "nom client",
    "nom du client",
    "customer",
    "customer name",
    "raison sociale",
    "société",
]
_DOCUMENT_COMMON = {
    "customer.code": _CUSTOMER_CODE,
    "customer.name": _CUSTOMER_NAME,
    **{f"customer.{k}": v for k, v in _CUSTOMER_DETAILS.items()},
    "payment_method": _PAYMENT_METHOD,
    "description": [
        "nature",
        "libellé",
        "désignation",
        "objet",
        "description",
        "label",
        "intitulé",
    ],
    "amount": [
        "montant",
        "montant ttc",
        "total ttc",
        "ttc",
        "amount",
        "total",
        "amount incl. tax",
        "total amount",
        "net à payer",
        "montant total",
    ],
    "currency": ["devise", "currency", "monnaie"],
    "state": ["état", "statut", "state", "status"],
    "disputed": ["litige", "en litige", "disputed", "dispute"],
    "external_id": ["identifiant externe", "external id", "id externe"],
}

COLUMNS: dict[str, dict[str, list[str]]] = {
    CUSTOMERS: {
        "code": [
            "code",
            "code client",
            "id",
            "customer code",
            "référence",
            "ref",
            "compte",
            "n° client",
            "numéro client",
            "customer id",
        ],
        "name": [
            "nom",
            "client",
            "name",
            "raison sociale",
            "nom client",
            "customer",
            "société",
            "customer name",
            "company",
        ],
        **_CUSTOMER_DETAILS,
        "language": ["langue", "language", "lang"],
        "default_payment_method": _PAYMENT_METHOD,
        "no_reminders": ["ne pas relancer", "no reminders", "pas de relance", "sans relance"],
        "no_reminders_reason": ["motif", "motif ne pas relancer", "reason", "no reminders reason"],
        "notes": ["notes", "note", "commentaire", "commentaires", "remarques"],
        "external_id": ["identifiant externe", "external id", "id externe"],
    },
    INVOICES: {
        "number": [
            "id",
            "numéro",
            "n°",
            "no",
            "num",
            "numéro facture",
            "numéro de facture",
            "n° facture",
            "facture",
            "invoice",
            "invoice number",
            "invoice no",
            "number",
            "pièce",
            "n° pièce",
            "numéro pièce",
            "référence facture",
        ],
        "kind": [
            "type",
            "type de pièce",
            "type pièce",
            "kind",
            "document type",
            "type de document",
        ],
        "issue_date": [
            "date",
            "date facture",
            "date de facture",
            "date pièce",
            "date d'émission",
            "date émission",
            "issue date",
            "invoice date",
        ],
        "due_date": [
            "échéance",
            "date échéance",
            "date d'échéance",
            "due date",
            "due",
            "date limite de paiement",
            "date de paiement prévue",
        ],
        "paid": ["réglé", "montant réglé", "déjà réglé", "paid", "amount paid", "payé", "encaissé"],
        "paid_date": [
            "date règlement",
            "date de règlement",
            "date de paiement",
            "paid date",
            "payment date",
            "date paiement",
        ],
        **_DOCUMENT_COMMON,
    },
    QUOTES: {
        "number": [
            "id",
            "numéro",
            "n°",
            "no",
            "num",
            "numéro devis",
            "numéro de devis",
            "n° devis",
            "devis",
            "quote",
            "quote number",
            "number",
            "pièce",
            "n° pièce",
        ],
        "issue_date": [
            "date",
            "date devis",
            "date du devis",
            "date pièce",
            "issue date",
            "quote date",
        ],
        "due_date": [
            "validité",
            "date de validité",
            "date validité",
            "fin de validité",
            "valable jusqu'au",
            "valid until",
            "expiry date",
            "expiration",
            "échéance",
            "date échéance",
            "due date",
        ],
        **_DOCUMENT_COMMON,
    },
    PAYMENTS: {
        "external_id": [
            "id",
            "identifiant",
            "external id",
            "identifiant externe",
            "transaction id",
            "id transaction",
            "n° règlement",
            "numéro règlement",
            "payment id",
        ],
        "reference": [
            "référence",
            "ref",
            "réf",
            "reference",
            "référence paiement",
            "payment reference",
            "libellé",
            "référence règlement",
        ],
        "date": [
            "date",
            "date règlement",
            "date de règlement",
            "payment date",
            "date paiement",
            "date de paiement",
            "date encaissement",
        ],
        "amount": [
            "montant",
            "amount",
            "montant réglé",
            "montant du règlement",
            "crédit",
            "credit",
            "montant encaissé",
        ],
        "method": [
            "mode",
            "mode pmt",
            "mode de règlement",
            "mode de paiement",
            "method",
            "payment method",
            "moyen de paiement",
        ],
        "currency": ["devise", "currency"],
        "customer.code": _CUSTOMER_CODE,
        "customer.name": _CUSTOMER_NAME,
        "invoice": [
            "facture",
            "n° facture",
            "numéro facture",
            "numéro de facture",
            "invoice",
            "invoice number",
            "factures",
            "pièce",
            "facture réglée",
        ],
        "allocated": [
            "montant affecté",
            "affecté",
            "allocated",
            "allocated amount",
            "montant imputé",
            "imputé",
            "montant lettré",
        ],
    },
}
# Derived in Relance (never typed in): accepted and ignored without a warning.
DERIVED = {
    norm(h)
    for h in [
        "retard",
        "solde",
        "%rgl",
        "% réglé",
        "pourcentage réglé",
        "balance",
        "days late",
        "percent paid",
        "% paid",
        "reste à payer",
        "reste dû",
        "jours de retard",
    ]
}
REQUIRED = {
    CUSTOMERS: [("name", "code")],
    INVOICES: [("number",), ("issue_date",), ("amount",), ("customer.code", "customer.name")],
    QUOTES: [
        ("number",),
        ("issue_date",),
        ("due_date",),
        ("amount",),
        ("customer.code", "customer.name"),
    ],
    PAYMENTS: [
        ("date",),
        ("amount",),
        ("reference", "external_id"),
        ("customer.code", "customer.name", "invoice"),
    ],
}
# The column of the row's key, to name a line and to spot a totals line.
KEY_COLUMN = {CUSTOMERS: "code", INVOICES: "number", QUOTES: "number", PAYMENTS: "reference"}

_LOOKUP = {
    kind: {norm(s): name for name, syns in cols.items() for s in [name, *syns]}
    for kind, cols in COLUMNS.items()
}
_QUOTE_MARKERS = {
    norm(h)
    for h in [
        "devis",
        "numéro devis",
        "numéro de devis",
        "n° devis",
        "validité",
        "date de validité",
        "date validité",
        "fin de validité",
        "valable jusqu'au",
        "valid until",
        "quote",
        "quote number",
        "date devis",
        "quote date",
    ]
}
_INVOICE_MARKERS = {
    norm(h)
    for h in [
        "échéance",
        "date échéance",
        "date d'échéance",
        "due date",
        "réglé",
        "numéro facture",
        "n° facture",
        "invoice number",
        "date facture",
        "invoice date",
        "nature",
        "montant ttc",
    ]
}
_PAYMENT_MARKERS = {
    norm(h)
    for h in [
        "montant affecté",
        "affecté",
        "allocated",
        "date règlement",
        "date de règlement",
        "payment date",
        "mode de règlement",
        "référence paiement",
        "payment reference",
        "transaction id",
        "référence",
        "reference",
        "facture réglée",
    ]
}
_AMOUNT_MARKERS = {norm(h) for h in COLUMNS[INVOICES]["amount"]}


def detect_kind(headers: list[str], filename: str = "") -> str | None:
    """The kind of a table from its headers, else from its file name; None if unsure."""
    names = {norm(h) for h in headers}
    if names & _QUOTE_MARKERS:
        return QUOTES
    if names & _INVOICE_MARKERS:
        return INVOICES
    if names & _AMOUNT_MARKERS and names & _PAYMENT_MARKERS:
        return PAYMENTS
    if not names & _AMOUNT_MARKERS and names & {
        "nom",
        "name",
        "client",
        "raison sociale",
        "code client",
        "code",
    }:
        return CUSTOMERS
    words = set(norm(filename.rsplit("/", 1)[-1]).split())
    for kind, hints in KIND_WORDS.items():
        if words & set(hints):
            return kind
    return None


def kind_from_word(word: str) -> str | None:
    word = norm(word)
    for kind, hints in KIND_WORDS.items():
        if word == kind or word in hints:
            return kind
    return None


def map_columns(kind: str, headers: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """(field -> column index, ignored headers, errors) for a kind's table."""
    lookup, mapping, ignored, errors = _LOOKUP[kind], {}, [], []
    for position, header in enumerate(headers):
        key = norm(header)
        if not key:
            continue
        name = lookup.get(key)
        if name is None:
            if key not in DERIVED:
                ignored.append(header)
            continue
        if name in mapping:
            errors.append(
                _("les colonnes « %(a)s » et « %(b)s » désignent la même donnée")
                % {"a": headers[mapping[name]], "b": header}
            )
            continue
        mapping[name] = position
    for options in REQUIRED[kind]:
        if not any(o in mapping for o in options):
            wanted = " / ".join(f"« {COLUMNS[kind][o][0].capitalize()} »" for o in options)
            errors.append(_("colonne manquante : %(c)s") % {"c": wanted})
    return mapping, ignored, errors
