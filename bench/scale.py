"""The scaling curve: e-mails with a PDF each through 1, 2, 4, 8 RQ workers on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relance_bench_scale \\
    REDIS_URL=redis://127.0.0.1:6379/8 .venv/bin/python bench/scale.py --emails 50000

For each worker count: the same invoices (awaiting « Relance 1 », e-mail, each with its own
PDF) are reset, `relance rqworker` processes are started and idle, then one batch is
created as the worklist does (queued once per worker, RELANCE_SEND_WORKERS) and timed
until every row is settled. An aiosmtpd server (scripts/smtp_sink.py) writes each
Message-ID it receives. In the 4-worker run one worker is killed (SIGKILL, with its work
horse) half-way: its claimed rows come back after the lease (RELANCE_OUTBOX_TIMEOUT, 10 s
here) through the deferred run the other workers schedule. Printed per run: messages/s,
the SMTP server's count, duplicates, lost (neither sent nor for review), for review.
The database named in DATABASE_URL is dropped and made anew.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from send import free_port, fresh_database, make_data  # noqa: E402

LEASE = "10"  # seconds: a killed worker's rows come back after this


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=50_000)
    parser.add_argument("--workers", default="1,2,4,8")
    parser.add_argument("--kill-in", type=int, default=4, help="worker count of the kill run")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database (it is dropped and made anew)")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
    claim_redis(os.environ["REDIS_URL"])
    try:
        curve(args)
    finally:
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).delete("relance:test-lock")


def curve(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="relance-scale-"))
    smtp_port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "relance.settings",
        "TASKS_BACKEND": "rq",
        "RELANCE_DATA_DIR": str(tmp),
        "MEDIA_ROOT": str(tmp / "media"),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "RELANCE_OUTBOX_TIMEOUT": LEASE,
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    from receivables.models import Company

    as_of = Company(timezone="Europe/Paris").today()
    t = time.perf_counter()
    company, ids, _letters, pdf_size = make_data(args.emails, 0, as_of)
    print(f"data: {args.emails} invoices with a {pdf_size // 1024} KiB PDF each in "
          f"{time.perf_counter() - t:.0f} s; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"{'workers':>7} {'msg/s':>7} {'seconds':>8} {'SMTP':>7} {'dupl.':>6} {'lost':>5} "
          f"{'review':>6}  note")  # fmt: skip
    floor = None
    for n in [int(w) for w in args.workers.split(",")]:
        row = run(company, ids, as_of, n, n == args.kill_in, env, tmp, smtp_port)
        floor = floor or row["rate"]
        print(f"{n:>7} {row['rate']:>7.1f} {row['seconds']:>8.1f} {row['smtp']:>7} "
              f"{row['duplicates']:>6} {row['lost']:>5} {row['review']:>6}  "
              f"x{row['rate'] / floor:.2f} of 1 worker; {row['note']}", flush=True)  # fmt: skip


def run(company, ids, as_of, n, kill, env, tmp, smtp_port) -> dict:
    from django.conf import settings
    from django.db import connection

    from reminders.batches import create_batch
    from reminders.models import Reminder

    reset(company)
    received = tmp / f"smtp-{n}.txt"
    sink = start(
        [sys.executable, str(ROOT / "scripts/smtp_sink.py"), str(smtp_port), str(received)], env
    )
    workers = [
        start([sys.executable, str(ROOT / "manage.py"), "rqworker", "default", "--name", f"scale-{os.getpid()}-{n}-{i}"], env)
        for i in range(n)
    ]  # fmt: skip
    time.sleep(3 + n)  # started and listening: their start-up is not the curve
    settings.RELANCE_SEND_WORKERS = n  # the batch is queued once per worker
    t0 = time.perf_counter()
    batch = create_batch(company, ids, channel="email", as_of=as_of)
    note, killed = "", False
    rows = Reminder.objects.filter(batch=batch)
    while rows.filter(state__in=["queued", "sending"]).exists():
        if kill and not killed and _lines(received) >= len(ids) // 2:
            os.killpg(workers[0].pid, signal.SIGKILL)
            killed, note = True, f"one worker SIGKILLed at {_lines(received)} received"
        if time.perf_counter() - t0 > 3600:
            note += " TIMEOUT"
            break
        time.sleep(0.5)
    seconds = time.perf_counter() - t0
    time.sleep(1)  # a duplicate would come right behind
    for proc in [*workers, sink]:
        stop(proc)
    connection.close()
    lines = received.read_text().splitlines() if received.exists() else []
    message_ids = [line.split("\t")[0] for line in lines]
    sent = set(rows.filter(state="sent").values_list("message_id", flat=True))
    review = rows.filter(state="needs_review").count()
    lost = rows.exclude(state__in=["sent", "needs_review"]).count() + len(sent - set(message_ids))
    return {
        "rate": len(ids) / seconds,
        "seconds": seconds,
        "smtp": len(lines),
        "duplicates": len(message_ids) - len(set(message_ids)),
        "lost": lost,
        "review": review,
        "note": note or "-",
    }


def reset(company) -> None:
    """The same invoices, awaiting « Relance 1 » again; no reminder, no stored attachment."""
    import shutil

    from django.conf import settings

    from receivables.models import Document
    from reminders.models import Batch, Reminder

    Reminder.objects.all().delete()
    Batch.objects.all().delete()
    Document.objects.filter(company=company).update(
        pending_level=2, to_remind=True, dunning_level=0, reminder_count=0,
        last_reminder_date=None, to_remind_since=None,
    )  # fmt: skip
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "reminders", ignore_errors=True)
    import redis

    conn = redis.Redis.from_url(os.environ["REDIS_URL"])
    for key in conn.scan_iter("rq:*"):
        conn.delete(key)


def claim_redis(url: str) -> None:
    """The lock the test suite's `redis_url` fixture takes (tests/conftest.py): a test run
    on this machine will not pick this Redis database while the bench empties its queues."""
    import redis

    conn = redis.Redis.from_url(url)
    if not conn.set("relance:test-lock", f"bench-{os.getpid()}", nx=True, ex=7200):
        sys.exit(f"{url} is in use by a test run (relance:test-lock): choose another REDIS_URL")


def start(command, env) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


def _lines(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(1 for _ in fh)
    except FileNotFoundError:
        return 0


if __name__ == "__main__":
    main()
