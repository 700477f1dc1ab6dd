"""The one periodic task: the daily run of every company (docs/scheduling.md).

cron or a systemd timer runs `relance daily`; with TASKS_BACKEND=rq, rq-scheduler calls
`enqueue_daily` (registered by `relance schedule`) and a worker runs the task."""

from datetime import date

from django_tasks import task

from receivables.logcontext import for_company
from receivables.models import Company

from .runs import daily_run


@task()
def daily_all_companies(as_of: str | None = None) -> dict:
    """Scan every company on its own 'today' (or `as_of`, an ISO date), then create the
    batch of its automatic levels if it asked for automatic sending; the worker sends."""
    day = date.fromisoformat(as_of) if as_of else None
    totals = {"companies": 0, "changed": 0, "batches": 0}
    for company in Company.objects.order_by("pk"):
        with for_company(company.pk):  # the company's id on every log line of its run
            report = daily_run(company, as_of=day)
        totals["companies"] += 1
        totals["changed"] += report.changed
        totals["batches"] += len(report.batches)
    return totals


def enqueue_daily() -> str:
    """What rq-scheduler calls each day: put the daily run on the Tasks queue."""
    return daily_all_companies.enqueue().id
