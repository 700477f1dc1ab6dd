"""CSV and XLSX files as a header and numbered rows of raw cells."""

import csv
import io
from dataclasses import dataclass, field
from itertools import islice

from django.utils.translation import gettext as _

from .errors import ImportRejected, RowError
from .limits import Budget, check_bytes, check_zip

DELIMITERS = (";", ",", "\t", "|")
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


class CsvRows:
    """The data rows of a CSV file as (line, cells), parsed again at each pass instead of
    kept: a file of 100,000 rows holds its text, not 100,000 lists of cells. `skip` is
    how many non-blank records come before the first row (the header, title lines)."""

    def __init__(self, text: str, delimiter: str, skip: int, count: int):
        self._text, self._delimiter, self._skip, self._count = text, delimiter, skip, count

    def __iter__(self):
        reader = csv.reader(io.StringIO(self._text, newline=""), delimiter=self._delimiter)
        last, skipped = 0, 0
        for cells in reader:
            line, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if skipped < self._skip:
                skipped += 1
                continue
            yield line, cells

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        if isinstance(key, slice):
            start = key.start or 0
            if key.stop is None and key.step is None and start >= 0:
                count = max(self._count - start, 0)
                return CsvRows(self._text, self._delimiter, self._skip + start, count)
            if key.step is None and start >= 0 and key.stop is not None and key.stop >= 0:
                return list(islice(iter(self), start, key.stop))
            return list(self)[key]
        index = key + self._count if key < 0 else key
        if not 0 <= index < self._count:
            raise IndexError(key)
        return next(islice(iter(self), index, None))


@dataclass
class Table:
    headers: list[str]
    rows: "list[tuple[int, list]] | CsvRows"  # (line in the file, cells)
    warnings: list[str] = field(default_factory=list)
    header_line: int = 1  # the header's line in the file (blank lines above it counted)


def decode(data: bytes, filename: str) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252.

    Windows-1252 is what French Excel writes for "CSV (séparateur : point-virgule)";
    anything else (binary, UTF-16 without BOM, ...) is refused with a clear message.
    """
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    try:
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
        encoding = "UTF-16" if utf16 else "UTF-8"
    except UnicodeDecodeError as exc:
        if utf16:  # a UTF-16 file cut or damaged: no other reading makes sense
            raise ImportRejected([RowError(None, "", _unreadable())], filename) from None
        try:
            text, encoding = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            raise ImportRejected([RowError(line, "", _unreadable())], filename) from None
    bad = next((i for i, c in enumerate(text) if c in _CONTROL), None)
    if bad is not None:
        raise ImportRejected([RowError(text[:bad].count("\n") + 1, "", _unreadable())], filename)
    return text, encoding


def _unreadable() -> str:
    return _(
        "encodage non reconnu ou fichier binaire : enregistrez le fichier en « CSV UTF-8 » "
        "ou en classeur Excel (.xlsx)"
    )


def sniff_delimiter(header_line: str) -> str:
    counts = {d: _count_outside_quotes(header_line, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


def read_csv(data: bytes, filename: str) -> Table:
    check_bytes(len(data), filename)
    text, encoding = decode(data, filename)
    first = next((line for line in io.StringIO(text) if line.strip()), None)
    if first is None:
        raise ImportRejected([RowError(None, "", _("le fichier est vide"))], filename)
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers, count, last_line, budget, header_line = None, 0, 0, Budget(filename), 1
    try:  # one pass checks the whole file (limits, quoting); the rows are read again later
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            blank = not any(c.strip() for c in cells)
            budget.count(line, len(cells), data=not blank and headers is not None)
            if blank:
                continue
            if headers is None:
                headers, header_line = [c.strip() for c in cells], line
            else:
                count += 1
    except csv.Error as exc:
        raise ImportRejected([RowError(reader.line_num, "", str(exc))], filename) from None
    if headers is None:  # e.g. only quoted blanks: no header line to read
        raise ImportRejected([RowError(None, "", _("le fichier est vide"))], filename)
    table = Table(headers, CsvRows(text, delimiter, 1, count), header_line=header_line)
    if encoding == "Windows-1252":
        table.warnings.append(_("Fichier lu en Windows-1252 (pas en UTF-8)."))
    return table


def read_xlsx(data: bytes, filename: str) -> Table:
    """The first sheet, streamed (read-only), within the limits of imports.limits."""
    from openpyxl import load_workbook

    check_zip(data, filename)  # before openpyxl inflates the shared strings into memory
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportRejected(
            [RowError(None, "", _("classeur illisible : %(e)s") % {"e": exc})], filename
        ) from None
    try:
        headers, rows, header_line = _first_sheet(book, filename)
    except ImportRejected:
        raise
    except Exception as exc:  # the sheet's XML is parsed while reading: damage shows here
        raise ImportRejected(
            [RowError(None, "", _("classeur illisible : %(e)s") % {"e": exc})], filename
        ) from None
    finally:
        book.close()
    if headers is None:
        raise ImportRejected([RowError(None, "", _("le classeur est vide"))], filename)
    table = Table(headers, rows, header_line=header_line)
    if len(book.worksheets) > 1:
        table.warnings.append(_("Seule la première feuille du classeur a été lue."))
    return table


def _first_sheet(book, filename: str) -> tuple[list[str] | None, list[tuple[int, list]], int]:
    headers, rows, budget, header_line = None, [], Budget(filename), 1
    if not book.worksheets:
        return headers, rows, header_line
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # the sheet's stated size can lie: read the rows it has
    for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        blank = not any(c is not None and str(c).strip() for c in cells)
        budget.count(line, len(cells), data=not blank and headers is not None)
        if blank:
            continue
        if headers is None:
            headers, header_line = ["" if c is None else str(c).strip() for c in cells], line
        else:
            rows.append((line, list(cells)))
    return headers, rows, header_line
