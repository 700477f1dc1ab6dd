"""The one CSV writer for every file we export (OWASP "CSV injection").

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula: a customer named `=HYPERLINK("http://…", "Payer")` would become a
live link in the collector's spreadsheet. Such text cells get a leading `'`, which
spreadsheets read as "this is text" and do not show.

Only text cells are touched: numbers we put in ourselves (Decimal amounts, counts, dates)
are written as they are, so a credit note's `-120.00` stays a number a spreadsheet can
add up. A number that arrives as text (a name, a description) is text and is neutralised.
"""

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .amounts import csv_delimiter, csv_number

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """The value as it may go into a CSV cell: None → "", risky text → '-prefixed."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose rows go through `cell` first; with a `language`, the separators
    a spreadsheet of that language opens as they are (printing.amounts)."""

    def __init__(self, stream, language: str | None = None, **fmt):
        if language:
            fmt.setdefault("delimiter", csv_delimiter(language))
        self._language = language
        self._writer = csv.writer(stream, **fmt)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([self._number(cell(v)) for v in row])

    def _number(self, value: Any) -> Any:
        if self._language and isinstance(value, (Decimal, float)):
            value = Decimal(str(value))
            if value.as_tuple().exponent < -2:  # a SQL sum's stray digits: to the cent
                value = value.quantize(Decimal("0.01"))
            return csv_number(value, self._language)
        return value

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, language: str | None = None, **fmt) -> SafeWriter:
    return SafeWriter(stream, language, **fmt)
