"""The mapping step a person goes through for a file we cannot read alone: each column
with sample values and the field we guess, the words of value-mapped columns, the date
order when the dates read both ways; then the first rows as they will be stored."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Company, DocumentKind, DocumentState, PaymentMethod
from ..normalize import norm
from .columns import COLUMNS, INVOICES, KINDS
from .errors import ImportRejected
from .header_row import promote_header
from .headers import detect_kind
from .layout import choose
from .mapping import BALANCE, VALUE_FIELDS, Mapping, fields_of, resolve, settle_date_order
from .rows import build_items
from .service import file_format
from .tabular import Table, read_csv, read_xlsx

PREVIEW_ROWS = 20
SAMPLES = 3
LABELS = {
    "number": gettext_lazy("Numéro"),
    "issue_date": gettext_lazy("Date"),
    "due_date": gettext_lazy("Échéance"),
    "description": gettext_lazy("Nature / libellé"),
    "currency": gettext_lazy("Devise"),
    "external_id": gettext_lazy("Identifiant externe"),
    "customer.code": gettext_lazy("Code client"),
    "customer.name": gettext_lazy("Client (nom)"),
    "customer.contact_name": gettext_lazy("Client : contact"),
    "customer.emails": gettext_lazy("Client : e-mail"),
    "customer.phone": gettext_lazy("Client : téléphone"),
    "customer.address": gettext_lazy("Client : adresse"),
    "customer.postal_code": gettext_lazy("Client : code postal"),
    "customer.city": gettext_lazy("Client : ville"),
    "customer.country": gettext_lazy("Client : pays"),
    "customer.is_business": gettext_lazy("Client : professionnel"),
    "customer.consumer": gettext_lazy("Client : particulier"),
    BALANCE: gettext_lazy("Reste à payer (réglé = montant − reste)"),
    "paid": gettext_lazy("Montant réglé"),
    "amount": gettext_lazy("Montant TTC"),
    "state": gettext_lazy("État"),
    "payment_method": gettext_lazy("Mode de paiement"),
    "kind": gettext_lazy("Type (facture / avoir)"),
}
CHOICES = {
    "state": DocumentState.choices,
    "payment_method": PaymentMethod.choices,
    "method": PaymentMethod.choices,
    "kind": DocumentKind.choices,
}


@dataclass
class Column:
    index: int
    header: str
    samples: list[str]
    field: str


@dataclass
class ValueColumn:
    field: str
    header: str
    words: list[tuple[int, str, str]]  # (index, word in the file, value chosen or "")
    choices: list[tuple[str, str]]


@dataclass
class Step:
    mapping: Mapping
    columns: list[Column]
    fields: list[tuple[str, str]]
    values: list[ValueColumn] = field(default_factory=list)
    dates_ambiguous: bool = False
    errors: list[str] = field(default_factory=list)


def open_table(data: bytes, filename: str) -> Table:
    """The file's table from its real header row (CSV or XLSX only)."""
    fmt = file_format(data, filename)
    if fmt not in ("csv", "xlsx"):
        raise ImportRejected([], filename)
    table = read_xlsx(data, filename) if fmt == "xlsx" else read_csv(data, filename)
    return promote_header(table)[0]


def propose(company: Company, table: Table, filename: str, kind: str | None = None) -> Mapping:
    """What we would read the file with: a saved mapping, a preset, else our guess."""
    if kind is None and detect_kind(table.headers, filename) is None:
        kind = INVOICES  # a person says otherwise on the step
    try:
        return choose(company, table.headers, filename, kind=kind).mapping
    except ImportRejected:
        return choose(company, table.headers, filename, kind=INVOICES).mapping


def field_label(kind: str, name: str) -> str:
    if name in LABELS:
        return str(LABELS[name])
    return COLUMNS[kind][name][0].capitalize() if name in COLUMNS[kind] else name


def step(table: Table, mapping: Mapping) -> Step:
    kind = mapping.kind
    columns = [
        Column(i, h, _samples(table, i), mapping.columns.get(norm(h), ""))
        for i, h in enumerate(table.headers)
        if norm(h)
    ]
    fields = [(f, field_label(kind, f)) for f in fields_of(kind)]
    positions, _ignored, errors = resolve(mapping, table.headers)
    out = Step(mapping, columns, fields, errors=errors)
    for name in VALUE_FIELDS:
        if name in positions:
            out.values.append(_value_column(table, mapping, name, positions[name]))
    out.dates_ambiguous = settle_date_order(_without_order(mapping), positions, table.rows) is None
    return out


