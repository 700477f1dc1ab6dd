"""A scan run inside a longer transaction leaves its planner settings behind it: what
follows is planned as before (dunning.scan sets them for its own statements only)."""

import pytest
from django.db import connection

from dunning.scan import PLANNER_SETTINGS, scan

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="planner settings are PostgreSQL's"
)


def _settings() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"current_setting('{n}')" for n in PLANNER_SETTINGS))
        return dict(zip(PLANNER_SETTINGS, cursor.fetchone(), strict=True))


def test_a_scan_inside_a_transaction_sets_the_planner_back(company, policies, make_invoice):
    make_invoice()  # a test runs in a transaction: the scan's own is a savepoint in it
    before = _settings()
    scan(company)
    assert _settings() == before
