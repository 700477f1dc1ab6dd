"""What one imported file may hold, so that a small upload cannot take the server's memory
or hold a request for minutes: an XLSX of 1 MB that inflates to 1 GB (a zip bomb), a
sheet or CSV of a million rows. The bounds are settings (RELANCE_IMPORT_*, described in
docs/admin-guide.md); each refusal names the file and the limit.
"""

import io
import zipfile
import zlib

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .errors import ImportRejected, RowError

BIG_MEMBER = 1024 * 1024  # smaller members may compress as well as they like
CHUNK = 1024 * 1024


def refuse(filename: str, reason: str, line: int | None = None) -> ImportRejected:
    return ImportRejected([RowError(line, "", reason)], filename)


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def check_bytes(size: int, filename: str) -> None:
    """A file's content once unpacked (CSV as is, XLSX members, XML out of a PDF)."""
    limit = settings.RELANCE_IMPORT_MAX_BYTES
    if size > limit:
        raise refuse(
            filename,
            _(
                "« %(f)s » : plus de %(size)s une fois décompressé : fichier refusé "
                "(limite RELANCE_IMPORT_MAX_BYTES)"
            )
            % {"f": filename, "size": filesizeformat(limit)},
        )


def check_zip(data: bytes, filename: str) -> None:
    """Refuse an archive too big once inflated: by the sizes it declares, by its members'
    compression ratio, then by what it really inflates to (a header can lie), read in
    chunks and never more than the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: openpyxl says the workbook is unreadable
    with archive:
        infos = archive.infolist()
        check_bytes(sum(i.file_size for i in infos), filename)
        ratio = settings.RELANCE_IMPORT_MAX_ZIP_RATIO
        for info in infos:
            if info.file_size > BIG_MEMBER and info.file_size > ratio * max(info.compress_size, 1):
                raise refuse(
                    filename,
                    _(
                        "« %(f)s » : %(m)s se décompresse %(r)s fois (%(max)s au plus) : "
                        "archive suspecte, refusée (limite RELANCE_IMPORT_MAX_ZIP_RATIO)"
                    )
                    % {
                        "f": filename,
                        "m": info.filename,
                        "r": _n(info.file_size // max(info.compress_size, 1)),
                        "max": ratio,
                    },
                )
        budget = settings.RELANCE_IMPORT_MAX_BYTES
        for info in infos:
            budget -= _inflated_size(archive, info, budget + 1, filename)
            check_bytes(settings.RELANCE_IMPORT_MAX_BYTES - budget, filename)


def _inflated_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, filename) -> int:
    size = 0
    try:
        with archive.open(info) as member:
            while size < cap and (chunk := member.read(min(CHUNK, cap - size))):
                size += len(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise refuse(filename, _("classeur illisible : %(e)s") % {"e": exc}) from None
    return size


class Budget:
    """Counts the data rows and the cells read from one file; refuses past the limits."""

    def __init__(self, filename: str):
        self.filename, self.rows, self.cells = filename, 0, 0
        self.max_rows = settings.RELANCE_IMPORT_MAX_ROWS
        self.max_cells = settings.RELANCE_IMPORT_MAX_CELLS

    def count(self, line: int, cells: int, data: bool = True) -> None:
        self.rows += data
        self.cells += cells
        if self.rows > self.max_rows:
            raise refuse(
                self.filename,
                _(
                    "« %(f)s » : plus de %(max)s lignes de données : découpez le fichier "
                    "(limite RELANCE_IMPORT_MAX_ROWS)"
                )
                % {"f": self.filename, "max": _n(self.max_rows)},
                line,
            )
        if self.cells > self.max_cells:
            raise refuse(
                self.filename,
                _(
                    "« %(f)s » : plus de %(max)s cellules : découpez le fichier "
                    "(limite RELANCE_IMPORT_MAX_CELLS)"
                )
                % {"f": self.filename, "max": _n(self.max_cells)},
                line,
            )
