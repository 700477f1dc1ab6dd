"""Every commit must be on disk before it returns: the outbox records a hand-over before
each message leaves, and a hand-over forgotten in a power cut would send the message
again after the restart (docs/reliability.md)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_commits_reach_the_disk_before_they_return():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 2  # FULL (NORMAL = 1 may lose the last commits)
        else:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] in ("on", "remote_write", "remote_apply")
