"""`relance import FILE [--kind ...] [--company ...]`: all-or-nothing, safe to run twice."""

from argparse import ArgumentTypeError
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from receivables.imports import ImportRejected, import_file
from receivables.imports.columns import KINDS
from receivables.imports.layout import error_lines, mapping_note
from receivables.models import Company


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a date like 2024-03-15") from None


def _simulation() -> str:
    return _("Simulation : rien n'a été enregistré.")


NO_COMPANY = "no company yet: create it with `relance setup --company NAME --admin LOGIN`"
STAGES = {"read": "lecture", "save": "enregistrement"}


class Command(BaseCommand):
    help = "Import customers, invoices, quotes or payments (CSV, XLSX) or an e-invoice (Factur-X PDF, CII/UBL XML)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--kind", help=f"{', '.join(KINDS)} (detected from the headers when omitted)"
        )
        parser.add_argument("--company", help="company id or name (default: the only one)")
        parser.add_argument(
            "--preset",
            help="read the columns with this built-in preset or saved mapping "
            "(default: the one whose headers the file has, if any)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, change nothing"
        )
        parser.add_argument(
            "--as-of",
            type=_iso_date,
            metavar="DATE",
            help="the day the file speaks of (default: today), e.g. 2024-03-15",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: file not found")
        company = self._company(options["company"])
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(
                    total=total,
                    desc=STAGES.get(stage, stage),
                    unit=" lignes",
                    file=self.stderr._out,
                    leave=False,
                )
            bar.update(done - bar.n)

        try:
            result = import_file(
                company,
                path.read_bytes(),
                path.name,
                kind=options["kind"],
                progress=progress,
                dry_run=options["dry_run"],
                today=options["as_of"],
                preset=options["preset"],
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if options["dry_run"]:
                self.stderr.write(_simulation())
            if exc.mappable:
                self.stderr.write(
                    _(
                        "Colonnes ou valeurs non reconnues : faites la correspondance une fois "
                        "sur l'écran /import/ (« Vérifier les correspondances »), "
                        "enregistrez-la, et cette commande l'utilisera ; ou donnez --preset NOM."
                    )
                )
            lines = error_lines(exc.errors)
            where = f" on {lines} line(s)" if lines else ""
            raise CommandError(
                f"{path.name}: {len(exc.errors)} error(s){where}, nothing imported"
            ) from None
        finally:
            for bar in bars.values():
                bar.close()
        if note := mapping_note(result):
            self.stderr.write(note)
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if result.dry_run:
            self.stdout.write(self.style.WARNING(_simulation()))
        self.stdout.write(self.style.SUCCESS(f"{path.name} ({result.kind}): {result.summary()}"))
        if not result.dry_run:
            self.after_import(company, result, options)

    def after_import(self, company: Company, result, options) -> None:
        """What follows a committed import; `relance import` (relance/management) runs
        the scan here, a floor above this one."""

    def _company(self, ref: str | None) -> Company:
        if ref is None:
            companies = list(Company.objects.all()[:2])
            if not companies:
                raise CommandError(NO_COMPANY)
            if len(companies) != 1:
                raise CommandError("several companies: give --company")
            return companies[0]
        found = (
            Company.objects.filter(pk=int(ref))
            if ref.isdigit()
            else Company.objects.filter(name=ref)
        )
        company = found.first()
        if company is None:
            raise CommandError(
                f"unknown company: {ref}" + ("" if Company.objects.exists() else f" ({NO_COMPANY})")
            )
        return company
