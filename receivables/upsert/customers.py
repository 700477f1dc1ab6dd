"""Customers: the upsert keyed by `code`, and the book that resolves customer references."""

from collections import defaultdict

from django.utils.translation import gettext as _

from ..models import Company, Customer
from ..normalize import norm
from .batch import (
    Errors,
    Updates,
    UpsertError,
    UpsertResult,
    check_keys,
    coerce_fields,
    fetch,
    fetch_stored,
    refuse_nul,
    run,
)
from .fast_insert import insert

CUSTOMER_FIELDS = (
    "name",
    "contact_name",
    "emails",
    "phone",
    "address",
    "postal_code",
    "city",
    "country",
    "language",
    "is_business",
    "default_payment_method",
    "no_reminders",
    "no_reminders_reason",
    "blocked_until",
    "external_id",
    "notes",
)
_ALLOWED = {"code", *CUSTOMER_FIELDS}


def as_reference(ref):
    """A reference as the book reads it: a dict, with a number taken as a code (JSON
    clients send `"customer": 5`); anything else is returned as is, to be refused."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        ref = str(ref)
    if isinstance(ref, str):
        return {"code": ref}
    if (
        isinstance(ref, dict)
        and isinstance(ref.get("code"), int)
        and not isinstance(ref.get("code"), bool)
    ):
        return {**ref, "code": str(ref["code"])}
    return ref


def _code_from_name(name: str) -> str:
    return norm(name).upper().replace(" ", "-")[:40] or "CLIENT"


class CustomerBook:
    """Resolves customer references of a batch with a few queries, creating new ones last.

    A reference is a code (str) or a dict with `code` and/or `name` and optional details.
    Unknown code without a name is an error; a name alone matches an existing customer
    of that name (case and accents ignored) or creates one with a code made from it.
    """

    def __init__(self, company: Company, fields: tuple[str, ...] | None = None):
        """fields: the only ones to load of known customers (all when None); a batch that
        only refers to customers needs their id, code and name."""
        self.company, self.fields = company, fields
        self.by_code: dict[str, Customer] = {}
        self.by_name: dict[str, list[Customer]] = defaultdict(list)
        self.new: dict[str, Customer] = {}  # code -> unsaved customer
        self.new_by_name: dict[str, Customer] = {}

    def load(self, refs: list) -> None:
        refs = [r for r in map(as_reference, refs) if isinstance(r, dict)]
        codes = {str(r["code"]).strip() for r in refs if r.get("code")}
        needs_names = any(not r.get("code") for r in refs)
        scope = Customer.objects.for_company(self.company)
        if needs_names:
            customers = list(scope.only(*self.fields) if self.fields else scope)
        elif self.fields:
            customers = fetch_stored(scope, "code", codes, self.fields)
        else:
            customers = fetch(scope, "code", codes)
        for customer in customers:
            self.by_code[customer.code] = customer
            self.by_name[norm(customer.name)].append(customer)

    def candidates(self, code: str, name: str) -> list[Customer]:
        """The customer of that code, else every customer of that name (known or new)."""
        if code:
            found = self.by_code.get(code) or self.new.get(code)
            return [found] if found is not None else []
        matches = self.by_name.get(norm(name), [])
        if matches:
            return list(matches)
        new = self.new_by_name.get(norm(name))
        return [new] if new is not None else []

    def resolve(self, ref, errors: Errors, index: int, fld: str) -> Customer | None:
        ref = as_reference(ref)
        if not isinstance(ref, dict):
            errors.add(index, fld, _("code client ou objet client attendu"))
            return None
        for key in sorted(set(ref) - _ALLOWED):
            errors.add(index, f"{fld}.{key}", _("champ inconnu"))
        code = str(ref.get("code") or "").strip()
        name = str(ref.get("name") or "").strip()
        if len(code) > 50:
            errors.add(index, f"{fld}.code", _("trop long (50 caractères au plus)"))
            return None
        if not code and not name:
            errors.add(index, fld, _("client manquant (code ou nom)"))
            return None
        found = self.candidates(code, name)
        if len(found) > 1:
            errors.add(
                index,
                fld,
                _("plusieurs clients s'appellent « %(name)s » : donnez le code (%(codes)s)")
                % {"name": name, "codes": ", ".join(sorted(c.code for c in found))},
            )
            return None
        if found:
            return found[0]
        if not name:
            errors.add(
                index,
                fld,
                _("client inconnu : « %(code)s » (donnez aussi son nom pour le créer)")
                % {"code": code},
            )
            return None
        return self._create(code or self.free_code(name), ref, errors, index, fld)

    def free_code(self, name: str) -> str:
        base = _code_from_name(name)
        code, n = base, 1
        # Name-only references load every customer of the company, so by_code is complete.
        while code in self.by_code or code in self.new:
            n += 1
            code = f"{base}-{n}"
        return code

    def _create(self, code: str, ref: dict, errors: Errors, index: int, fld: str) -> Customer:
        values = coerce_fields(Customer, ref, CUSTOMER_FIELDS, errors, index, f"{fld}.")
        customer = Customer(company=self.company, code=code, **values)
        self.add_new(customer, customer.name)
        return customer

    def add_new(self, customer: Customer, name: str) -> None:
        self.new[customer.code] = customer
        self.new_by_name[norm(name)] = customer

    def save_new(self) -> int:
        if self.new:
            insert(Customer, list(self.new.values()))
        return len(self.new)


def upsert_customers(company: Company, items: list[dict], *, dry_run: bool = False) -> UpsertResult:
    """Create or update customers keyed by `code`.

    Item keys: code (str, ≤ 50; when absent, `name` matches an existing customer or
    makes a new code), name (required to create), contact_name, emails (str or list),
    phone, address, postal_code, city, country (2 letters), language, is_business,
    default_payment_method, no_reminders, no_reminders_reason, blocked_until,
    external_id, notes.
    """
    refuse_nul(items)
    errors = Errors()
    book = CustomerBook(company)
    book.load([{k: i.get(k) for k in ("code", "name")} for i in items if isinstance(i, dict)])
    planned: list[tuple[Customer, dict, bool]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        plan = _plan_customer(book, item, errors, index)
        if plan is None:
            continue
        key = plan[0].code
        if key in seen:
            errors.add(
                index,
                "code",
                _("doublon de l'élément %(i)s (code %(c)s)") % {"i": seen[key], "c": key},
            )
            continue
        seen[key] = index
        planned.append(plan)
    if errors:
        raise UpsertError(errors)
    return run(lambda: _write_customers(book, planned), dry_run)


def _plan_customer(book: CustomerBook, item, errors: Errors, index: int) -> tuple | None:
    """(customer, values, is new) for one item, or None after saying what is wrong."""
    if not check_keys(item, _ALLOWED, errors, index):
        return None
    values = coerce_fields(Customer, item, CUSTOMER_FIELDS, errors, index)
    code = str(item.get("code") or "").strip()
    if len(code) > 50:
        errors.add(index, "code", _("trop long (50 caractères au plus)"))
        return None
    if "name" in values and not values["name"]:
        errors.add(index, "name", _("nom vide"))
        return None
    found = book.candidates(code, values.get("name", ""))
    if len(found) > 1:
        errors.add(index, "code", _("plusieurs clients portent ce nom : donnez le code"))
        return None
    customer = found[0] if found else _new_customer(book, code, values, errors, index)
    if customer is None:
        return None
    return customer, values, customer.pk is None


def _new_customer(
    book: CustomerBook, code: str, values: dict, errors: Errors, index: int
) -> Customer | None:
    if not values.get("name"):
        if not errors.has(index, "name"):
            errors.add(index, "name", _("requis pour créer le client %(c)s") % {"c": code})
        return None
    customer = Customer(company=book.company, code=code or book.free_code(values["name"]))
    book.add_new(customer, values["name"])
    return customer


def _write_customers(book: CustomerBook, planned: list[tuple]) -> UpsertResult:
    result = UpsertResult()
    updates = Updates()
    for customer, values, is_new in planned:
        if is_new:
            for name, value in values.items():
                setattr(customer, name, value)
        elif not updates.apply(customer, values):
            result.unchanged += 1
    result.created = book.save_new()
    updates.save(Customer)
    result.updated = len(updates.rows)
    return result
