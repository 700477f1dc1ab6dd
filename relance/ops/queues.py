"""How much is waiting: the outbox in the database, and the RQ queue when there is one."""

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from reminders.models import Reminder, ReminderState
from reminders.rendering import EMAIL_CHANNELS


def outbox_depth() -> tuple[int, float]:
    """E-mails queued and due now, and how many seconds the oldest has waited (0: none)."""
    now = timezone.now()
    due = Reminder.objects.filter(
        state=ReminderState.QUEUED, channel__in=EMAIL_CHANNELS, next_attempt_at__lte=now
    )
    figures = due.aggregate(n=Count("pk"), oldest=Min("next_attempt_at"))
    oldest = figures["oldest"]
    return figures["n"], (now - oldest).total_seconds() if oldest else 0.0


def uses_rq() -> bool:
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"


def rq_jobs() -> int | None:
    """Jobs waiting on the RQ queue(s); None without RQ. Raises when Redis is down."""
    if not uses_rq():
        return None
    import django_rq

    return sum(django_rq.get_queue(name).count for name in settings.RQ_QUEUES)


def redis_ping() -> None:
    """Raises when the Redis of the queue (or of the cache) does not answer."""
    import redis

    for url in {settings.REDIS_URL} if uses_rq() else set():
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
