"""The worklist's sort keys (DocumentSortKey) through a scan that changes most levels.

A first scan of freshly imported invoices gives a level to about half of them at once.
Updating that many sort-key rows through their level index cost more than the scan
itself (1 M invoices: +7-8 s of PostgreSQL CPU, each change a new row version and four
index entries). So when one scan changes a large share of the table, the level index is
dropped before its UPDATE and the rows are updated in place (the table's pages are kept
half empty, migration 0015). The index is built again after the scan's commit, by a task
(`build_level_index`, CREATE INDEX CONCURRENTLY: reads and writes go on): building it
inside the scan held every send for another second (1 M: 1.05 s). Meanwhile the sort on
« Niveau » reads the table without it, slower but in the same order. Should that task
never run (a worker lost), the next scan that finds the index missing queues it again.

The price is a lock for the length of that scan. The documents table is locked against
writes first (reads go on), so a writer never holds a document while waiting for the
sort keys the scan holds (that would be a deadlock); the three sorts that read the
sort keys wait for the scan's end. A day's scan changes a few thousand rows and takes
neither lock.
"""

from contextlib import contextmanager

from django.db import connection, transaction
from django_tasks import task

from .models import Document, DocumentSortKey

SHARE = 4  # set the index aside when a scan changes at least 1/SHARE of the rows
LEVEL_INDEX = "sort_key_by_level"
BUILD_MEMORY = "256MB"  # the index of 1 M rows is sorted in memory
BUILDER = 0x5E1A7E1  # advisory lock key: one builder at a time


@contextmanager
def levels_rewritten(cursor, changing: int):
    """Around a PostgreSQL scan's UPDATE that changes the levels of `changing` documents
    (inside the scan's transaction): the level index set aside when that is a large share
    of the table, and built again once the scan has committed."""
    if not _large_share(cursor, changing):
        yield
        if _level_index(cursor) is None:  # set aside by a scan whose build never ran
            transaction.on_commit(build_level_index.enqueue)
        return
    documents = connection.ops.quote_name(Document._meta.db_table)
    cursor.execute(f"LOCK TABLE {documents} IN SHARE ROW EXCLUSIVE MODE")
    cursor.execute(f"DROP INDEX IF EXISTS {LEVEL_INDEX}")  # absent if a build is pending
    yield
    transaction.on_commit(build_level_index.enqueue)


@task()
def build_level_index() -> str:
    """Build the level index unless it is there: concurrently, so the worklist is read and
    written meanwhile; one builder at a time (another call returns at once). Runs outside
    any transaction (a worker, or the immediate backend after the scan's commit)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [BUILDER])
        if not cursor.fetchone()[0]:
            return "building elsewhere"
        try:
            state = _level_index(cursor)
            if state:
                return "present"
            if state is False:  # left invalid by a build that died: PostgreSQL keeps it
                cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {LEVEL_INDEX}")
            cursor.execute("SELECT set_config('maintenance_work_mem', %s, false)", [BUILD_MEMORY])
            index = next(i for i in DocumentSortKey._meta.indexes if i.name == LEVEL_INDEX)
            with connection.schema_editor(atomic=False) as editor:
                editor.add_index(DocumentSortKey, index, concurrently=True)
            return "built"
        finally:
            cursor.execute("RESET maintenance_work_mem")
            cursor.execute("SELECT pg_advisory_unlock(%s)", [BUILDER])


def _level_index(cursor) -> bool | None:
    """True: the level index is there and usable; False: there but invalid; None: absent."""
    cursor.execute(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
        [LEVEL_INDEX],
    )
    row = cursor.fetchone()
    return None if row is None else row[0]


def _large_share(cursor, changing: int) -> bool:
    if changing <= 0:
        return False
    # The planner's row count, no scan of the table; -1 (never analysed) counts as empty.
    cursor.execute(
        "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
        [DocumentSortKey._meta.db_table],
    )
    rows = max(cursor.fetchone()[0], 0)
    return changing * SHARE >= rows
