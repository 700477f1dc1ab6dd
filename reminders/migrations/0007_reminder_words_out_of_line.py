"""PostgreSQL: a reminder row keeps its words (subject, bodies) in its TOAST table as soon
as the row passes 128 bytes, not 2 kB (toast_tuple_target), and its bodies are
compressed with lz4 rather than pglz where the server has it. The outbox updates each row
four times (claimed, worded, handed over, settled) and every update copies the whole
row: with its words out of line it copies a narrow row and pointers, and more of those
updates stay on their page (HOT). Measured with bench/send.py's statements: the hand-over
and outcome statement about 0.1 ms of database CPU less per e-mail, the words' about
0.05 ms. SQLite has no such settings: nothing to do there."""

from django.db import migrations

TABLE = "reminders_reminder"
BODIES = ("body_text", "body_html")


def _lz4(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def narrow(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = 128)")
    if _lz4(schema_editor):
        columns = ", ".join(f"ALTER COLUMN {c} SET COMPRESSION lz4" for c in BODIES)
        schema_editor.execute(f"ALTER TABLE {TABLE} {columns}")


def default(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} RESET (toast_tuple_target)")
    columns = ", ".join(f"ALTER COLUMN {c} SET COMPRESSION DEFAULT" for c in BODIES)
    schema_editor.execute(f"ALTER TABLE {TABLE} {columns}")


class Migration(migrations.Migration):
    dependencies = [("reminders", "0006_h22m_no_index_twice")]

    operations = [migrations.RunPython(narrow, default, elidable=False)]
