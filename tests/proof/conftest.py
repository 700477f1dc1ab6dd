"""Hypothesis profiles: `ci` (default, a few hundred cases in all) and `long`
(HYPOTHESIS_PROFILE=long pytest -m fuzz tests/proof: 2,500 cases per target, >10,000)."""

import os

import pytest
from django.db import connection
from hypothesis import HealthCheck, settings

_common = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
# ci: the same cases every run (no flaky CI); long: new random cases each run
settings.register_profile("ci", max_examples=60, derandomize=True, **_common)
settings.register_profile("long", max_examples=2500, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def postgres_url():
    """The test database's URL, for worker processes started by a test."""
    if connection.vendor != "postgresql":
        pytest.skip("several worker processes on one database: PostgreSQL's job, not SQLite's")
    s = connection.settings_dict
    user = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{user}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
