"""Rows of a table -> items for receivables.upsert, with errors named by line and column."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..coerce import BadValue
from ..normalize import DOCUMENT_KINDS, norm
from .columns import CUSTOMERS, INVOICES, KEY_COLUMN, LIFECYCLE, PAYMENTS, QUOTES
from .errors import RowError
from .mapping import BALANCE, VALUE_FIELDS, Mapping
from .values import parse_amount, parse_date, parse_text

AMOUNTS = {"amount", "paid", "allocated", BALANCE, "amount_excl_tax", "tax_amount"}
DATES = {"issue_date", "due_date", "paid_date", "date"}
TOTAL_WORDS = {"somme", "total", "totaux", "sous total", "total general"}


@dataclass
class Items:
    items: list[dict] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped_totals: int = 0
    repeated: int = 0  # rows repeating a document already read, value for value


def _reader(name: str, options: Mapping | None):
    """The function reading one column's cells, with the mapping's explicit meanings."""
    if name in AMOUNTS:
        decimal = options.decimal if options else ""
        return lambda raw: parse_amount(raw, decimal)
    if name in DATES:
        order = options.date_order if options else "dmy"
        return _remembered(lambda raw: parse_date(raw, order))
    if options and name in VALUE_FIELDS and options.values.get(name):
        return lambda raw: _mapped(options, name, raw)
    return _text


def _remembered(read, most: int = 10_000):
    """read, remembering its answers for text cells: a list of 100,000 invoices has a
    few hundred distinct dates (a refusal is not remembered: it raises each time)."""
    seen: dict = {}

    def cached(raw):
        if not isinstance(raw, str):
            return read(raw)
        found = seen.get(raw)
        if found is None:
            found = read(raw)
            if len(seen) < most:
                seen[raw] = found
        return found

    return cached


def _text(raw):
    return parse_text(raw) or None


def _mapped(options: Mapping, name: str, raw):
    text = parse_text(raw)
    if not text:
        return None
    return options.values[name].get(norm(text), text)


def build_items(
    kind: str,
    headers: list[str],
    mapping: dict[str, int],
    rows,
    progress=None,
    options: Mapping | None = None,
) -> Items:
    """Every row read at once (the mapping step's preview; imports go by chunks)."""
    builder, out = ItemBuilder(kind, headers, mapping, options), Items()
    total = len(rows)
    for done, (line, cells) in enumerate(rows, start=1):
        if progress and done % 2000 == 0:
            progress("read", done, total)
        builder.add(line, cells, out)
    if progress:
        progress("read", total, total)
    return out


class ItemBuilder:
    """Rows -> items, one at a time, remembering the keys already met in the file (a
    second row of the same document: the same values are one line of it, others an
    error), so that a file can be read in chunks."""

    def __init__(self, kind: str, headers: list[str], mapping: dict[str, int], options=None):
        self.kind, self.headers = kind, headers
        self.readers = [(name, pos, _reader(name, options)) for name, pos in mapping.items()]
        self.signed = options.signed if options else True
        self.key_col = mapping.get(
            KEY_COLUMN[kind], mapping.get("external_id", mapping.get("name"))
        )
        self.seen: dict[tuple, tuple[int, int]] = {}  # key -> (first line, its values' hash)

    def add(self, line: int, cells, out: Items) -> None:
        values, bad = {}, False
        for name, position, read in self.readers:
            raw = cells[position] if position < len(cells) else None
            try:
                value = read(raw)
            except BadValue as exc:
                out.errors.append(RowError(line, self.headers[position], str(exc)))
                bad = True
                continue
            if value is not None:
                values[name] = value
        if self.kind != CUSTOMERS and _is_totals_line(cells, values):
            out.skipped_totals += 1
            return
        item = _to_item(self.kind, values, self.signed)
        key = _key(self.kind, item)
        if key is None:
            if not bad:
                out.items.append(item)
                out.lines.append(line)
            return
        fingerprint = hash(repr(item))
        if key in self.seen:
            first_line, first = self.seen[key]
            if not bad and fingerprint == first:
                out.repeated += 1  # one row per invoice line (Xero): the same document
                return
            column = self.headers[self.key_col] if self.key_col is not None else ""
            out.errors.append(
                RowError(
                    line,
                    column,
                    _("« %(k)s » figure déjà ligne %(l)s") % {"k": key[-1], "l": first_line},
                )
            )
            return
        self.seen[key] = (line, fingerprint)
        if not bad:
            out.items.append(item)
            out.lines.append(line)


def _is_totals_line(cells, values) -> bool:
    """A "Somme" / "Total" line under a list: no date, and a total word somewhere."""
    if any(name in values for name in DATES):
        return False
    return any(norm(parse_text(c)) in TOTAL_WORDS for c in cells if c is not None)


def _key(kind: str, item: dict):
    if kind == CUSTOMERS:
        if item.get("code"):
            return ("code", item["code"])
        return ("name", norm(item["name"]), item["name"]) if item.get("name") else None
    if kind in (INVOICES, QUOTES):
        return (item.get("kind", "invoice"), item["number"]) if item.get("number") else None
    if kind == LIFECYCLE:  # one invoice has several statuses, each once a day
        return (item.get("number"), item.get("status"), item.get("date"))
    if item.get("external_id"):
        return ("external_id", item["external_id"])
    if item.get("reference"):
        return ("reference", str(item.get("customer")), item["reference"])
    return None


def _customer(values: dict):
    details = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("customer.")}
    if "consumer" in details:
        details["is_business"] = not _truthy(details.pop("consumer"))
    if not details:
        return None
    if set(details) == {"code"}:
        return details["code"]
    return details


