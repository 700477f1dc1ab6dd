"""Bring one company's worklist up to date now: after an import commits (screen, CLI,
API batch) and from the worklist's « Mettre à jour » button. The scan itself is
`dunning.scan`; this says what changed in the words the screens and the CLI use."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from django_tasks import task

from receivables.models import Company
from receivables.worklist import worklist, worklist_totals

from .policies import kinds_without_default
from .scan import scan

SHOWN = 20  # document numbers named in « what changed »


@dataclass(frozen=True)
class Refreshed:
    company_id: int
    as_of: str  # ISO date: the task result travels as JSON
    added: int  # documents that joined the list to remind (or moved to a new level)
    removed: int  # documents that left it (paid, stopped, no level due any more)
    invoices: int  # to remind now: the worklist's « Factures » tab
    quotes: int  # and its « Devis échus » tab
    missing: list[str] = field(default_factory=list)  # kinds without a default procedure
    added_numbers: list[str] = field(default_factory=list)  # the first SHOWN of each
    removed_numbers: list[str] = field(default_factory=list)

    @property
    def to_remind(self) -> int:
        return self.invoices + self.quotes


def refresh(company: Company | int, as_of: date | None = None) -> Refreshed:
    """Scan `company` on `as_of` (default: its today) and count its worklist's tabs."""
    if not isinstance(company, Company):
        company = Company.objects.get(pk=company)
    day = as_of or company.today()
    result = scan(company, day)
    added = [c.number for c in result.changes if c.new_pending and c.new_pending != c.old_pending]
    removed = [c.number for c in result.changes if c.old_pending and not c.new_pending]

    def tab(kind: str) -> int:
        return worklist_totals(worklist(company, as_of=day, kind=kind))["count"]

    return Refreshed(company.pk, day.isoformat(), len(added), len(removed), tab("invoice"),
                     tab("quote"), kinds_without_default(company), added[:SHOWN],
                     removed[:SHOWN])  # fmt: skip


@task()
def refresh_in_background(company_id: int, as_of: str | None = None) -> dict:
    """The same, on a worker (Tasks API): the screen and the API do not wait for it."""
    day = date.fromisoformat(as_of) if as_of else None
    return asdict(refresh(company_id, day))


def queue_refresh(company: Company, as_of: date | None = None):
    """Queue `refresh` for `company`; its TaskResult (finished at once on the immediate
    backend). The caller's transaction must have committed: the worker reads the data."""
    return refresh_in_background.enqueue(company.pk, as_of.isoformat() if as_of else None)


def refreshed_from(value: dict) -> Refreshed:
    return Refreshed(**value)
