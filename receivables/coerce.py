"""Turn one item's values into model values, or say precisely why not.

Values are expected already parsed (Decimal, date, bool) but strings are accepted too
(ISO dates, "12.50", "oui"/"true", choice labels in French or English) so that JSON
clients and spreadsheets alike get a clear answer rather than a crash.
"""

import functools
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _

from .normalize import (
    DOCUMENT_KINDS,
    DOCUMENT_STATES,
    FALSE_WORDS,
    PAYMENT_METHODS,
    TRUE_WORDS,
    norm,
)

CHOICE_TABLES = {
    "payment_method": PAYMENT_METHODS,
    "default_payment_method": PAYMENT_METHODS,
    "method": PAYMENT_METHODS,
    "state": DOCUMENT_STATES,
    "kind": DOCUMENT_KINDS,
    # the category of operation (2026 mention), in words or as the French CIUS code
    "operation_category": {
        "": "",
        "goods": "goods",
        "biens": "goods",
        "livraison de biens": "goods",
        "b1": "goods",
        "services": "services",
        "prestation de services": "services",
        "prestations de services": "services",
        "s1": "services",
        "mixed": "mixed",
        "mixte": "mixed",
        "m1": "mixed",
    },
}
MAX_MONEY = Decimal("999999999999.99")
CENT = Decimal("0.01")
# Dates outside these years are typing slips (0001, 9999), never an invoice's date.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


class BadValue(ValueError):
    """The reason a value was refused, in the user's language."""


def to_money(value) -> Decimal:
    """The one rule for an amount, whatever its source (file, API, statement)."""
    if isinstance(value, bool) or value is None or value == "":
        raise BadValue(_("montant manquant"))
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise BadValue(_("montant illisible : « %(v)s »") % {"v": value}) from None
    if not amount.is_finite():
        raise BadValue(_("montant illisible : « %(v)s »") % {"v": value})
    # Size first: quantizing 27 digits or 1E+300 overflows Decimal's 28-digit context.
    if abs(amount) > MAX_MONEY:
        raise BadValue(_("montant trop grand : %(v)s") % {"v": value})
    cents = amount.quantize(CENT)
    if amount != cents:
        raise BadValue(_("plus de deux décimales : %(v)s") % {"v": value})
    return cents


def to_date(value) -> date:
    if isinstance(value, datetime):
        return in_range(value.date())
    if isinstance(value, date):
        return in_range(value)
    if isinstance(value, str) and value.strip():
        try:
            day = date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
        else:
            return in_range(day)
    raise BadValue(_("date illisible : « %(v)s » (attendu AAAA-MM-JJ)") % {"v": value})


def in_range(day: date) -> date:
    """The one rule for a date's year, whatever its source."""
    if not EARLIEST <= day <= LATEST:
        raise BadValue(
            _("date hors limites : %(d)s (attendu entre %(a)s et %(b)s)")
            % {
                "d": f"{day.day:02}/{day.month:02}/{day.year:04}",
                "a": EARLIEST.year,
                "b": LATEST.year,
            }
        )
    return day


def nul_paths(value, where: str = "") -> list[str]:
    """Paths of the strings holding a NUL character, e.g. ["customer.name"]: the one NUL
    check (PostgreSQL stores no NUL in text, not even to look a value up)."""
    if isinstance(value, str):
        return [where] if "\x00" in value else []
    if isinstance(value, dict):
        return [
            f for k, v in value.items() for f in nul_paths(v, f"{where}.{k}" if where else str(k))
        ]
    if isinstance(value, list | tuple):
        return [f for i, v in enumerate(value) for f in nul_paths(v, f"{where}[{i}]")]
    return []


def nul_refused() -> str:
    return _("caractère nul (\\x00) interdit")


def to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    word = norm(value if value is not None else "")
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadValue(_("oui ou non attendu : « %(v)s »") % {"v": value})


def to_choice(name: str, value) -> str:
    table = CHOICE_TABLES[name]
    found = table.get(norm(value if value is not None else ""))
    if found is None:
        allowed = ", ".join(sorted(set(table.values())))
        raise BadValue(
            _("valeur inconnue « %(v)s » (attendu : %(allowed)s)")
            % {"v": value, "allowed": allowed}
        )
    return found


def to_emails(value) -> str:
    parts = (
        value if isinstance(value, list | tuple) else str(value or "").replace(";", ",").split(",")
    )
    emails = [str(p).strip() for p in parts if str(p).strip()]
    for email in emails:
        try:
            validate_email(email)
        except ValidationError:
            raise BadValue(_("adresse e-mail invalide : « %(v)s »") % {"v": email}) from None
    return ", ".join(emails)


def to_text(value, max_length: int | None) -> str:
    text = "" if value is None else str(value).strip()
    if max_length and len(text) > max_length:
        raise BadValue(
            _("trop long (%(n)s caractères, %(max)s au plus)") % {"n": len(text), "max": max_length}
        )
    return text


def coerce(model, name: str, value):
    """The model value for `model.name`, raising BadValue with a readable reason."""
    return coercer(model, name)(value)


@functools.cache
def coercer(model, name: str):
    """The function coercing values of `model.name`, chosen once per field rather than
    once per value (an import of 100,000 rows coerces a million values)."""
    field = model._meta.get_field(name)
    if name in CHOICE_TABLES:
        return functools.partial(_cached_choice, name, {})
    if name == "emails":
        return to_emails
    if isinstance(field, models.BooleanField):
        return to_bool
    if isinstance(field, models.DecimalField):
        return _nullable(to_money) if field.null else to_money
    if isinstance(field, models.DateField):
        return _nullable(to_date) if field.null else to_date
    if name == "country":
        return _country
    if name == "currency":
        return _currency
    return functools.partial(to_text, max_length=getattr(field, "max_length", None))


def _nullable(convert):
    def read(value):
        if value is None or value == "":
            return None
        return convert(value)

    return read


def _cached_choice(name: str, seen: dict, value):
    """to_choice, remembering its answers for text (a file has a few distinct labels)."""
    if not isinstance(value, str):
        return to_choice(name, value)
    found = seen.get(value)
    if found is None:
        found = to_choice(name, value)  # a refusal raises, and is never remembered
        if len(seen) < 1000:
            seen[value] = found
    return found


def _country(value) -> str:
    code = to_text(value, 2).upper()
    if len(code) != 2:
        raise BadValue(_("code pays à deux lettres attendu : « %(v)s »") % {"v": value})
    return code


def _currency(value) -> str:
    code = to_text(value, 3).upper()
    if len(code) != 3 or not code.isalpha():
        raise BadValue(_("code devise à trois lettres attendu : « %(v)s »") % {"v": value})
    return code
