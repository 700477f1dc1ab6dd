"""Money and dates the way a French accountant reads them (5,10 € ; 06/03/24), via Babel."""

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from django import template
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, to_locale

from reminders.keywords import fmt_date

register = template.Library()


def _locale() -> str:
    loc = to_locale(get_language() or "fr")
    return {"fr": "fr_FR", "en": "en_GB"}.get(loc, loc)


@register.filter
def money(value, currency: str = "EUR") -> str:
    if value in (None, ""):
        return ""
    return format_currency(Decimal(value), currency or "EUR", locale=_locale())


@register.filter
def amount(value) -> str:
    """A number with two decimals and no currency sign, as in the seed's table."""
    if value in (None, ""):
        return ""
    return format_decimal(Decimal(value), format="#,##0.00", locale=_locale())


@register.filter
def percent(value) -> str:
    if value in (None, ""):
        return ""
    return format_decimal(Decimal(value), format="0.#", locale=_locale()) + " %"


@register.filter
def fulldate(value) -> str:
    """3 décembre 2026, « 1er décembre 2026 » for the first of the month (3 December 2026)."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return fmt_date(value, (get_language() or "fr")[:2])


@register.filter
def percent2(value) -> str:
    """A rate as the law states it: 12,15 %."""
    if value in (None, ""):
        return ""
    return format_decimal(Decimal(value), format="0.00#", locale=_locale()) + " %"


def _local(moment: datetime) -> datetime:
    """A stored (UTC) moment as the reader's clock shows it: the company's zone."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


@register.filter
def shortdate(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%y")
    return str(value)


@register.filter
def longdate(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


@register.filter
def readerdate(value, long: str = "") -> str:
    """A date as a customer reads it on the portal: in French as everywhere (shortdate,
    longdate with "long"), in English babel's medium format (3 Dec 2026)."""
    if not value or not (get_language() or "fr").startswith("en"):
        return longdate(value) if long else shortdate(value)
    if isinstance(value, datetime):
        value = _local(value).date()
    return format_date(value, "medium", locale="en_GB")


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"


@register.simple_tag(takes_context=True)
def sort_link(context, key: str) -> str:
    """Link that sorts on `key`, toggling the direction when already sorted on it."""
    current = context.get("order", "")
    new = "-" + key if current == key else key
    return query(context, order=new, page=None)


@register.simple_tag(takes_context=True)
def aria_sort(context, key: str) -> str:
    current = context.get("order", "")
    if current == key:
        return "ascending"
    if current == "-" + key:
        return "descending"
    return "none"


# How a lifecycle status looks: what stops reminders in red, what settles in green.
LIFECYCLE_CLASS = {"207": "stop", "208": "stop", "210": "stop", "213": "stop", "221": "stop",
                   "205": "done", "209": "done", "211": "done", "212": "done"}  # fmt: skip


@register.inclusion_tag("web/_lifecycle.html")
def lifecycle(document, detail: bool = False) -> dict:
    """The badge of a document's latest e-invoicing lifecycle status (code, name, date)."""
    code = getattr(document, "lifecycle_status", "")
    return {
        "code": code,
        "label": document.get_lifecycle_status_display() if code else "",
        "day": getattr(document, "lifecycle_date", None),
        "css": LIFECYCLE_CLASS.get(code, "info"),
        "detail": detail,
    }
