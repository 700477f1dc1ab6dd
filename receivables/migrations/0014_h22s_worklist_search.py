"""The worklist's search finds document numbers by trigrams on PostgreSQL (issue 22).

`number__icontains` is UPPER(number) LIKE '%…%': a trigram index (pg_trgm, a trusted
extension: the database owner may create it) answers it without reading every document.
SQLite has no such index; its databases are small.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX document_number_trigrams ON receivables_document"
    " USING gin (UPPER(number::text) gin_trgm_ops)",
]
DROP = ["DROP INDEX document_number_trigrams"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("receivables", "0013_h22s_worklist_sort_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
