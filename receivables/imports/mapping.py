"""A mapping: what each column of a file means, said once and reused.

A mapping names, for a kind of table, the field each header holds ("" = ignored), the
words of value-mapped columns (state, payment method, kind: "Posted" -> open), and the
meanings that differ between tools: an amount-due column (the balance, so
paid = amount - balance), a signed total (negatives are credit notes), the day/month
order of ambiguous dates and the decimal mark. Pure: no database, no file.
"""

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..coerce import CHOICE_TABLES
from ..normalize import norm
from .columns import COLUMNS, DERIVED, KINDS, REQUIRED
from .errors import RowError
from .values import date_order_of

# Fields a mapping may name beyond the table's own columns.
BALANCE = "balance"  # what is left to pay: paid = amount - balance
EXTRA_FIELDS = {"invoices": [BALANCE]}
# Headers that say what is left to pay: guessed as the balance (used when the file has no
# paid column; with one, the paid column wins).
BALANCE_HEADERS = {
    norm(h)
    for h in [
        "balance",
        "balance due",
        "open balance",
        "amount due",
        "solde",
        "reste à payer",
        "reste dû",
        "montant dû",
    ]
}
VALUE_FIELDS = ("state", "payment_method", "kind", "method")
DATE_FIELDS = ("issue_date", "due_date", "paid_date", "date")
DATE_ORDERS = ("dmy", "mdy")
DECIMALS = ("", ".", ",")


@dataclass
class Mapping:
    kind: str
    columns: dict[str, str]  # norm(header) -> field, "" to ignore
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> norm(word) -> value
    date_order: str = "dmy"
    decimal: str = ""  # "" guesses (French first)
    signed: bool = True  # a negative amount is a credit note
    name: str = ""

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "columns": self.columns,
            "values": self.values,
            "date_order": self.date_order,
            "decimal": self.decimal,
            "signed": self.signed,
        }

    @classmethod
    def from_json(cls, data: dict, name: str = "") -> "Mapping":
        return cls(
            kind=data["kind"],
            columns={norm(k): v for k, v in data.get("columns", {}).items()},
            values={
                f: {norm(w): v for w, v in words.items()}
                for f, words in data.get("values", {}).items()
            },
            date_order=data.get("date_order", "dmy"),
            decimal=data.get("decimal", ""),
            signed=data.get("signed", True),
            name=name,
        )

    def value_of(self, field_name: str, raw: str) -> str | None:
        """The stored value a word of the file stands for, by this mapping or by our own
        words (French and English labels); None when unknown."""
        word = norm(raw)
        mapped = self.values.get(field_name, {}).get(word)
        if mapped is not None:
            return mapped
        return CHOICE_TABLES[field_name].get(word)


def fields_of(kind: str) -> list[str]:
    """The fields a column of this kind of table may be mapped to."""
    return [*COLUMNS[kind], *EXTRA_FIELDS.get(kind, [])]


def signature(headers: list[str]) -> str:
    """The header set of a layout, whatever the order or case of its columns."""
    names = sorted({norm(h) for h in headers if norm(h)})
    return hashlib.sha256("|".join(names).encode()).hexdigest()[:40]


def guess(kind: str, headers: list[str]) -> Mapping:
    """Our guess from the known column names (French and English), for a kind."""
    lookup = {norm(s): name for name, syns in COLUMNS[kind].items() for s in [name, *syns]}
    columns = {}
    for header in headers:
        key = norm(header)
        if not key:
            continue
        name = lookup.get(key)
        if name is None and kind in EXTRA_FIELDS and key in BALANCE_HEADERS:
            name = BALANCE
        if name is None:
            continue  # unknown: left out, so that it is reported as ignored
        columns[key] = name  # twice the same field: resolve() says so
    return Mapping(kind=kind, columns=columns)


def resolve(mapping: Mapping, headers: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """(field -> column index, ignored headers, errors): the mapping laid on a header row."""
    if mapping.kind not in KINDS:
        return {}, [], [_("type inconnu : %(k)s") % {"k": mapping.kind}]
    allowed = set(fields_of(mapping.kind))
    positions, ignored, errors = {}, [], []
    for position, header in enumerate(headers):
        key = norm(header)
        if not key:
            continue
        name = mapping.columns.get(key)
        if not name or name not in allowed:
            if name is None and key not in DERIVED:
                ignored.append(header)
            continue
        if name in positions:
            errors.append(
                _("les colonnes « %(a)s » et « %(b)s » désignent la même donnée")
                % {"a": headers[positions[name]], "b": header}
            )
            continue
        positions[name] = position
    for options in REQUIRED[mapping.kind]:
        if not any(o in positions for o in options):
            wanted = " / ".join(f"« {COLUMNS[mapping.kind][o][0].capitalize()} »" for o in options)
            errors.append(_("colonne manquante : %(c)s") % {"c": wanted})
    return positions, ignored, errors


def unknown_values(mapping: Mapping, headers, positions: dict[str, int], rows) -> list[RowError]:
    """Every distinct word of a value-mapped column that neither the mapping nor our own
    words know, once, with all its lines: what the mapping step asks about."""
    found: dict[tuple[str, str], list[int]] = {}
    for name in VALUE_FIELDS:
        if name not in positions:
            continue
        position, seen = positions[name], {}
        for line, cells in rows:
            raw = cells[position] if position < len(cells) else None
            text = "" if raw is None else str(raw).strip()
            if not text:
                continue
            known = seen.get(text)
            if known is None:
                known = seen[text] = mapping.value_of(name, text) is not None
            if not known:
                found.setdefault((name, text), []).append(line)
    return [
        RowError(
            lines[0],
            headers[positions[name]],
            _("valeur inconnue « %(v)s » (%(n)s ligne(s) : %(lines)s) : indiquez sa correspondance")
            % {"v": text, "n": len(lines), "lines": _lines(lines)},
            tuple(lines),
        )
        for (name, text), lines in found.items()
    ]


def _lines(lines: list[int], most: int = 30) -> str:
    shown = ", ".join(str(n) for n in lines[:most])
    return shown + (" …" if len(lines) > most else "")


def distinct_values(rows, position: int, most: int = 50) -> list[str]:
    """The distinct words of a column, in the order met (for the mapping step)."""
    out: dict[str, None] = {}
    for _line, cells in rows:
        raw = cells[position] if position < len(cells) else None
        text = "" if raw is None else str(raw).strip()
        if text and text not in out:
            out[text] = None
            if len(out) >= most:
                break
    return list(out)


def settle_date_order(mapping: Mapping, positions: dict[str, int], rows) -> str | None:
    """The mapping's day/month order, or the one the file's dates show; None when the
    mapping leaves it to the file and every date reads both ways (03/04/24)."""
    if mapping.date_order:
        return mapping.date_order
    orders = set()
    for name in DATE_FIELDS:
        if name in positions:
            position = positions[name]
            cells = (c[position] for _line, c in rows if position < len(c))
            orders.add(date_order_of(cells))
    orders.discard("")
    if None in orders or len(orders) > 1:
        return None
    return orders.pop() if orders else "dmy"
