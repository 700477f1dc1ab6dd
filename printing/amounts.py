"""Amounts written for machines and spreadsheets: the one place that decides their form.

- JSON: a string with exactly the currency's digits ("725.10", "¥" has none: "1200"),
  never a float and never the stray digits a SQL sum brings ("725.100000000000").
- CSV: what a spreadsheet of the reader's language opens as it is: French Excel reads
  « ; » between cells and a decimal comma, English a « , » and a point (RFC 4180).
"""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision


def digits(currency: str = "EUR") -> int:
    try:
        return get_currency_precision(currency or "EUR")
    except Exception:  # an unknown code: two, as most currencies
        return 2


def quantized(value, currency: str = "EUR") -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-digits(currency)), rounding=ROUND_HALF_UP)


def json_amount(value, currency: str = "EUR") -> str | None:
    """ "725.10": the amount as a JSON string with the currency's digits (None stays None)."""
    if value is None:
        return None
    return f"{quantized(value, currency):f}"


def csv_delimiter(language: str) -> str:
    return ";" if (language or "fr")[:2] == "fr" else ","


def csv_amount(value, language: str, currency: str = "EUR") -> str:
    """ "725,10" for a French spreadsheet, "725.10" for an English one; no grouping (a
    spreadsheet would read a grouped number as text)."""
    if value is None:
        return ""
    text = f"{quantized(value, currency):f}"
    return text.replace(".", ",") if csv_delimiter(language) == ";" else text


def csv_number(value, language: str, places: int | None = None) -> str:
    """A figure that is not money (a percentage, a count of days) in the same form."""
    if value is None:
        return ""
    number = (
        Decimal(value) if places is None else Decimal(value).quantize(Decimal(1).scaleb(-places))
    )
    text = f"{number:f}"
    return text.replace(".", ",") if csv_delimiter(language) == ";" else text
