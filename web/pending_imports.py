"""An uploaded file kept between the steps of the mapping screen: on disk under
MEDIA_ROOT/import-pending/<company>/, named by a random token held in the session.

A file left there (the person never imported it) is removed once older than
RELANCE_IMPORT_PENDING_HOURS: at the next upload, and by `relance daily`."""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import Http404

SESSION_KEY = "pending_imports"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP = 20  # files a session keeps at most; the oldest go first


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "import-pending"


def _path(company_id: int, token: str) -> Path:
    return _root() / str(company_id) / token


def sweep(now: float | None = None) -> int:
    """Remove the files left longer than RELANCE_IMPORT_PENDING_HOURS; how many went."""
    limit = (now or time.time()) - settings.RELANCE_IMPORT_PENDING_HOURS * 3600
    removed = 0
    if not _root().is_dir():
        return removed
    for folder in _root().iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            try:
                if TOKEN.match(path.name) and path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # taken by a parallel sweep or import
                continue
    return removed


def keep(request, company_id: int, data: bytes, filename: str) -> str:
    sweep()
    token = secrets.token_hex(16)
    path = _path(company_id, token)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending[token] = filename
    for old in list(pending)[:-KEEP]:
        _path(company_id, old).unlink(missing_ok=True)
        del pending[old]
    request.session[SESSION_KEY] = pending
    return token


def load(request, company_id: int, token: str) -> tuple[bytes, str]:
    filename = request.session.get(SESSION_KEY, {}).get(token)
    path = _path(company_id, token)
    if not TOKEN.match(token) or filename is None or not path.is_file():
        raise Http404("fichier à importer introuvable : déposez-le de nouveau")
    return path.read_bytes(), filename


def drop(request, company_id: int, token: str) -> None:
    _path(company_id, token).unlink(missing_ok=True)
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending
