"""The production layout, run for real: scripts/prod_smoke.sh on this test's PostgreSQL
database and its own Redis database (gunicorn x2, RQ workers x2, rq-scheduler, aiosmtpd),
1,000 reminders sent over HTTP and each received once. About a minute."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="production runs on PostgreSQL; its processes share the test database",
)
def test_the_production_layout_sends_a_thousand_reminders_once_each(transactional_db, redis_url):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
    }
    result = subprocess.run(
        ["bash", "scripts/prod_smoke.sh", "1000"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    assert "the SMTP server received 1000 messages" in result.stdout
    assert "each message once" in result.stdout
    assert "/healthz green" in result.stdout
    assert result.stdout.rstrip().endswith("prod smoke: OK")