def _without_order(mapping: Mapping) -> Mapping:
    return Mapping(kind=mapping.kind, columns=mapping.columns, date_order="")


def _samples(table: Table, index: int) -> list[str]:
    out = []
    for _line, cells in table.rows:
        value = cells[index] if index < len(cells) else None
        text = "" if value is None else str(value).strip()
        if text:
            out.append(text)
            if len(out) == SAMPLES:
                break
    return out


def _value_column(table: Table, mapping: Mapping, name: str, position: int) -> ValueColumn:
    from .mapping import distinct_values

    words = [
        (j, w, mapping.value_of(name, w) or "")
        for j, w in enumerate(distinct_values(table.rows, position))
    ]
    return ValueColumn(name, table.headers[position], words, list(CHOICES[name]))


def mapping_from_form(form, table: Table) -> Mapping:
    """The mapping a person chose on the step (`form`: the posted fields).

    A change of kind starts again from our guess for that kind."""
    previous = form.get("shown_kind") if form.get("shown_kind") in KINDS else INVOICES
    kind = form.get("kind") if form.get("kind") in KINDS else previous
    if kind != previous:
        from .mapping import guess

        return guess(kind, table.headers)
    allowed = set(fields_of(kind))
    columns = {}
    for i, header in enumerate(table.headers):
        if norm(header):
            chosen = form.get(f"col-{i}", "")
            columns[norm(header)] = chosen if chosen in allowed else ""
    mapping = Mapping(
        kind=kind,
        columns=columns,
        date_order=form.get("date_order") if form.get("date_order") in ("dmy", "mdy") else "",
        decimal=form.get("decimal") if form.get("decimal") in (".", ",") else "",
        signed=form.get("signed", "") == "on",
        name=form.get("name", "").strip(),
    )
    mapping.values = _values_from_form(form, table, mapping)
    return mapping


def _values_from_form(form, table: Table, mapping: Mapping) -> dict[str, dict[str, str]]:
    from .mapping import distinct_values

    positions, _ignored, _errors = resolve(mapping, table.headers)
    values: dict[str, dict[str, str]] = {}
    for name in VALUE_FIELDS:
        if name not in positions:
            continue
        allowed = {v for v, _label in CHOICES[name]}
        for j, word in enumerate(distinct_values(table.rows, positions[name])):
            chosen = form.get(f"val-{name}-{j}", "")
            if chosen in allowed:
                values.setdefault(name, {})[norm(word)] = chosen
    return values


@dataclass
class Preview:
    labels: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


FIRST_KEYS = ["number", "kind", "customer", "issue_date", "due_date", "amount", "paid"]


def preview(table: Table, mapping: Mapping) -> Preview:
    """The first rows as they will be stored (a credit note as such, paid worked out from
    the amount due...), and the errors they have."""
    positions, _ignored, errors = resolve(mapping, table.headers)
    if errors:
        return Preview(errors=errors)
    order = settle_date_order(mapping, positions, table.rows)
    options = Mapping(**{**mapping.__dict__, "date_order": order or "dmy"})
    built = build_items(
        mapping.kind, table.headers, positions, table.rows[:PREVIEW_ROWS], None, options
    )
    items = [_shown(item) for item in built.items]
    keys = [k for k in FIRST_KEYS if any(k in i for i in items)]
    keys += [k for i in items for k in i if k not in keys and not keys.count(k)]
    keys = list(dict.fromkeys(keys))
    labels = [_("Client") if k == "customer" else field_label(mapping.kind, k) for k in keys]
    rows = [[item.get(k, "") for k in keys] for item in items]
    return Preview(labels, rows, [str(e) for e in built.errors])


def _shown(item: dict) -> dict:
    shown = dict(item)
    customer = item.get("customer")
    if isinstance(customer, dict):
        shown["customer"] = customer.get("name") or customer.get("code") or ""
    if "kind" in item:
        shown["kind"] = dict(DocumentKind.choices).get(item["kind"], item["kind"])
    for name in ("state", "payment_method"):
        if name in item:
            shown[name] = dict(CHOICES[name]).get(item[name], item[name])
    return shown
