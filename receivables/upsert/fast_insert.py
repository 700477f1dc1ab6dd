"""bulk_create without Django compiling every value one by one: rows prepared once per
field type, sent as multi-row INSERT ... RETURNING id statements. An import of 100,000
invoices spent most of its time in that compilation (bench/import_csv.py).

On PostgreSQL the rows go as one array per column (INSERT ... SELECT * FROM UNNEST(...),
as Django's own bulk_create does there): a statement of 60,000 placeholders cost psycopg
more to split client-side than the database took to insert the rows."""

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
    prepare = [_preparer(f) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    if connection.vendor == "postgresql" and _unnestable(fields):
        _insert_unnest(model, objs, fields, auto, prepare, f"INSERT INTO {table} ({columns})", pk)
        return
    size = max(1, MAX_PARAMS.get(connection.vendor, 900) // len(fields))
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params = []
            for obj in chunk:
                for f in auto:
                    f.pre_save(obj, add=True)
                params.extend(
                    p(getattr(obj, f.attname)) for f, p in zip(fields, prepare, strict=True)
                )
            values = ", ".join([one] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {pk}"  # noqa: S608 (names from the model, quoted)
            cursor.execute(sql, params)
            for obj, (new_id,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = new_id
                obj._state.adding, obj._state.db = False, connection.alias


UNNEST_ROWS = 10000  # rows per statement: one array per column


def _unnestable(fields) -> bool:
    return not any(
        hasattr(f, "get_placeholder")
        or (f.target_field if f.is_relation else f).get_internal_type() not in connection.data_types
        for f in fields
    )


def _insert_unnest(model, objs, fields, auto, prepare, into: str, pk: str) -> None:
    # varchar[] rather than varchar(50)[]: the lengths were checked before, as Django does
    types = [f.db_type(connection).split("(")[0] for f in fields]
    arrays = ", ".join(f"(%s)::{t}[]" for t in types)
    sql = f"{into} SELECT * FROM UNNEST({arrays}) RETURNING {pk}"  # noqa: S608 (names from the model, quoted)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), UNNEST_ROWS):
            chunk = objs[start : start + UNNEST_ROWS]
            columns = [[] for _f in fields]
            for obj in chunk:
                for f in auto:
                    f.pre_save(obj, add=True)
                for column, f, p in zip(columns, fields, prepare, strict=True):
                    column.append(p(getattr(obj, f.attname)))
            cursor.execute(sql, columns)
            for obj, (new_id,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = new_id
                obj._state.adding, obj._state.db = False, connection.alias


def _preparer(field):
    if isinstance(field, _AS_IS) and not isinstance(field, models.AutoField):
        return _same
    if isinstance(field, models.DecimalField):
        adapt = connection.ops.adapt_decimalfield_value
        return lambda v: v if v is None else adapt(v, field.max_digits, field.decimal_places)
    if type(field) is models.DateField:
        return connection.ops.adapt_datefield_value
    return lambda v: field.get_db_prep_save(v, connection)


def _same(value):
    return value
