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
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """The value as it may go into a CSV cell: None → "", risky text → '-prefixed."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose rows go through `cell` first."""

    def __init__(self, stream, **fmt):
        self._writer = csv.writer(stream, **fmt)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, **fmt) -> SafeWriter:
    return SafeWriter(stream, **fmt)
