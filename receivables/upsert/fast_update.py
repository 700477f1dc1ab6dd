"""bulk_update without Django's CASE WHEN statement per 500 rows: an import changing
100,000 invoices spent most of its time building those statements.

SQLite: one prepared UPDATE run for every row (executemany, the driver loops in C).
PostgreSQL: the rows streamed with COPY into a temporary table, then one UPDATE ... FROM.
"""

from django.db import connection

from .fast_insert import preparer


def update(model, objs: list, names) -> None:
    """Save the fields `names` of objs (saved instances of model), nothing else."""
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in sorted(names)]
    prepare = [preparer(f) for f in fields]
    rows = [
        (*[p(getattr(obj, f.attname)) for f, p in zip(fields, prepare, strict=True)], obj.pk)
        for obj in objs
    ]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)  # noqa: S608 (names from the model, quoted)
            return
        scratch = quote(f"relance_update_{model._meta.db_table}")
        columns = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
        # dropped below; an error rolls the whole import back, the table with it
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} ({columns}, {pk} bigint)")
        names_sql = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {scratch} ({names_sql}, {pk}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        sets = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in fields)
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM {scratch} s WHERE {table}.{pk} = s.{pk}"  # noqa: S608 (names from the model, quoted)
        )
        cursor.execute(f"DROP TABLE {scratch}")
