"""Whose work is running now: the ids every log line carries (relance/ops/logs.py).

Context variables follow threads and asyncio tasks, so a value set here is seen by every
module logging while it runs. The web sets them per request (RequestContextMiddleware);
the workers per task (the Tasks API's signals, relance/ops/logs.py) and per company
while a task works for one: `with for_company(pk):` in the use cases that run in the
background (the daily run, the sending of a batch, the fetch of a reply mailbox). Here,
on the ground floor, so those use cases may set it without importing the faces."""

from contextlib import contextmanager
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
company_id: ContextVar[int | None] = ContextVar("company_id", default=None)
task_id: ContextVar[str | None] = ContextVar("task_id", default=None)


@contextmanager
def for_company(pk: int | None):
    """Log lines written inside carry `company_id=pk`; the previous id comes back after."""
    token = company_id.set(pk)
    try:
        yield
    finally:
        company_id.reset(token)
