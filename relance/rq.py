"""The RQ worker class (TASKS_BACKEND=rq): when its work horse dies mid-job (the OOM
killer, a SIGKILL), RQ files the job as failed and the worker goes on with the next one;
the batch that job was sending would wait for the next daily run, so the worker queues
the unfinished batches again at once (rows are claimed, never resent)."""

import logging

from django.db import connections
from rq import Worker as RqWorker

from reminders.sending import resume_open_batches

log = logging.getLogger(__name__)


class Worker(RqWorker):
    def handle_work_horse_killed(self, job, retpid, ret_val, rusage):
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)
        try:
            resumed = resume_open_batches()
            log.warning("work horse of job %s died; resumed %s batch(es)", job.id, resumed)
        finally:
            for conn in connections.all():  # the next forked horse must not share them
                conn.close()
