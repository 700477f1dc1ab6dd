"""`manage.py db_worker`: django-tasks-db's worker, which first resumes open batches.

A worker killed mid-task (SIGKILL, OOM, a reboot) leaves its task "running" in the queue's
table for ever: no other worker takes it again (django-tasks issue #46). The rows it had
not sent would wait for ever too, so a starting worker queues each unfinished batch again;
a batch processed twice still sends each row once (rows are claimed, never resent)."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from reminders.sending import resume_open_batches


class Command(DbWorkerCommand):
    help = DbWorkerCommand.help + " (first queuing again the batches a stopped worker left)"

    def handle(self, *args, **options):
        reloader_parent = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not reloader_parent:  # with --reload, only the process that runs tasks
            resumed = resume_open_batches()
            if resumed and options.get("verbosity", 1):
                self.stdout.write(f"resumed {resumed} unfinished batch(es)")
        return super().handle(*args, **options)