def _truthy(value) -> bool:
    return norm(value) in {"1", "true", "vrai", "oui", "yes", "o", "y", "x"}


def _to_item(kind: str, values: dict, signed: bool = True) -> dict:
    if kind == CUSTOMERS:
        item = dict(values)
        if "consumer" in item:
            item["is_business"] = not _truthy(item.pop("consumer"))
        return item
    if kind == PAYMENTS:
        item = {
            k: v
            for k, v in values.items()
            if not k.startswith("customer.") and k not in ("invoice", "allocated")
        }
        if values.get("invoice"):
            item["allocations"] = [
                {"invoice": values["invoice"], "amount": values.get("allocated")}
            ]
    else:
        item = {k: v for k, v in values.items() if not k.startswith("customer.")}
        amount, balance = item.get("amount"), item.pop(BALANCE, None)
        if kind == INVOICES and signed and amount is not None and amount < 0:
            item["amount"], item["kind"] = (
                -amount,
                "credit_note",
            )  # exports list credit notes as negatives
        if balance is not None and amount is not None and "paid" not in item:
            # an "amount due" column: what is settled is the rest (signs as the total's)
            item["paid"] = abs(amount) - abs(balance)
        if kind == INVOICES and item.get("kind"):
            item["kind"] = _kind_word(item["kind"])
    customer = _customer(values)
    if customer is not None:
        item["customer"] = customer
    return item


def _kind_word(value: str) -> str:
    return DOCUMENT_KINDS.get(norm(value), value)


def column_of(field_name: str, headers: list[str], mapping: dict[str, int]) -> str:
    """The header to show for an upsert error on `field_name` ('customer.emails', 'allocations[0]')."""
    candidates = {
        "customer": ["customer.code", "customer.name", "invoice"],
        "allocations": ["invoice"],
        "code": ["code", "name"],
        "kind": ["kind", "amount"],
    }
    base = field_name.split("[", 1)[0]
    names = [field_name]
    if field_name.startswith("allocations") and field_name.endswith(".amount"):
        names = ["allocated", "amount"]
    elif field_name.startswith("customer.") and field_name.endswith("is_business"):
        names = [field_name, "customer.consumer"]
    elif base in candidates:
        names = candidates[base]
    for name in names:
        if name in mapping:
            return headers[mapping[name]]
    return field_name
