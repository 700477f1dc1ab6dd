"""The periodic fetch of the reply mailboxes, through the Tasks API (every 5 minutes:
`relance schedule` registers it with rq-scheduler; with the embedded database queue,
cron runs `relance fetch-mail`). A mailbox that is down waits (inbox/fetch.py)."""

from django_tasks import task

from .fetch import fetch_all


@task()
def fetch_mail_all() -> dict:
    reports = fetch_all()
    return {
        "mailboxes": len(reports),
        "read": sum(r.read for r in reports),
        "failed": sum(1 for r in reports if r.error),
        "waiting": sum(1 for r in reports if r.skipped),
    }


def enqueue_fetch_mail() -> str:
    """What rq-scheduler calls every 5 minutes: put the fetch on the Tasks queue."""
    return fetch_mail_all.enqueue().id
