"""Import one file (CSV, XLSX, Factur-X PDF, CII/UBL XML, CDAR lifecycle messages)
all-or-nothing."""

import dataclasses
import time
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from .. import upsert
from ..lifecycle import apply_statuses
from ..models import Company
from .cdar import import_cdar, is_cdar, lifecycle_warnings
from .columns import CUSTOMERS, INVOICES, LIFECYCLE, PAYMENTS, QUOTES
from .einvoice import import_einvoice
from .errors import ImportRejected, ImportResult, RowError
from .header_row import promote_header
from .layout import choose
from .mapping import Mapping, settle_date_order, unknown_values
from .rows import ItemBuilder, Items, column_of
from .signals import file_imported
from .tabular import read_csv, read_xlsx

Progress = Callable[[str, int, int], None]  # (stage "read" | "save", done, total)
CHUNK_ROWS = 5000
UPSERTS = {
    CUSTOMERS: lambda company, items, today: upsert.upsert_customers(company, items),
    INVOICES: lambda company, items, today: upsert.upsert_invoices(company, items, today=today),
    QUOTES: lambda company, items, today: upsert.upsert_quotes(company, items, today=today),
    PAYMENTS: lambda company, items, today: upsert.upsert_payments(company, items),
    LIFECYCLE: lambda company, items, today: apply_statuses(company, items),
}


class _Rollback(Exception):
    pass


def file_format(data: bytes, filename: str) -> str:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    lower = filename.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"<"):
        return "xml"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0") or lower.endswith(".xls"):
        return "xls"
    return "csv"


def import_file(
    company: Company,
    data: bytes,
    filename: str,
    *,
    kind: str | None = None,
    progress: Progress | None = None,
    today: date | None = None,
    dry_run: bool = False,
    mapping: Mapping | None = None,
    preset: str | None = None,
) -> ImportResult:
    """Import `data` into `company`; raise ImportRejected (nothing changed) on any bad row.

    kind: customers, invoices, quotes, payments (French words too); detected from the
    headers, then the file name, when not given. Factur-X PDF and CII/UBL XML files are
    e-invoices whatever the kind. mapping / preset: how to read the columns (a preset
    is a built-in or saved mapping's name); when not given, a saved mapping or a
    built-in preset whose headers the file has, else our column names.
    """
    started = time.monotonic()
    fmt = file_format(data, filename)
    if fmt == "xml" and is_cdar(data):
        result = import_cdar(company, data, filename, dry_run=dry_run)
    elif fmt in ("pdf", "xml"):
        result = import_einvoice(company, data, filename, fmt, today=today, dry_run=dry_run)
    elif fmt == "xls":
        raise ImportRejected(
            [RowError(None, "", _("ancien format Excel (.xls) : enregistrez en .xlsx ou en CSV"))],
            filename,
        )
    else:
        table = read_xlsx(data, filename) if fmt == "xlsx" else read_csv(data, filename)
        how = {"kind": kind, "mapping": mapping, "preset": preset}
        result = _import_table(company, table, filename, how, progress, today, dry_run)
    result.seconds = time.monotonic() - started
    result.dry_run = dry_run
    if not dry_run:
        file_imported.send(import_file, company=company, kind=result.kind, rows=result.rows)
    return result


def _import_table(company, table, filename, how, progress, today, dry_run) -> ImportResult:
    table, titles = promote_header(table)
    layout = choose(company, table.headers, filename, header_line=table.header_line, **how)
    kind, mapping, ignored, header_errors = (
        layout.mapping.kind,
        layout.positions,
        layout.ignored,
        layout.errors,
    )
    if header_errors:
        if ignored:
            header_errors.append(_("colonnes non reconnues : %(c)s") % {"c": ", ".join(ignored)})
        raise ImportRejected(
            [RowError(table.header_line, "", e) for e in header_errors], filename, mappable=True
        )
    if not table.rows:
        raise ImportRejected(
            [RowError(None, "", _("le fichier ne contient aucune ligne de données"))], filename
        )
    options, unknown = _settled(layout.mapping, mapping, table, filename)
    builder = ItemBuilder(kind, table.headers, mapping, options)
    if unknown:  # the lines of an unknown value are named once, with the value
        everything = Items()
        for line, cells in table.rows:
            builder.add(line, cells, everything)
        raise ImportRejected(unknown + everything.errors, filename, mappable=True)
    result = ImportResult(filename=filename, kind=kind, rows=0, warnings=list(table.warnings))
    result.mapping_name, result.mapping_source = layout.mapping.name, layout.source
    if titles:
        result.warnings.append(
            _("En-têtes trouvés ligne %(n)s (lignes de titre au-dessus ignorées).")
            % {"n": table.header_line}
        )
    if ignored:
        result.warnings.append(_("Colonnes ignorées : %(c)s") % {"c": ", ".join(ignored)})
    read = Items()  # counts and the errors of reading; the items go chunk by chunk
    save_errors: list[RowError] = []
    total = len(table.rows)

    def save(chunk: Items) -> None:
        read.errors += chunk.errors
        read.skipped_totals += chunk.skipped_totals
        read.repeated += chunk.repeated
        if not chunk.items:
            return
        try:
            outcome = UPSERTS[kind](company, chunk.items, today)
            result.add(outcome)
            result.warnings += lifecycle_warnings(outcome)
        except upsert.UpsertError as exc:
            save_errors.extend(
                _row_error(e, 0, chunk.lines, table.headers, mapping) for e in exc.errors
            )
        result.rows += len(chunk.items)
        if progress:
            progress("save", result.rows, total)

    try:
        with transaction.atomic():
            chunk = Items()
            for done, (line, cells) in enumerate(table.rows, start=1):
                builder.add(line, cells, chunk)
                if len(chunk.items) >= CHUNK_ROWS:
                    save(chunk)
                    chunk = Items()
                if progress and done % 2000 == 0:
                    progress("read", done, total)
            save(chunk)
            if progress:
                progress("read", total, total)
            if read.errors or save_errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if read.skipped_totals:
        result.warnings.append(
            _("%(n)s ligne(s) de total ignorée(s).") % {"n": read.skipped_totals}
        )
    if read.repeated:
        result.warnings.append(
            _(
                "%(n)s ligne(s) répètent une pièce déjà lue (une ligne par article) : chaque pièce est comptée une fois."
            )
            % {"n": read.repeated}
        )
    if read.errors or save_errors:
        raise ImportRejected(read.errors + save_errors, filename)
    return result


def _settled(options: Mapping, positions, table, filename) -> tuple[Mapping, list[RowError]]:
    """The mapping with its day/month order known, and no value it cannot read."""
    order = settle_date_order(options, positions, table.rows)
    if order is None:
        raise ImportRejected(
            [
                RowError(
                    None,
                    "",
                    _(
                        "format de date ambigu (03/04/24 : 3 avril ou 4 mars ?) : "
                        "précisez JJ/MM/AA ou MM/JJ/AA dans la correspondance"
                    ),
                )
            ],
            filename,
            mappable=True,
        )
    options = dataclasses.replace(options, date_order=order)
    return options, unknown_values(options, table.headers, positions, table.rows)


def _row_error(error, offset: int, lines: list[int], headers, mapping) -> RowError:
    line = lines[offset + error.index] if error.index is not None else None
    return RowError(
        line, column_of(error.field, headers, mapping) if error.field else "", error.reason
    )
