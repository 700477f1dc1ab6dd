"""Let the daily scan update documents in place (PostgreSQL "HOT" updates, issue 22).

PostgreSQL writes a new version of each updated row; when no indexed column changes and
the row's page has room, the new version stays on the page and no index is touched.
The scan writes pending_level, to_remind, to_remind_since, next_action_date and
stop_reason: to_remind loses its index (a boolean across every company; the worklist
and counts go through the company's indexes), and pages are filled to half so that a
first scan rewriting every row finds room beside each one. Existing rows keep their
pages until rewritten (VACUUM FULL applies the fill factor at once).
"""

from django.db import migrations, models


def fill_half(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE receivables_document SET (fillfactor = 50)")


def fill_full(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE receivables_document RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("receivables", "0007_merge_i21"),
    ]

    operations = [
        migrations.AlterField(
            model_name="document",
            name="to_remind",
            field=models.BooleanField(default=False, verbose_name="à relancer"),
        ),
        migrations.RunPython(fill_half, fill_full),
    ]
