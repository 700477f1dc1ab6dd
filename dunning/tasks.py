"""Periodic work of the dunning app (see docs/scheduling.md for the schedule)."""

from django_tasks import task

from .scan import scan


@task()
def scan_all_companies(as_of: str | None = None) -> int:
    """The daily scan of every company, each in its own time zone; returns the changes."""
    from datetime import date

    result = scan(None, date.fromisoformat(as_of) if as_of else None, report=False)
    return result.changed
