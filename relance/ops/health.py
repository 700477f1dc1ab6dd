"""/healthz: is this installation able to do its job right now? 200 or 503 with why.

Unauthenticated (a load balancer or an uptime checker calls it), so it says only what an
outsider may know: which check failed, counts and ages, company ids, never a name, an
address or a setting's value. The checks:
- the database answers;
- Redis answers, when the queue is on Redis (TASKS_BACKEND=rq);
- the e-mail queue moves: the oldest due e-mail has waited less than
  RELANCE_HEALTH_MAX_QUEUE_AGE seconds (else no worker is running, or they are stuck);
- every company was scanned within RELANCE_HEALTH_MAX_SCAN_AGE hours (else cron, the
  timer or the scheduler stopped). A company never scanned yet is listed, not failed;
- each company's reply mailbox (inbox/), when one is configured: its last successful
  fetch, its last error as a kind (« login », « tls », « connection »…, never the
  server's words, which may name a host or a login), and « stale » when no fetch
  succeeded for RELANCE_HEALTH_MAX_MAILBOX_AGE seconds. A stale mailbox with no failure
  recorded fails the check (the fetch task stopped); a mailbox that fails (its server
  refuses the login, is down) is listed, not failed: it is its company's setting, shown
  on their screens, and must not take the installation out of a load balancer.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from inbox.models import Mailbox
from receivables.models import Company

from . import queues

log = logging.getLogger(__name__)
SHOWN_COMPANIES = 50  # the stalest first: a page for thousands of tenants stays small


@require_safe
def healthz(request):
    checks, reasons = {}, []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # whatever the driver raises, the answer is "down"
        log.error("healthz: database: %s", exc)
        return _answer({"database": "down"}, ["database: no answer"])
    if queues.uses_rq():
        checks["redis"], reason = _redis()
        reasons += [reason] if reason else []
    checks["queue"], reason = _queue()
    reasons += [reason] if reason else []
    checks["scans"], stale = _scans()
    reasons += stale
    if Mailbox.objects.filter(enabled=True).exists():
        checks["mailboxes"], stale = _mailboxes()
        reasons += stale
    return _answer(checks, reasons)


def _answer(checks: dict, reasons: list[str]) -> JsonResponse:
    body = {"status": "fail" if reasons else "ok", "reasons": reasons, "checks": checks}
    response = JsonResponse(body, status=503 if reasons else 200, json_dumps_params={"indent": 1})
    response["Cache-Control"] = "no-store"
    return response


def _redis() -> tuple[dict, str]:
    try:
        queues.redis_ping()
        return {"state": "ok", "jobs": queues.rq_jobs()}, ""
    except Exception as exc:
        log.error("healthz: redis: %s", exc)
        return {"state": "down"}, "redis: no answer"


def _queue() -> tuple[dict, str]:
    depth, oldest = queues.outbox_depth()
    limit = settings.RELANCE_HEALTH_MAX_QUEUE_AGE
    figures = {"depth": depth, "oldest_seconds": round(oldest), "limit_seconds": limit}
    if oldest > limit:
        return figures, f"queue: the oldest due e-mail has waited {round(oldest)} s (workers down?)"
    return figures, ""


def _scans() -> tuple[dict, list[str]]:
    now = timezone.now()
    limit = timedelta(hours=settings.RELANCE_HEALTH_MAX_SCAN_AGE)
    rows = list(
        Company.objects.order_by(F("last_scan_at").asc(nulls_first=True), "pk").values_list(
            "pk", "last_scan_at"
        )
    )
    late = [pk for pk, at in rows if at is not None and now - at > limit]
    shown = [
        {"company": pk, "last_scan": at.isoformat() if at else None,
         "age_seconds": round((now - at).total_seconds()) if at else None}
        for pk, at in rows[:SHOWN_COMPANIES]
    ]  # fmt: skip
    figures = {
        "companies": len(rows),
        "never": sum(at is None for _, at in rows),
        "late": len(late),
    }
    figures["last"] = shown
    reasons = (
        [f"scan: {len(late)} company(ies) not scanned for {limit} (first: {late[0]})"]
        if late
        else []
    )
    return figures, reasons


ERROR_KINDS = [  # (kind, words of the error text), first match wins; else « other »
    ("login", ("login", "authenticat", "credentials", "password")),
    ("tls", ("ssl", "tls", "certificate")),
    ("timeout", ("timed out", "timeout")),
    ("connection", ("refused", "errno", "unreachable", "name or service", "getaddrinfo")),
    ("folder", ("folder", "select", "mailbox")),
]


def error_kind(text: str) -> str:
    """What went wrong, in one word an outsider may read (never the server's own words)."""
    low = text.lower()
    return next((kind for kind, words in ERROR_KINDS if any(w in low for w in words)), "other")


def _mailboxes() -> tuple[dict, list[str]]:
    now = timezone.now()
    limit = settings.RELANCE_HEALTH_MAX_MAILBOX_AGE
    rows = list(
        Mailbox.objects.filter(enabled=True)
        .order_by(F("last_ok_at").asc(nulls_first=True), "company_id")
        .values("company_id", "last_ok_at", "failures", "last_error", "next_try_at")
    )
    shown, stale = [], []
    for row in rows:
        at = row["last_ok_at"]
        age = round((now - at).total_seconds()) if at else None
        if row["failures"]:
            state = "failing"
        elif at is None:
            state = "never"
        elif age > limit:
            state = "stale"
            stale.append(row["company_id"])
        else:
            state = "ok"
        entry = {"company": row["company_id"], "state": state, "last_fetch": None}
        entry["last_fetch"] = at.isoformat() if at else None
        entry["age_seconds"] = age
        if row["failures"]:
            entry["failures"] = row["failures"]
            entry["last_error"] = error_kind(row["last_error"])
            entry["next_try"] = row["next_try_at"].isoformat() if row["next_try_at"] else None
        shown.append(entry)
    figures = {
        "count": len(rows),
        "failing": sum(r["failures"] > 0 for r in rows),
        "stale": len(stale),
        "limit_seconds": limit,
        "last": shown[:SHOWN_COMPANIES],
    }
    reasons = (
        [f"mailbox: {len(stale)} not fetched for {limit} s (first: company {stale[0]})"]
        if stale
        else []
    )
    return figures, reasons
