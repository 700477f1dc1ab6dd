"""Structured logs: one JSON object per line, with the request and company ids.

Standard library only: a Formatter and a Filter. The ids live in context variables set
by `RequestContextMiddleware` (a gunicorn sync worker runs one request per thread at a
time, and context variables follow threads and asyncio tasks alike), so every log line
written while a request runs, in any module, carries them. In the workers (RQ and the
database queue) the Tasks API's signals put the task's id on each line while it runs, and
the background use cases the id of the company they work for (receivables.logcontext).
"""

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from receivables.logcontext import company_id, request_id, task_id

# A proxy's X-Request-ID (nginx's $request_id is 32 hex digits) is kept when it looks
# like one; anything else (a header a client wrote) is replaced by our own.
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# attributes every LogRecord has: what is left over was passed with `extra=`
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

access_log = logging.getLogger("relance.http")


class ContextFilter(logging.Filter):
    """Puts the current request, task and company ids on every record (None outside)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.company_id = company_id.get()
        record.task_id = task_id.get()
        return True


def task_started(sender, task_result, **kwargs) -> None:
    """A worker starts a task (RQ's work horse, `db_worker`): its lines carry its id, and
    no company until the task says for which one it works (a task runs after another in
    the same thread with the database queue)."""
    task_id.set(str(task_result.id))
    company_id.set(None)


def task_finished(sender, task_result, **kwargs) -> None:
    task_id.set(None)
    company_id.set(None)


def connect_task_signals() -> None:
    """Called once at start-up (relance/apps.py)."""
    from django_tasks.signals import task_finished as finished
    from django_tasks.signals import task_started as started

    started.connect(task_started, dispatch_uid="relance-log-task-started")
    finished.connect(task_finished, dispatch_uid="relance-log-task-finished")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestContextMiddleware:
    """Gives each request an id (the proxy's X-Request-ID or a new one), sends it back in
    the response's X-Request-ID, and writes one access line per request. Placed after the
    authentication middleware: the company is the user's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if SAFE_ID.fullmatch(incoming) else uuid.uuid4().hex
        membership = getattr(getattr(request, "user", None), "membership", None)
        tokens = (request_id.set(rid), company_id.set(getattr(membership, "company_id", None)))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id.reset(tokens[0])
            company_id.reset(tokens[1])


def logging_config(fmt: str, level: str) -> dict:
    """settings.LOGGING: JSON lines (production) or plain text (a terminal)."""
    formatter = (
        {"()": JsonFormatter}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # one line per request at INFO whatever the root level (the access log)
        "loggers": {"relance.http": {"level": "INFO"}},
    }
