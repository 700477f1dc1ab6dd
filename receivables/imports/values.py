"""Reading cell values the way French and English spreadsheets write them."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ..coerce import BadValue, in_range

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN = re.compile(r"-?\d+(([.,])\d+)?")
_CURRENCY = re.compile(r"(?i)(€|eur|euros?|\$|usd|£|gbp|chf)")
_DATE_DMY = re.compile(
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_DATE_YMD = re.compile(
    r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


def parse_amount(raw, decimal: str = "") -> Decimal | None:
    """'5,10' '1 234,56' '1.234,56' '1,234.56' '-12' '(12,00)' '12,00 €' -> Decimal; '' -> None.

    decimal: the file's decimal mark when known ("." or ","); "" guesses, French first."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise BadValue(_("montant illisible : « %(v)s »") % {"v": raw})
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return _from_float(raw)
    plain = _PLAIN.fullmatch(raw.replace(" ", "")) if isinstance(raw, str) else None
    if (
        plain
        and not (decimal == "." and plain[2] == ",")
        and not (decimal == "," and plain[2] == ".")
    ):
        # the usual cell ("1234,56", "-12.50"): one mark, the decimal one (as _decimal_point
        # reads it), without the two regex passes below (a million cells in a big file)
        value = Decimal(plain[0].lstrip("-").replace(",", "."))
        return -value if plain[0].startswith("-") else value  # -0 read as 0, as below
    text = _CURRENCY.sub("", _SPACES.sub("", str(raw)))
    if not text:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("-"):
        negative, text = True, text[:-1]
    if text.startswith("-"):
        negative, text = not negative, text[1:]
    elif text.startswith("+"):
        text = text[1:]
    text = _decimal_point(text, decimal)
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", text):
        raise BadValue(_("montant illisible : « %(v)s »") % {"v": raw})
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadValue(_("montant illisible : « %(v)s »") % {"v": raw}) from None
    return -value if negative else value


def _decimal_point(text: str, decimal: str = "") -> str:
    """French first: a lone comma is the decimal mark; with both, the last one is.
    A known mark settles "1,250" (English: 1250) and "1.250" (French: 1250)."""
    if decimal == ".":
        return text.replace(",", "")
    if decimal == ",":
        return text.replace(".", "").replace(",", ".")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    if "," in text:
        if text.count(",") > 1:
            return text.replace(",", "")  # 1,234,567
        return text.replace(",", ".")
    if text.count(".") > 1:
        return text.replace(".", "")  # 1.234.567
    return text


def _from_float(value: float) -> Decimal:
    rounded = round(value, 2)
    if abs(value - rounded) < 1e-7:  # binary noise from spreadsheets: 0.1 + 0.2
        return Decimal(repr(rounded))
    return Decimal(repr(value))


def parse_date(raw, order: str = "dmy") -> date | None:
    """'06/03/24' '06/03/2024' '6.3.2024' '2024-03-06' (+ time) or a spreadsheet date;
    a year of four digits is taken as written (0001 is not 2001) and must be in range.
    order "mdy" reads 03/06/24 the American way (a mapping's explicit choice)."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return in_range(raw.date())
    if isinstance(raw, date):
        return in_range(raw)
    text = str(raw).strip()
    if not text:
        return None
    return in_range(_read_date(text, raw, order))


def _read_date(text: str, raw, order: str = "dmy") -> date:
    try:
        if match := _DATE_DMY.match(text):
            day, month, year = (int(g) for g in match.groups())
            if order == "mdy":
                day, month = month, day
            if len(match.group(3)) == 2:
                year += 2000 if year < 70 else 1900
            return date(year, month, day)
        if match := _DATE_YMD.match(text):
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    except ValueError:
        raise BadValue(_("date impossible : « %(v)s »") % {"v": raw}) from None
    raise BadValue(
        _("date illisible : « %(v)s » (attendu JJ/MM/AA, JJ/MM/AAAA ou AAAA-MM-JJ)") % {"v": raw}
    )


def parse_text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # invoice number 5 typed in a spreadsheet cell
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    return str(raw).strip()


def date_order_of(samples) -> str | None:
    """ "dmy" or "mdy" when the day/month order shows in the values (a part over 12),
    "" when no value needs it (ISO or spreadsheet dates), None when it is ambiguous."""
    seen_ambiguous = False
    for raw in samples:
        match = _DATE_DMY.match(str(raw).strip()) if isinstance(raw, str) else None
        if not match:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second:
            return "dmy"
        if second > 12 >= first:
            return "mdy"
        seen_ambiguous = seen_ambiguous or first != second
    return None if seen_ambiguous else ""
