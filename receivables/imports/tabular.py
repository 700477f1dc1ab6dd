"""CSV and XLSX files as a header and numbered rows of raw cells."""

import contextlib
import csv
import io
import os
import pickle  # noqa: S403 (a spool of our own cell values, see XlsxRows)
import re
import tempfile
import weakref
from dataclasses import dataclass, field
from itertools import islice

from django.utils.translation import gettext as _

from .errors import ImportRejected, RowError
from .limits import Budget, check_bytes, check_zip

DELIMITERS = (";", ",", "\t", "|")
# Control characters no text file holds (NUL and the like; tab and line ends allowed):
# one regex scan, not a Python loop over every character of a 10 MB file.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


class _StreamedRows:
    """The data rows of a file as (line, cells), read again from the file at each pass
    instead of kept: a file of 100,000 rows holds its bytes or text, not 100,000 lists of
    cells. `skip` is how many non-blank records come before the first row (the header,
    title lines); `count` how many rows follow (known from the first, checking pass)."""

    def __init__(self, skip: int, count: int):
        self._skip, self._count = skip, count

    def _records(self):
        """(line, cells) of every record of the file, blank ones included."""
        raise NotImplementedError

    def _with(self, skip: int, count: int) -> "_StreamedRows":
        raise NotImplementedError

    def __iter__(self):
        skipped = 0
        for line, cells in self._records():
            if not any(c is not None and str(c).strip() for c in cells):
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
                return self._with(self._skip + start, max(self._count - start, 0))
            if key.step is None and start >= 0 and key.stop is not None and key.stop >= 0:
                return list(islice(iter(self), start, key.stop))
            return list(self)[key]
        index = key + self._count if key < 0 else key
        if not 0 <= index < self._count:
            raise IndexError(key)
        return next(islice(iter(self), index, None))


class CsvRows(_StreamedRows):
    """A CSV file's rows, parsed again from its text at each pass."""

    def __init__(self, text: str, delimiter: str, skip: int, count: int):
        super().__init__(skip, count)
        self._text, self._delimiter = text, delimiter

    def _records(self):
        reader = csv.reader(io.StringIO(self._text, newline=""), delimiter=self._delimiter)
        last = 0
        for cells in reader:
            line, last = last + 1, reader.line_num
            yield line, cells

    def _with(self, skip: int, count: int) -> "CsvRows":
        return CsvRows(self._text, self._delimiter, skip, count)


class XlsxRows(_StreamedRows):
    """A workbook's first sheet, read once by openpyxl (read-only) into a spool file on
    disk, then streamed from there at each pass: memory stays flat and the later passes
    do not parse the sheet's XML again (four times slower). The spool holds only what
    this process wrote (cell values: text, numbers, dates), removed with its last user."""

    def __init__(self, spool: "_Spool", skip: int, count: int):
        super().__init__(skip, count)
        self._spool = spool

    def _records(self):
        with open(self._spool.path, "rb") as f:
            while True:
                try:
                    yield pickle.load(f)  # noqa: S301 (our own spool, written just before)
                except EOFError:
                    return

    def _with(self, skip: int, count: int) -> "XlsxRows":
        return XlsxRows(self._spool, skip, count)


class _Spool:
    """A scratch file of pickled (line, cells) records, deleted when no longer used."""

    def __init__(self):
        handle, self.path = tempfile.mkstemp(prefix="relance-import-", suffix=".rows")
        self._file = os.fdopen(handle, "wb")
        weakref.finalize(self, _remove, self.path)

    def write(self, line: int, cells: list) -> None:
        pickle.dump((line, cells), self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def close(self) -> None:
        self._file.close()


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


@dataclass
class Table:
    headers: list[str]
    rows: "list[tuple[int, list]] | CsvRows | XlsxRows"  # (line in the file, cells)
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
    bad = _CONTROL.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise ImportRejected([RowError(line, "", _unreadable())], filename)
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
    spool = _Spool()
    try:
        headers, count, header_line = _first_sheet(book, filename, spool)
    except ImportRejected:
        raise
    except Exception as exc:  # the sheet's XML is parsed while reading: damage shows here
        raise ImportRejected(
            [RowError(None, "", _("classeur illisible : %(e)s") % {"e": exc})], filename
        ) from None
    finally:
        book.close()
        spool.close()
    if headers is None:
        raise ImportRejected([RowError(None, "", _("le classeur est vide"))], filename)
    table = Table(headers, XlsxRows(spool, 1, count), header_line=header_line)
    if len(book.worksheets) > 1:
        table.warnings.append(_("Seule la première feuille du classeur a été lue."))
    return table


def _first_sheet(book, filename: str, spool: _Spool) -> tuple[list[str] | None, int, int]:
    """One pass over the first sheet: its limits checked, its header, how many rows follow;
    every non-blank row (the header too) written to the spool that XlsxRows reads."""
    headers, count, budget, header_line = None, 0, Budget(filename), 1
    if not book.worksheets:
        return headers, count, header_line
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # the sheet's stated size can lie: read the rows it has
    for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        blank = not any(c is not None and str(c).strip() for c in cells)
        budget.count(line, len(cells), data=not blank and headers is not None)
        if blank:
            continue
        spool.write(line, list(cells))
        if headers is None:
            headers, header_line = ["" if c is None else str(c).strip() for c in cells], line
        else:
            count += 1
    return headers, count, header_line
