"""Scheduled work: the daily run of every company, queued by cron, a timer or rq-scheduler."""

from django_tasks import task


@task()
def daily_all_companies() -> dict:
    """Scan every company on its own 'today', then send its automatic levels if it wants."""
    from receivables.models import Company

    from .services import daily_run

    totals = {"companies": 0, "changed": 0, "batches": 0}
    for company in Company.objects.order_by("pk"):
        report = daily_run(company)
        totals["companies"] += 1
        totals["changed"] += report.changed
        totals["batches"] += len(report.batches)
    return totals


def enqueue_daily() -> str:
    """What rq-scheduler calls each day: put the daily run on the Tasks queue."""
    return daily_all_companies.enqueue().id
