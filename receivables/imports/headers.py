"""A table's header row: which kind of table it is, and which column holds which field."""

from django.utils.translation import gettext as _

from ..normalize import norm
from .columns import (
    COLUMNS,
    CUSTOMERS,
    DERIVED,
    INVOICES,
    KIND_WORDS,
    LIFECYCLE,
    PAYMENTS,
    QUOTES,
    REQUIRED,
)

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
_LIFECYCLE_MARKERS = {
    norm(h)
    for h in [
        "code statut",
        "statut cycle de vie",
        "statut plateforme",
        "status code",
        "lifecycle status",
    ]  # fmt: skip
}
_AMOUNT_MARKERS = {norm(h) for h in COLUMNS[INVOICES]["amount"]}
# A document's number and its date: a customers list has neither (« Numéro;Date;Client »
# is a list of invoices, even with no amount column).
_DATE_MARKERS = {norm(h) for h in COLUMNS[INVOICES]["issue_date"]}
_NUMBER_MARKERS = {norm(h) for h in COLUMNS[INVOICES]["number"]} - {
    norm(h) for h in COLUMNS[CUSTOMERS]["code"]
}


def detect_kind(headers: list[str], filename: str = "") -> str | None:
    """The kind of a table from its headers, else from its file name; None if unsure."""
    names = {norm(h) for h in headers}
    if names & _LIFECYCLE_MARKERS:
        return LIFECYCLE
    if names & _QUOTE_MARKERS:
        return QUOTES
    if names & _INVOICE_MARKERS:
        return INVOICES
    if names & _AMOUNT_MARKERS and names & _PAYMENT_MARKERS:
        return PAYMENTS
    if names & _DATE_MARKERS and names & _NUMBER_MARKERS:
        return INVOICES
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
