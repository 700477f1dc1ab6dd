"""relance backup DIR: the database and the media folder, with a manifest (relance/ops/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from relance.clitools import BadArguments
from relance.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup) and the stored PDFs "
        "and attachments into a new folder; safe while Relance runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a new (or empty) folder")

    def handle(self, *args, folder: Path, **options):
        try:
            report = backup(folder)
        except BackupError as exc:
            raise BadArguments(str(exc)) from exc
        self.stdout.write(
            f"backup in {folder}: {report.rows} rows in {report.tables} tables, "
            f"{report.files} files, {report.bytes / 1e6:.1f} MB"
        )
