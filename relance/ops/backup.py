"""`relance backup DIR` / `relance restore DIR`: the database and the media folder.

A backup is a folder:
- `database.dump` (PostgreSQL, `pg_dump -Fc`) or `database.sqlite3` (SQLite's online
  backup API: a consistent copy while the web and the workers keep writing);
- `media.tar`: the stored PDFs, letters and attachments (the proof of what was sent);
- `manifest.json`: the database's kind, each table's row count and each file's SHA-256,
  written last: a folder without it is an unfinished backup.

A restore refuses a database that holds companies or users, or a media folder with
files, unless forced; then checks the counts and digests against the manifest.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from receivables.models import Company

MANIFEST, MEDIA = "manifest.json", "media.tar"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """What went wrong, in words for the operator (the CLI prints it, exit 2)."""


@dataclass
class Report:
    tables: int
    rows: int
    files: int
    bytes: int


def backup(folder: Path) -> Report:
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give a new folder for each backup")
    folder.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    dump = folder / DUMPS[vendor]
    counts = _dump_postgresql(dump) if vendor == "postgresql" else _dump_sqlite(dump)
    digests = media_digests()
    with tarfile.open(folder / MEDIA, "w") as tar:
        for name in sorted(digests):
            tar.add(_media_root() / name, arcname=name)
    manifest = {
        "vendor": vendor,
        "created_at": timezone.now().isoformat(),
        "rows": counts,
        "files": digests,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    size = sum(p.stat().st_size for p in folder.iterdir())
    return Report(len(counts), sum(counts.values()), len(digests), size)


def _dump_postgresql(dump: Path) -> dict[str, int]:
    """pg_dump in the snapshot the counts are taken in: the manifest says exactly what the
    dump holds, though the web and the workers go on writing."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = row_counts()
        _run(["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(dump)])
    return counts


def _dump_sqlite(dump: Path) -> dict[str, int]:
    """SQLite's online backup (pages copied while others write), counted in the copy."""
    connection.ensure_connection()
    target = sqlite3.connect(dump)
    with target:
        connection.connection.backup(target)
    quote = connection.ops.quote_name  # table names are the models' own, never input
    counts = {
        table: target.execute(f"SELECT COUNT(*) FROM {quote(table)}").fetchone()[0]  # noqa: S608
        for table in _tables()
    }
    target.close()
    return counts


def restore(folder: Path, force: bool = False) -> Report:
    folder = Path(folder)
    manifest = _manifest(folder)
    vendor = _vendor()
    if manifest["vendor"] != vendor:
        raise BackupError(
            f"this backup is of a {manifest['vendor']} database; this installation runs on "
            f"{vendor}: restore it on the same kind of database"
        )
    if not force:
        _refuse_if_not_empty()
    if vendor == "postgresql":
        dump = folder / DUMPS[vendor]
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "-d", _dsn(), str(dump)])
    else:
        source = sqlite3.connect(folder / DUMPS[vendor])
        connection.ensure_connection()
        source.backup(connection.connection)
        source.close()
    media = _media_root()
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA) as tar:
        tar.extractall(media, filter="data")  # no absolute paths, no links out of media
    return _verify(manifest)


def _verify(manifest: dict) -> Report:
    counts, digests = row_counts(), media_digests()
    wrong = [
        f"{table}: {manifest['rows'][table]} rows in the backup, {counts.get(table)} restored"
        for table in manifest["rows"]
        if counts.get(table) != manifest["rows"][table]
    ]
    wrong += [
        f"media/{name}: missing or different"
        for name, sha in manifest["files"].items()
        if digests.get(name) != sha
    ]
    if wrong:
        raise BackupError("the restored data differ from the backup: " + "; ".join(wrong[:10]))
    size = sum(os.path.getsize(_media_root() / name) for name in manifest["files"])
    return Report(len(counts), sum(counts.values()), len(manifest["files"]), size)


def _tables() -> dict[str, type]:
    """Every table Django knows (the models' and the many-to-many ones), by name."""
    models = apps.get_models(include_auto_created=True)
    return {m._meta.db_table: m for m in models if m._meta.managed and not m._meta.proxy}


def row_counts() -> dict[str, int]:
    return {table: model._base_manager.count() for table, model in sorted(_tables().items())}


def media_digests() -> dict[str, str]:
    root = _media_root()
    digests = {}
    for path in sorted(root.rglob("*")) if root.exists() else []:
        if path.is_file():
            with open(path, "rb") as fh:
                digests[path.relative_to(root).as_posix()] = hashlib.file_digest(
                    fh, "sha256"
                ).hexdigest()
    return digests


def _refuse_if_not_empty() -> None:
    existing = set(connection.introspection.table_names())
    User = get_user_model()
    companies = Company.objects.count() if Company._meta.db_table in existing else 0
    users = User.objects.count() if User._meta.db_table in existing else 0  # a new database
    files = len(media_digests())
    if companies or users or files:
        raise BackupError(
            f"this installation is not empty ({companies} companies, {users} users, "
            f"{files} media files): a restore would replace them. Restore into an empty "
            "database, or add --force to replace everything with the backup"
        )


def _manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{folder} holds no {MANIFEST}: not a backup, or an unfinished one"
        ) from None


def _vendor() -> str:
    if connection.vendor not in DUMPS:
        raise BackupError(f"no backup for a {connection.vendor} database")
    return connection.vendor


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _dsn() -> str:
    db = settings.DATABASES["default"]
    parts = {
        "dbname": db["NAME"],
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "user": db.get("USER"),
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def _run(command: list[str]) -> None:
    """pg_dump / pg_restore on this installation's database; the password goes through
    the environment (never on a command line that `ps` shows)."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} not found: install postgresql-client")
    env = {**os.environ, "PGPASSWORD": settings.DATABASES["default"].get("PASSWORD") or ""}
    if command[0] == "pg_dump":
        command = [*command, "-d", _dsn()]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
