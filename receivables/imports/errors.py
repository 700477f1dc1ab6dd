"""What an import reports: per-line errors when rejected, counts when done."""

from dataclasses import dataclass, field, fields

from django.utils.translation import gettext as _

from ..upsert import UpsertResult

COUNTERS = [f.name for f in fields(UpsertResult) if f.type in (int, "int")]


@dataclass(frozen=True)
class RowError:
    line: int | None  # line of the file (1 = header); None: the file as a whole
    column: str  # header as written in the file, "" when about the whole line
    reason: str
    lines: tuple[int, ...] = ()  # every line of the file it stands for (an unknown value)

    def __str__(self) -> str:
        where = _("ligne %(n)s") % {"n": self.line} if self.line else _("fichier")
        column = f", {self.column}" if self.column else ""
        return f"{where}{column} : {self.reason}"


class ImportRejected(Exception):
    """The file was refused as a whole: nothing was changed."""

    def __init__(self, errors: list[RowError], filename: str = "", mappable: bool = False):
        self.errors = sorted(errors, key=lambda e: e.line or 0)
        self.filename = filename
        self.mappable = mappable  # columns or words we could not read: the mapping step helps
        super().__init__("\n".join(str(e) for e in self.errors[:20]))


@dataclass(kw_only=True)
class ImportResult(UpsertResult):
    """The upsert counts (and `changed`) of the file, plus what only a file has."""

    filename: str
    kind: str
    rows: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False  # checked and counted, then rolled back: nothing was saved
    mapping_name: str = ""  # the preset or saved mapping that read the file, if any
    mapping_source: str = ""

    def add(self, upsert: UpsertResult) -> None:
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(upsert, name))

    def summary(self) -> str:
        if self.kind == "lifecycle":  # e-invoicing statuses (receivables/lifecycle.py)
            return _(
                "%(rows)s statuts : %(c)s enregistrés, %(n)s déjà connus ; "
                "%(p)s règlements créés (212 Encaissée)"
            ) % {"rows": self.rows, "c": self.created, "n": self.unchanged,
                 "p": self.payments_created}  # fmt: skip
        text = _("%(rows)s lignes : %(c)s créées, %(u)s modifiées, %(n)s inchangées") % {
            "rows": self.rows,
            "c": self.created,
            "u": self.updated,
            "n": self.unchanged,
        }
        if self.customers_created:
            text += _(" ; %(n)s clients créés") % {"n": self.customers_created}
        if self.payments_created or self.payments_updated or self.payments_deleted:
            text += _(" ; règlements : %(c)s créés, %(u)s modifiés, %(d)s supprimés") % {
                "c": self.payments_created,
                "u": self.payments_updated,
                "d": self.payments_deleted,
            }
        return text
