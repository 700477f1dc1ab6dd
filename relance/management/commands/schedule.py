"""relance schedule: register the daily run with rq-scheduler (the scale-out set-up).

The embedded default (database queue) needs no scheduler process: cron or a systemd
timer runs `relance daily` (docs/scheduling.md). With TASKS_BACKEND=rq, one
`relance rqscheduler` process puts the daily run on the Redis queue, and any of the
`relance rqworker default` processes runs it.
"""

from argparse import ArgumentTypeError

from django.conf import settings
from django.core.management.base import BaseCommand

from relance.clitools import BadArguments

JOB_ID = "relance-daily"
FUNCTION = "reminders.runs_tasks.enqueue_daily"
# the reply mailboxes (inbox/tasks.py), every 5 minutes, registered with the daily run
FETCH_JOB_ID = "relance-fetch-mail"
FETCH_FUNCTION = "inbox.tasks.enqueue_fetch_mail"
FETCH_CRON = "*/5 * * * *"


def _cron(value: str) -> str:
    from croniter import croniter

    if not croniter.is_valid(value):
        raise ArgumentTypeError(f"{value!r} is not a cron expression like '30 5 * * *'")
    return value


class Command(BaseCommand):
    requires_system_checks = []  # works before django_rq is an installed app
    help = (
        "Register the daily run (scan + automatic sends) with rq-scheduler when "
        "TASKS_BACKEND=rq; --list shows it, --clear removes it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cron",
            type=_cron,
            default="30 5 * * *",
            help="when, in the server's UTC clock (default '30 5 * * *': 05:30 UTC daily)",
        )
        parser.add_argument("--queue", default="default", help="RQ queue (default: default)")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--list", action="store_true", help="show what is scheduled")
        action.add_argument("--clear", action="store_true", help="remove the daily run")

    def handle(self, *args, **opts):
        backend = settings.TASKS["default"]["BACKEND"]
        if backend != "django_tasks_rq.RQBackend":
            raise BadArguments(
                f"the tasks backend is {backend}: with the embedded database queue, run "
                "`relance daily` from cron or a systemd timer (docs/scheduling.md); "
                "`relance schedule` is for TASKS_BACKEND=rq"
            )
        scheduler = _scheduler(opts["queue"])
        mine = [job for job in scheduler.get_jobs() if job.id in (JOB_ID, FETCH_JOB_ID)]
        if opts["list"]:
            for job in mine:
                self.stdout.write(f"{job.id}: {job.meta.get('cron_string')} → {job.func_name}")
            if not mine:
                self.stdout.write("nothing scheduled")
            return
        for job in mine:
            scheduler.cancel(job)
        if opts["clear"]:
            self.stdout.write(f"removed {len(mine)} scheduled run(s)")
            return
        scheduler.cron(
            opts["cron"],
            func=FUNCTION,
            id=JOB_ID,
            queue_name=opts["queue"],
            description="Relance daily run: scan, then automatic sends",
        )
        scheduler.cron(
            FETCH_CRON,
            func=FETCH_FUNCTION,
            id=FETCH_JOB_ID,
            queue_name=opts["queue"],
            description="Relance: read the reply mailboxes",
        )
        self.stdout.write(
            f"daily run scheduled: '{opts['cron']}' (UTC) on queue {opts['queue']}. "
            f"Reply mailboxes read '{FETCH_CRON}'. Keep one `relance rqscheduler` process running."
        )


def _scheduler(queue: str):
    import django_rq

    return django_rq.get_scheduler(queue)
