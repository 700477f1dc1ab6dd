"""The worklist's sort keys (DocumentSortKey) through a scan that changes most levels.

A first scan of freshly imported invoices gives a level to about half of them at once.
Updating that many sort-key rows through their level index cost more than the scan
itself (1 M invoices: +7-8 s of PostgreSQL CPU, each change a new row version and four
index entries). So when one scan changes a large share of the table, the level index is
dropped before its UPDATE, the rows are then updated in place (the table's pages are kept
half empty, migration 0015), and the index is built again from scratch, all in the scan's
transaction: a failure puts everything back.

The price is a lock for the length of that scan. The documents table is locked against
writes first (reads go on), so a writer never holds a document while waiting for the
sort keys the scan holds (that would be a deadlock); the three sorts that read the
sort keys wait for the scan's end. A day's scan changes a few thousand rows and takes
neither lock.
"""

from contextlib import contextmanager

from django.db import connection

from .models import Document, DocumentSortKey

SHARE = 4  # set the index aside when a scan changes at least 1/SHARE of the rows
LEVEL_INDEX = "sort_key_by_level"
BUILD_MEMORY = "256MB"  # the index of 1 M rows is sorted in memory


@contextmanager
def levels_rewritten(cursor, changing: int):
    """Around a PostgreSQL scan's UPDATE that changes the levels of `changing` documents
    (inside the scan's transaction): the level index set aside when that is a large share
    of the table, built again afterwards."""
    if not _large_share(cursor, changing):
        yield
        return
    documents = connection.ops.quote_name(Document._meta.db_table)
    cursor.execute(f"LOCK TABLE {documents} IN SHARE ROW EXCLUSIVE MODE")
    index = next(i for i in DocumentSortKey._meta.indexes if i.name == LEVEL_INDEX)
    with connection.schema_editor(atomic=False) as editor:
        editor.remove_index(DocumentSortKey, index)
    yield
    cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [BUILD_MEMORY])
    with connection.schema_editor(atomic=False) as editor:
        editor.add_index(DocumentSortKey, index)


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
