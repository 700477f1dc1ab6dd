"""Prometheus metrics at /metrics (prometheus-client).

Two sources, so that several web processes and workers on several machines report one
truth:
- what the database knows, read at each scrape (`DatabaseCollector`): reminders by state
  and channel, the queue's depth and the age of its oldest row, send latency (the SMTP
  exchange: a reminder's hand-over to its outcome, both committed), each company's last
  scan and its duration. The same figures whichever process answers.
- what happens inside the web processes (`HTTP_*`, `IMPORT_ROWS`): counters each gunicorn
  worker writes to PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py), summed at scrape.

Protected: RELANCE_METRICS_TOKEN (Authorization: Bearer …) or RELANCE_METRICS_ALLOWED_IPS
(the client's address as relance.login reads it, behind a trusted proxy too). Neither
set: 404, the page does not exist.
"""

import hmac
import os
import time
from datetime import timedelta
from ipaddress import ip_address

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily

from receivables.models import Company
from reminders.models import Reminder, ReminderState
from web.client import client_address

from . import queues

HTTP_REQUESTS = Counter(
    "relance_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
HTTP_SECONDS = Histogram(
    "relance_http_request_seconds", "Time to answer an HTTP request", ["method"]
)
IMPORT_ROWS = Counter("relance_import_rows_total", "Rows imported from files", ["kind"])
SEND_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class DatabaseCollector:
    def collect(self):
        yield from reminder_metrics()
        yield from queue_metrics()
        yield send_latency()
        yield from scan_metrics()

    def describe(self):
        return []  # collected at each scrape only


def reminder_metrics():
    family = GaugeMetricFamily(
        "relance_reminders", "Reminders by state and channel", labels=["state", "channel"]
    )
    rows = Reminder.objects.order_by().values("state", "channel").annotate(n=Count("pk"))
    for row in rows:
        family.add_metric([row["state"], row["channel"]], row["n"])
    yield family


def queue_metrics():
    depth, oldest = queues.outbox_depth()
    yield GaugeMetricFamily(
        "relance_queue_depth", "Reminders queued and due to be sent now", value=depth
    )
    yield GaugeMetricFamily(
        "relance_queue_oldest_seconds",
        "How long the oldest due reminder has been waiting (0: none)",
        value=oldest,
    )
    jobs = queues.rq_jobs()
    if jobs is not None:
        yield GaugeMetricFamily("relance_rq_jobs", "Jobs waiting on the RQ queue", value=jobs)


def send_latency():
    took = ExpressionWrapper(F("sent_at") - F("handed_at"), output_field=DurationField())
    sent = Reminder.objects.filter(
        state=ReminderState.SENT, sent_at__isnull=False, handed_at__isnull=False
    ).annotate(took=took)
    figures = sent.aggregate(
        total=Count("pk"),
        seconds=Sum("took"),
        **{
            f"le{i}": Count("pk", filter=Q(took__lte=_delta(b))) for i, b in enumerate(SEND_BUCKETS)
        },
    )
    buckets = [(str(b), figures[f"le{i}"]) for i, b in enumerate(SEND_BUCKETS)]
    buckets.append(("+Inf", figures["total"]))
    total = figures["seconds"]
    return HistogramMetricFamily(
        "relance_send_seconds",
        "SMTP exchange per sent e-mail (hand-over to outcome)",
        buckets=buckets,
        sum_value=total.total_seconds() if total else 0.0,
    )


def _delta(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def scan_metrics():
    last = GaugeMetricFamily(
        "relance_last_scan_timestamp_seconds",
        "When each company was last scanned",
        labels=["company"],
    )
    took = GaugeMetricFamily(
        "relance_scan_duration_seconds",
        "How long each company's last scan took",
        labels=["company"],
    )
    for pk, at, seconds in Company.objects.filter(last_scan_at__isnull=False).values_list(
        "pk", "last_scan_at", "last_scan_seconds"
    ):
        last.add_metric([str(pk)], at.timestamp())
        took.add_metric([str(pk)], seconds or 0.0)
    yield last
    yield took


_database = CollectorRegistry(auto_describe=False)
_database.register(DatabaseCollector())


def allowed(request) -> bool:
    token = settings.RELANCE_METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return True
    address = client_address(request)
    try:
        where = ip_address(address)
    except ValueError:
        return False
    return any(where in network for network in settings.RELANCE_METRICS_ALLOWED_IPS)


@require_safe
def metrics_view(request):
    if not (settings.RELANCE_METRICS_TOKEN or settings.RELANCE_METRICS_ALLOWED_IPS):
        raise Http404
    if not allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    body = generate_latest(processes) + generate_latest(_database)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


class HttpMetricsMiddleware:
    """Counts every request by method, URL pattern (not the path: bounded) and status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None else "unmatched"
        HTTP_REQUESTS.labels(request.method, route or "/", response.status_code).inc()
        HTTP_SECONDS.labels(request.method).observe(time.perf_counter() - started)
        return response


def count_imported_rows(sender, kind: str, rows: int, **kwargs) -> None:
    IMPORT_ROWS.labels(kind).inc(rows)
