"""relance restore DIR: put a `relance backup` back, then check counts and digests."""

from pathlib import Path

from django.core.management.base import BaseCommand

from relance.clitools import BadArguments
from relance.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `relance backup` into an empty installation (database "
        "and media), then check every table's row count and every file's digest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="the backup's folder")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of a non-empty installation (stop the web and workers first)",
        )

    def handle(self, *args, folder: Path, force: bool, **options):
        try:
            report = restore(folder, force=force)
        except BackupError as exc:
            raise BadArguments(str(exc)) from exc
        self.stdout.write(
            f"restored from {folder}: {report.rows} rows in {report.tables} tables, "
            f"{report.files} files; counts and digests match the backup. "
            "Run `relance migrate` if this version is newer than the backup's."
        )
