"""The worklist's sort keys of the columns a send writes, in a narrow table (issue 22).

PostgreSQL: triggers keep one row per document — inserts and deletes per statement
(transition tables), changes per row; a change made while `relance.scan` is 'on' is left
to the scan, which writes its own in the same statement (dunning.scan), as for the
running totals (migration 0012). The table is filled before its indexes are built.
SQLite keeps the table empty: the worklist sorts its documents themselves there.
"""

from django.db import migrations, models

KEYS = "receivables_documentsortkey"
COLUMNS = "company_id, pending_level, dunning_level, reminder_count, last_reminder_date"
WATCHED = ("id", *COLUMNS.split(", "))
COPY = f"INSERT INTO {KEYS} (document_id, {COLUMNS}) SELECT id, {COLUMNS} FROM {{rows}}"

POSTGRES = [
    # Half-empty pages: a scan that changes most levels at once updates its rows in place
    # ("HOT") while the level index is set aside (receivables.sort_keys).
    f"ALTER TABLE {KEYS} SET (fillfactor = 50)",
    f"""CREATE FUNCTION receivables_document_sort_keys_added() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN {COPY.format(rows="added")}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION receivables_document_sort_keys_removed() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
        DELETE FROM {KEYS} k USING removed r WHERE k.document_id = r.id; RETURN NULL; END $$""",
    f"""CREATE FUNCTION receivables_document_sort_keys_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
        UPDATE {KEYS} SET document_id = NEW.id, company_id = NEW.company_id,
            pending_level = NEW.pending_level, dunning_level = NEW.dunning_level,
            reminder_count = NEW.reminder_count, last_reminder_date = NEW.last_reminder_date
        WHERE document_id = OLD.id;
        RETURN NULL; END $$""",
    """CREATE TRIGGER document_sort_keys_added AFTER INSERT ON receivables_document
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT
        EXECUTE FUNCTION receivables_document_sort_keys_added()""",
    """CREATE TRIGGER document_sort_keys_removed AFTER DELETE ON receivables_document
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
        EXECUTE FUNCTION receivables_document_sort_keys_removed()""",
    f"""CREATE TRIGGER document_sort_keys_changed AFTER UPDATE ON receivables_document
        FOR EACH ROW WHEN (({" OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)})
                           AND current_setting('relance.scan', true) IS DISTINCT FROM 'on')
        EXECUTE FUNCTION receivables_document_sort_keys_changed()""",
    COPY.format(rows="receivables_document"),
]
POSTGRES_DROP = [
    "DROP TRIGGER document_sort_keys_added ON receivables_document",
    "DROP TRIGGER document_sort_keys_removed ON receivables_document",
    "DROP TRIGGER document_sort_keys_changed ON receivables_document",
    "DROP FUNCTION receivables_document_sort_keys_added()",
    "DROP FUNCTION receivables_document_sort_keys_removed()",
    "DROP FUNCTION receivables_document_sort_keys_changed()",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('receivables', '0014_h22s_worklist_search'),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentSortKey',
            fields=[
                ('document', models.OneToOneField(db_constraint=False, on_delete=models.deletion.DO_NOTHING, primary_key=True, related_name='sort_key', serialize=False, to='receivables.document')),
                ('company_id', models.IntegerField()),
                ('pending_level', models.SmallIntegerField(null=True)),
                ('dunning_level', models.SmallIntegerField()),
                ('reminder_count', models.IntegerField()),
                ('last_reminder_date', models.DateField(null=True)),
            ],
        ),
        migrations.RunPython(create, drop),
        migrations.AddIndex(
            model_name='documentsortkey',
            index=models.Index(fields=['company_id', 'pending_level', 'dunning_level', 'document'], name='sort_key_by_level'),
        ),
        migrations.AddIndex(
            model_name='documentsortkey',
            index=models.Index(fields=['company_id', 'reminder_count', 'document'], name='sort_key_by_count'),
        ),
        migrations.AddIndex(
            model_name='documentsortkey',
            index=models.Index(fields=['company_id', 'last_reminder_date', 'document'], name='sort_key_by_last'),
        ),
    ]
