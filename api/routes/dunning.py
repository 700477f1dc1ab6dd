"""Run the daily scan on demand (it is idempotent: safe to call any number of times)."""

from datetime import date

from ninja import Field, Router, Schema

from dunning.scan import scan
from receivables.models import Document

from ..auth import company_of, require_writer
from ..schemas import Day, with_errors

router = Router(tags=["scan"])


class ScanIn(Schema):
    as_of: Day | None = Field(None, description="Default: today in the company's time zone.")
    dry_run: bool = Field(False, description="Report what would change, change nothing.")
    limit: int = Field(100, ge=0, le=10_000, description="How many changes to list.")


class ChangeOut(Schema):
    document_id: int
    number: str
    kind: str
    customer: str
    due_date: date
    days_late: int
    old_pending: int | None
    new_pending: int | None
    level_name: str
    stop_reason: str


class ScanOut(Schema):
    as_of: date
    dry_run: bool
    changed: int = Field(description="Documents whose dunning state changed (or would).")
    to_remind: int = Field(description="Documents to remind after the scan.")
    changes: list[ChangeOut] = Field(description="The first `limit` changes.")


@router.post("/scan", response=with_errors({200: ScanOut}), summary="Run the scan")
def run_scan(request, payload: ScanIn):
    require_writer(request)
    company = company_of(request)
    result = scan(company, payload.as_of, dry_run=payload.dry_run, report=payload.limit > 0)
    as_of = payload.as_of or next(iter(result.as_of), None)
    return {
        "as_of": as_of,
        "dry_run": payload.dry_run,
        "changed": result.changed,
        "to_remind": Document.objects.for_company(company).filter(to_remind=True).count(),
        "changes": result.changes[: payload.limit],
    }
