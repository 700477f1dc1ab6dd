"""`manage.py rqworker`: django_rq's RQ worker, which first resumes open batches.

A worker killed with its job (SIGKILL, OOM, a reboot) leaves the job in RQ's started
registry; RQ later files it as failed and never runs it again, so the batch's rows would
wait for the next daily run. A starting worker therefore queues each unfinished batch
again, as `db_worker` does (rows are claimed, never resent). The RQ scheduler runs in the
worker by default: a batch's deferred run (postponed e-mails, rows a dead worker held)
is a scheduled job, which only a worker with the scheduler puts on the queue."""

from django.conf import settings
from django.core.management.base import CommandError
from django_rq.management.commands.rqworker import Command as RqWorkerCommand

from reminders.sending import resume_open_batches


class Command(RqWorkerCommand):
    help = "RQ worker (first queuing again the batches a stopped worker left)"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(with_scheduler=True)
        parser.add_argument(
            "--without-scheduler",
            action="store_false",
            dest="with_scheduler",
            help="Do not run RQ's scheduler in this worker (deferred runs wait for one that does)",
        )

    def handle(self, *args, **options):
        if "django_rq" not in settings.INSTALLED_APPS:
            raise CommandError("RQ workers need TASKS_BACKEND=rq (and REDIS_URL).")

        resumed = resume_open_batches()
        if resumed and options.get("verbosity", 1):
            self.stdout.write(f"resumed {resumed} unfinished batch(es)")
        return super().handle(*args, **options)
