"""bulk_create without Django compiling every value one by one: rows prepared once per
field type, sent as multi-row INSERT ... RETURNING id statements. An import of 100,000
invoices spent most of its time in that compilation (bench/import_csv.py).

On PostgreSQL the rows go by COPY (ids reserved from the sequence first): a statement of
60,000 placeholders cost psycopg more to split client-side than the database took to
insert the rows, and COPY beat one array per column (INSERT ... UNNEST) too."""

import operator

from django.db import connection, models

# Fields whose Python value is already what the database driver takes.
_AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
MAX_PARAMS = {"sqlite": 30000, "postgresql": 60000}  # SQLite >= 3.32 and PostgreSQL limits


def insert(model, objs: list) -> None:
    """Insert objs (unsaved instances of model) and set their primary keys."""
    if not objs:
        return
    if not connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objs, batch_size=500)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    auto = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    prepare = [preparer(f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    if connection.vendor == "postgresql":
        _insert_copy(model, objs, fields, auto, prepare, f"{table} ({pk}, {columns})")
        return
    size = max(1, MAX_PARAMS.get(connection.vendor, 900) // len(fields))
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params = [value for row in _rows(chunk, fields, auto, prepare) for value in row]
            values = ", ".join([one] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {pk}"  # noqa: S608 (names from the model, quoted)
            cursor.execute(sql, params)
            _saved(model, chunk, [new_id for (new_id,) in cursor.fetchall()])


def _insert_copy(model, objs, fields, auto, prepare, into: str) -> None:
    """PostgreSQL: the ids taken from the table's sequence first (one statement), then
    the rows streamed with COPY, the fastest way in (no statement to parse per row)."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), pk, len(objs)],
        )
        ids = [new_id for (new_id,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {into} FROM STDIN") as copy:
            for new_id, row in zip(ids, _rows(objs, fields, auto, prepare), strict=True):
                copy.write_row((new_id, *row))
    _saved(model, objs, ids)


def _rows(objs, fields, auto, prepare):
    """Each object's values as the driver takes them, in the order of fields: read with
    one attrgetter, converted only where the field needs it (decimals, dates)."""
    values = operator.attrgetter(*[f.attname for f in fields])
    if len(fields) == 1:
        values = lambda obj, one=values: (one(obj),)  # noqa: E731 (attrgetter of one name)
    convert = [(i, p) for i, p in enumerate(prepare) if p is not _same]
    for obj in objs:
        for f in auto:
            f.pre_save(obj, add=True)
        row = list(values(obj))
        for i, p in convert:
            row[i] = p(row[i])
        yield row


def _saved(model, objs, ids) -> None:
    """Mark objs saved with their new ids."""
    alias, pk = connection.alias, model._meta.pk.attname
    for obj, new_id in zip(objs, ids, strict=True):
        obj.__dict__[pk] = new_id
        obj._state.adding, obj._state.db = False, alias


def preparer(field):
    if isinstance(field, _AS_IS) and not isinstance(field, models.AutoField):
        return _same
    if isinstance(field, models.DecimalField):
        adapt = connection.ops.adapt_decimalfield_value
        return lambda v: v if v is None else adapt(v, field.max_digits, field.decimal_places)
    if type(field) is models.DateField:
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda v: field.get_db_prep_save(v, connection)
    return lambda v: v if v is None else field.get_db_prep_save(v, connection)


def _same(value):
    return value
