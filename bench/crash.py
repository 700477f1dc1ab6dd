"""Crash bench: 2,000 e-mail reminders, 2 worker processes, 30 SIGKILLs at random moments.

    .venv/bin/python bench/crash.py [--reminders 2000] [--kills 30] [--seed 1]

Uses PostgreSQL (database relance_bench_crash, dropped and made anew; PG_URL to change
the server) and a recording SMTP server (aiosmtpd) in this process. At the end every
reminder must be sent exactly once (counted at the server) or listed for review; the
last line says "N/N runs ... 0 duplicates and 0 lost" when it held.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def fresh_database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reminders", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--kills", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--smtp-delay", type=float, default=0.01, help="seconds per message")
    ap.add_argument("--pg", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"))
    ap.add_argument("--database", default="relance_bench_crash")
    args = ap.parse_args()

    url = fresh_database(args.pg.rstrip("/"), args.database)
    media = Path(tempfile.mkdtemp(prefix="relance-crash-"))
    os.environ.update(DATABASE_URL=url, MEDIA_ROOT=str(media), TASKS_BACKEND="db")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from tests.proof import harness

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    recorder = harness.Recorder(delay=args.smtp_delay)
    smtp = harness.start_smtp(recorder)
    t0 = time.monotonic()
    batch = harness.make_reminders(args.reminders, media)
    print(f"{args.reminders} reminders queued in {time.monotonic() - t0:.1f} s", flush=True)
    workers = harness.Workers(
        env=harness.worker_env(url, smtp.port, media), count=args.workers, log=media / "workers.log"
    )
    t0 = time.monotonic()
    try:
        harness.run_kills(workers, recorder, batch.pk, args.kills, rng)
        print(f"{workers.kills} kills done in {time.monotonic() - t0:.1f} s", flush=True)
        settled = harness.wait_settled(batch.pk, limit=600)
    finally:
        workers.stop()
        smtp.stop()
    v = harness.verdict(batch.pk, recorder)
    print(f"rows: {dict(v.states)}")
    print(
        f"server received {v.received} messages; {v.states['sent']} rows sent once, "
        f"{v.states['needs_review']} for review ({v.review_received} of them had reached "
        f"the server), {len(v.sent_not_received)} marked sent but never received, "
        f"{v.documents_behind} documents not moved to their new level"
    )
    print(f"elapsed {time.monotonic() - t0:.1f} s; settled: {settled}")
    runs_ok = workers.kills if v.ok and settled else 0
    print(
        f"{runs_ok}/{args.kills} runs: {v.total} reminders, {len(v.duplicates)} duplicates "
        f"and {len(v.lost)} lost"
    )
    return 0 if v.ok and settled and workers.kills == args.kills else 1


if __name__ == "__main__":
    sys.exit(main())
