"""The all-or-nothing batch: its errors, its result, its one transaction, shared helpers."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..coerce import BadValue, coercer, nul_paths, nul_refused
from ..services import refresh_paid_amounts
from .any_of import any_of
from .fast_update import update
from .instances import stored

CHUNK = 900  # SQLite's historic limit of bound parameters per statement
FETCH_CHUNK = 10_000  # keys looked up per statement (one bound value: see any_of)


@dataclass(frozen=True)
class ItemError:
    index: int | None  # position in the list given, 0-based; None: the batch as a whole
    field: str  # key of the item, "" when it is about the whole item
    reason: str

    def __str__(self) -> str:
        where = _("élément %(i)s") % {"i": self.index} if self.index is not None else _("lot")
        return f"{where}, {self.field or '-'} : {self.reason}"


class UpsertError(Exception):
    """Nothing was written; `errors` says what to fix, item by item."""

    def __init__(self, errors: list[ItemError]):
        self.errors = sorted(errors, key=lambda e: e.index if e.index is not None else -1)
        super().__init__("; ".join(str(e) for e in self.errors[:5]))


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    customers_created: int = 0
    payments_created: int = 0
    payments_updated: int = 0
    payments_deleted: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.customers_created
            or self.payments_created
            or self.payments_updated
            or self.payments_deleted
        )


class _DryRun(Exception):
    pass


class Errors(list):
    """The problems found so far, and on which fields of which item."""

    def __init__(self):
        super().__init__()
        self.where: dict[int | None, set[str]] = defaultdict(set)

    def add(self, index, field_name: str, reason: str) -> None:
        self.append(ItemError(index, field_name, str(reason)))
        self.where[index].add(field_name)

    def has(self, index, *prefixes: str) -> bool:
        """Whether the item already has an error on a field starting with one of prefixes."""
        return any(f.startswith(prefixes) for f in self.where.get(index, ()))


class Updates:
    """Existing rows a batch changes, saved with one bulk_update of the fields changed."""

    def __init__(self):
        self.rows: list = []
        self.fields: set[str] = set()

    def apply(self, obj, values: dict) -> list[str]:
        """Set the values that differ on obj; the names of those fields."""
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            self.rows.append(obj)
            self.fields.update(changed)
        return changed

    def save(self, model) -> None:
        if self.rows:
            update(model, self.rows, self.fields)


def chunks(values, size: int = CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def fetch(queryset, lookup: str, values) -> list:
    """The rows whose `lookup` is one of values, a few statements whatever their number."""
    attnames = tuple(f.attname for f in queryset.model._meta.concrete_fields)
    return fetch_stored(queryset, lookup, values, attnames)


def fetch_stored(queryset, lookup: str, values, attnames: tuple[str, ...]) -> list:
    """fetch, with only the fields named loaded: instances built from plain tuples cost
    a fraction of Django's (a re-import compares 100,000 stored invoices)."""
    rows = []
    for chunk in chunks(set(values), FETCH_CHUNK):
        rows.extend(queryset.filter(any_of(lookup, chunk)).values_list(*attnames))
    return stored(queryset.model, attnames, rows)


def coerce_fields(model, item: dict, names, errors: Errors, index: int, prefix: str = "") -> dict:
    values = {}
    for name in names:
        if name in item:
            try:
                values[name] = coercer(model, name)(item[name])
            except BadValue as exc:
                errors.add(index, prefix + name, exc)
    return values


def check_keys(item, allowed: set[str], errors: Errors, index: int) -> bool:
    """Whether item is a dict (unknown keys are reported, the rest is still read)."""
    if not isinstance(item, dict):
        errors.add(index, "", _("un objet (dictionnaire) est attendu"))
        return False
    if item.keys() <= allowed:
        return True  # the usual item: nothing unknown to report
    for key in sorted(set(item) - allowed):
        errors.add(index, key, _("champ inconnu"))
    return True


def refuse_nul(items: list) -> None:
    """Before any lookup: PostgreSQL refuses NUL in text even in a WHERE clause."""
    errors = Errors()
    for index, item in enumerate(items):
        if "\\x00" not in repr(item):  # repr escapes NUL: most items need no deeper look
            continue
        for where in nul_paths(item):
            errors.add(index, where, nul_refused())
    if errors:
        raise UpsertError(errors)


def run(fn, dry_run: bool):
    """Run fn in one transaction; a dry run rolls it back but still returns the counts."""
    outcome = {}
    try:
        with transaction.atomic():
            outcome["result"] = fn()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except IntegrityError as exc:
        raise UpsertError(
            [ItemError(None, "", _("refusé par la base de données : %(e)s") % {"e": exc})]
        ) from exc
    return outcome["result"]


def refresh(document_ids, payment_ids) -> None:
    """Recompute paid amounts of these documents and payments from their allocations."""
    for chunk in chunks(document_ids):
        refresh_paid_amounts(document_ids=chunk)
    for chunk in chunks(payment_ids):
        refresh_paid_amounts(payment_ids=chunk)
