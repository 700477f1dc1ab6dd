"""Totals of documents by what the worklist filters on, kept by triggers (issue 22).

Each insert, delete or change of a counted column adds delta rows to
receivables_documenttotal (never updates one: no two writers wait for the same row).
PostgreSQL counts inserts and deletes per statement (transition tables: a COPY of a
million invoices adds a few hundred rows) and changes per row; a change made while
`relance.scan` is 'on' is left to the scan, which counts its own changes in one
statement (dunning.scan: a trigger per row would double a first scan). SQLite counts
every row, the scan's too. The existing documents are counted once at the end.
"""

from django.db import migrations, models

TOTALS = "receivables_documenttotal"
COLUMNS = "company_id, kind, state, to_remind, direct_debit, currency, due_date, count, amount, paid"
KEY = "company_id, kind, state, to_remind, payment_method = 'direct_debit', currency, due_date"
COUNTED = "company_id kind state to_remind payment_method currency due_date amount paid_amount"


def row(alias: str, sign: str) -> str:
    return (
        f"{alias}.company_id, {alias}.kind, {alias}.state, {alias}.to_remind,"
        f" {alias}.payment_method = 'direct_debit', {alias}.currency, {alias}.due_date,"
        f" {sign}1, {sign}{alias}.amount, {sign}{alias}.paid_amount"
    )


def grouped(table: str, sign: str) -> str:
    return (
        f"INSERT INTO {TOTALS} ({COLUMNS}) SELECT {KEY}, {sign}COUNT(*), {sign}SUM(amount),"
        f" {sign}SUM(paid_amount) FROM {table} GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )


def changed(old: str, new: str, distinct: str) -> str:
    return " OR ".join(f"{old}.{c} {distinct} {new}.{c}" for c in COUNTED.split())


POSTGRES = [
    f"""CREATE FUNCTION receivables_document_totals_added() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN {grouped("added", "")}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION receivables_document_totals_removed() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN {grouped("removed", "-")}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION receivables_document_totals_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO {TOTALS} ({COLUMNS}) VALUES ({row("OLD", "-")}), ({row("NEW", "")});
        RETURN NULL; END $$""",
    """CREATE TRIGGER document_totals_added AFTER INSERT ON receivables_document
        REFERENCING NEW TABLE AS added FOR EACH STATEMENT
        EXECUTE FUNCTION receivables_document_totals_added()""",
    """CREATE TRIGGER document_totals_removed AFTER DELETE ON receivables_document
        REFERENCING OLD TABLE AS removed FOR EACH STATEMENT
        EXECUTE FUNCTION receivables_document_totals_removed()""",
    f"""CREATE TRIGGER document_totals_changed AFTER UPDATE ON receivables_document
        FOR EACH ROW WHEN (({changed("OLD", "NEW", "IS DISTINCT FROM")})
                           AND current_setting('relance.scan', true) IS DISTINCT FROM 'on')
        EXECUTE FUNCTION receivables_document_totals_changed()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER document_totals_added ON receivables_document",
    "DROP TRIGGER document_totals_removed ON receivables_document",
    "DROP TRIGGER document_totals_changed ON receivables_document",
    "DROP FUNCTION receivables_document_totals_added()",
    "DROP FUNCTION receivables_document_totals_removed()",
    "DROP FUNCTION receivables_document_totals_changed()",
]
SQLITE = [
    f"""CREATE TRIGGER document_totals_added AFTER INSERT ON receivables_document
        BEGIN INSERT INTO {TOTALS} ({COLUMNS}) VALUES ({row("NEW", "")}); END""",
    f"""CREATE TRIGGER document_totals_removed AFTER DELETE ON receivables_document
        BEGIN INSERT INTO {TOTALS} ({COLUMNS}) VALUES ({row("OLD", "-")}); END""",
    f"""CREATE TRIGGER document_totals_changed AFTER UPDATE ON receivables_document
        WHEN {changed("OLD", "NEW", "IS NOT")}
        BEGIN INSERT INTO {TOTALS} ({COLUMNS}) VALUES ({row("OLD", "-")}), ({row("NEW", "")}); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER document_totals_added",
    "DROP TRIGGER document_totals_removed",
    "DROP TRIGGER document_totals_changed",
]


def create(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES if pg else SQLITE:
        schema_editor.execute(sql)
    schema_editor.execute(grouped("receivables_document", ""))


def drop(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES_DROP if pg else SQLITE_DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('receivables', '0011_h18_customer_2026_mentions'),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('company_id', models.IntegerField()),
                ('kind', models.CharField(max_length=12)),
                ('state', models.CharField(max_length=12)),
                ('to_remind', models.BooleanField()),
                ('direct_debit', models.BooleanField()),
                ('currency', models.CharField(max_length=3)),
                ('due_date', models.DateField()),
                ('count', models.IntegerField()),
                ('amount', models.DecimalField(decimal_places=2, max_digits=18)),
                ('paid', models.DecimalField(decimal_places=2, max_digits=18)),
                ('folded', models.BooleanField(db_default=False)),
            ],
            options={
                'indexes': [models.Index(fields=['company_id', 'kind', 'state', 'to_remind', 'due_date'], name='document_total_key')],
            },
        ),
        migrations.RunPython(create, drop),
    ]
