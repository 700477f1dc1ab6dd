"""`relance import FILE [--kind ...] [--company ...]`: all-or-nothing, safe to run twice."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from receivables.imports import ImportRejected, import_file
from receivables.imports.columns import KINDS
from receivables.imports.layout import error_lines, mapping_note
from receivables.models import Company

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
                preset=options["preset"],
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if exc.mappable:
                self.stderr.write(
                    "Columns or values not recognised: map them once on the /import/ screen "
                    "(« Vérifier les correspondances »), save the mapping, and this command "
                    "will use it; or give --preset NAME."
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
        self.stdout.write(self.style.SUCCESS(f"{path.name} ({result.kind}): {result.summary()}"))

    def _company(self, ref: str | None) -> Company:
        if ref is None:
            companies = list(Company.objects.all()[:2])
            if len(companies) != 1:
                raise CommandError("several companies (or none): give --company")
            return companies[0]
        found = (
            Company.objects.filter(pk=int(ref))
            if ref.isdigit()
            else Company.objects.filter(name=ref)
        )
        company = found.first()
        if company is None:
            raise CommandError(f"unknown company: {ref}")
        return company
