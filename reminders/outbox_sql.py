"""The outbox's per-message writes, as SQL written once; a batch's rows in one go.

Building an UPDATE through the ORM costs about 0.8 ms of CPU, eight times what the
database spends running it, and every reminder needs three of them (handed over, its
outcome, its documents). A worker wording a chunk
of e-mails writes their words the same way (`bulk_update` spent ~1.5 ms per row on its
CASE expressions). The same statements run on SQLite and PostgreSQL: names come
from the models, values go through the backend's own adapters.
"""

from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache

from django.db import connection, transaction
from django.db.models import DateField, DecimalField, FileField, JSONField

from receivables.models import Document

from .models import Reminder, ReminderDocument, ReminderState

# the columns an outcome may set on a reminder row
OUTCOME_COLUMNS = frozenset({"state", "last_error", "sent_at", "next_attempt_at", "handed_at"})
DOCUMENTS_PER_STATEMENT = 500


def _quoted(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _adapt(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


@cache
def _reminder_update(vendor: str, columns: tuple[str, ...], add_attempt: bool = False) -> str:
    """UPDATE reminder SET <columns> WHERE id, state 'sending' and claimed_by match."""
    sets = [f"{_quoted(Reminder, name)} = %s" for name in columns]
    if add_attempt:
        attempts = _quoted(Reminder, "attempts")
        sets.append(f"{attempts} = {attempts} + 1")
    where = " AND ".join(f"{_quoted(Reminder, n)} = %s" for n in ("id", "state", "claimed_by"))
    return f"UPDATE {_table(Reminder)} SET {', '.join(sets)} WHERE {where}"


def _reminded_sets(level: str = "%s", day: str = "%s", reminders: str = "1") -> str:
    """A document got `reminders` reminders: its level (`level`), last date (`day`),
    pending level and to-remind cleared (three parameters), count + `reminders`."""
    names = ("pending_level", "to_remind", "to_remind_since")
    sets = [f"{_quoted(Document, 'dunning_level')} = {level}"]
    sets.append(f"{_quoted(Document, 'last_reminder_date')} = {day}")
    sets += [f"{_quoted(Document, name)} = %s" for name in names]
    count = _quoted(Document, "reminder_count")
    return ", ".join([*sets, f"{count} = {_table(Document)}.{count} + {reminders}"])


def _reminded_values(today: date | None = None) -> list:
    """The parameters of `_reminded_sets`: the day (unless given as an expression), then
    the cleared pending level and to-remind."""
    return ([] if today is None else [_adapt(today)]) + [None, False, None]


@cache
def _documents_update(vendor: str, n_ids: int) -> str:
    """UPDATE document SET level, last date, pending/to-remind cleared, count + 1."""
    marks = ", ".join(["%s"] * n_ids)
    return (
        f"UPDATE {_table(Document)} SET {_reminded_sets()} "
        f"WHERE {_quoted(Document, 'id')} IN ({marks})"
    )


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def hand_over(pk: int, token: str, now: datetime) -> bool:
    """The message is about to reach the server: note it, and count the attempt."""
    sql = _reminder_update(connection.vendor, ("handed_at",), add_attempt=True)
    return _execute(sql, [_adapt(now), pk, ReminderState.SENDING.value, token]) == 1


def settle(pk: int, token: str, changes: dict) -> bool:
    """Write a message's outcome on its row, if this worker still owns it (a row flagged
    stale meanwhile belongs to the review list)."""
    unknown = set(changes) - OUTCOME_COLUMNS
    if unknown:
        raise ValueError(f"not an outcome column: {sorted(unknown)}")
    sql = _reminder_update(connection.vendor, tuple(changes))
    values = [_adapt(str(v) if isinstance(v, str) else v) for v in changes.values()]
    return _execute(sql, [*values, pk, ReminderState.SENDING.value, token]) == 1


WORDS = ("recipient", "subject", "body_text", "body_html", "words_pending")


def words(rows) -> None:
    """Store the words the worker gave its claimed rows (`reminders.wording`)."""
    sql = _reminder_update(connection.vendor, WORDS)
    fields = [Reminder._meta.get_field(name) for name in WORDS]
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields]
        + [row.pk, ReminderState.SENDING.value, row.claimed_by]
        for row in rows
    ]
    _executemany(sql, params)


def insert(model, objs) -> None:
    """Insert unsaved `objs` of `model` (their pk is not read back) with `write`: what
    `bulk_create` does for a chunk's attachments, without its per-object SQL compilation
    (about a tenth of a reminder's CPU). Defaults and `pre_save` apply, as there
    (auto_now_add dates, file names)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    write(model, [{f.attname: f.pre_save(obj, True) for f in fields} for obj in objs])


def new_ids(model, n: int) -> list[int]:
    """`n` new primary keys of `model`, ascending, reserved in the caller's transaction,
    so that rows can be written by `write` with their keys known beforehand. PostgreSQL
    draws them from the table's identity sequence. SQLite moves the table's AUTOINCREMENT
    counter on by `n` (which takes the database's one write lock until the transaction
    ends: no other writer can draw the same keys) and answers the keys it skipped."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
            cursor.execute(sql, [table, column, n])
            return sorted(pk for (pk,) in cursor.fetchall())
        cursor.execute("UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s", [n, table])
        if cursor.rowcount == 0:  # no row written yet: the counter starts at the highest key
            quoted = f"{_table(model)}.{_quoted(model, model._meta.pk.name)}"
            cursor.execute(
                f"INSERT INTO sqlite_sequence (name, seq) SELECT %s, coalesce(max({quoted}), 0) + %s FROM {_table(model)}",  # noqa: S608 - names from the model
                [table, n],
            )
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        last = cursor.fetchone()[0]
    return list(range(last - n + 1, last + 1))


def write(model, rows: list[dict]) -> None:
    """Write `rows` of `model` (each: attname -> value, the same names in every row; a
    field left out takes its default, a primary key left out the database's) in the
    caller's transaction: on PostgreSQL with one COPY, on SQLite with one executemany.
    What `bulk_create` does for a batch's outbox rows, without building a model object
    and compiling a placeholder per value (two thirds of writing a batch of 10,000).
    Only for models none of whose fields computes its value on save (`pre_save`:
    auto_now, files)."""
    if not rows:
        return
    given = rows[0].keys()
    fields = [f for f in model._meta.concrete_fields if f.attname in given or not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in given}
    # what the driver cannot take as it is: JSON, files, and on SQLite dates and decimals
    kinds = (JSONField, FileField)
    if connection.vendor != "postgresql":
        kinds += (DateField, DecimalField)
    prepared = [f for f in fields if isinstance(f, kinds)]
    names = [f.attname for f in fields]

    def values(row: dict) -> list:
        values = {**defaults, **row}
        for f in prepared:
            values[f.attname] = f.get_db_prep_save(values[f.attname], connection)
        return [values[name] for name in names]

    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor != "postgresql":
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {_table(model)} ({columns}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(sql, [values(row) for row in rows])
        return
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {_table(model)} ({columns}) FROM STDIN") as out:
            for row in rows:
                out.write_row(values(row))


def _executemany(sql: str, params: list) -> None:
    """On PostgreSQL through a server-binding cursor: the statement is parsed once per
    connection, not once per row as Django's client-binding cursor sends it."""
    if connection.vendor == "postgresql":
        with _server_bound() as cursor:  # prepared after a few rows (prepare_threshold)
            cursor.executemany(sql, params)
        return
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def documents_reminded(links, today: date) -> None:
    """Each document (level_rank, document_id) got its reminder today: its level, count and
    last date move on, and its pending level clears (the next scan decides what follows)."""
    by_rank: dict[int, list[int]] = defaultdict(list)
    for rank, document_id in links:
        by_rank[rank].append(document_id)
    for rank, ids in by_rank.items():
        values = [rank, *_reminded_values(today)]
        for start in range(0, len(ids), DOCUMENTS_PER_STATEMENT):
            chunk = ids[start : start + DOCUMENTS_PER_STATEMENT]
            _execute(_documents_update(connection.vendor, len(chunk)), values + chunk)


@cache
def _step(columns: tuple[str, ...] | None, hand: bool) -> str:
    """PostgreSQL: settle a reminder, hand another over; answers (settled, handed) as 0
    or 1."""
    pk, parts = _quoted(Reminder, "id"), []
    if columns is not None:
        parts.append(f"settled AS ({_reminder_update('postgresql', columns)} RETURNING {pk})")
    if hand:
        update = _reminder_update("postgresql", ("handed_at",), add_attempt=True)
        parts.append(f"handed AS ({update} RETURNING {pk})")
    settled = "(SELECT count(*) FROM settled)" if columns is not None else "0"
    handed = "(SELECT count(*) FROM handed)" if hand else "0"
    return f"WITH {', '.join(parts)} SELECT {settled}, {handed}"


def step(settle: tuple | None, hand: tuple | None) -> tuple[bool, bool]:
    """PostgreSQL: one message's outcome and the next one's hand-over in ONE statement.
    `settle`: (pk, token, changes); `hand`: (pk, token, now). In autocommit (the
    worker's) it is its own transaction: one round trip where BEGIN, the UPDATEs and
    COMMIT took several, and prepared (server-side binding), so the server parses and
    plans it once per connection. A message sent is settled with its `sent_at` and
    stays 'sending' until `finish_sent` (its documents move on with the chunk's).
    Answers (settled, handed)."""
    params, columns = [], None
    if settle is not None:
        pk, token, changes = settle
        unknown = set(changes) - OUTCOME_COLUMNS
        if unknown:
            raise ValueError(f"not an outcome column: {sorted(unknown)}")
        columns = tuple(changes)
        params += [*changes.values(), pk, ReminderState.SENDING.value, token]
    if hand is not None:
        pk, token, now = hand
        params += [now, pk, ReminderState.SENDING.value, token]
    with _server_bound() as cursor:
        cursor.execute(_step(columns, hand is not None), params, prepare=True)
        settled, handed = cursor.fetchone()
    return settled == 1, handed == 1


def _moved_documents() -> str:
    """`moves` (per document of the rows in `done(id, day)`: its highest level, the day,
    how many of the rows carried it), and the UPDATE that moves each document on."""
    rd, doc = _table(ReminderDocument), _table(Document)
    rank, reminder, document = (
        f"{rd}.{_quoted(ReminderDocument, n)}" for n in ("level_rank", "reminder", "document")
    )
    moves = (
        f"SELECT {document} AS id, max({rank}) AS level, max(done.day) AS day, count(*) AS n"
        f" FROM {rd} JOIN done ON {reminder} = done.id GROUP BY {document}"
    )
    update = (
        f"UPDATE {doc} SET {_reminded_sets('moves.level', 'moves.day', 'moves.n')}"
        f" FROM moves WHERE {doc}.{_quoted(Document, 'id')} = moves.id"
    )
    return moves, update


def _sent_rows(where_ids: str) -> str:
    """UPDATE to 'sent' the rows `where_ids` picks (its `{pk}`: their qualified key) that
    were settled as sent and are still 'sending'; RETURNING their ids."""
    r = _table(Reminder)
    pk, state, sent_at = (_quoted(Reminder, n) for n in ("id", "state", "sent_at"))
    return (
        f"UPDATE {r} SET {state} = %s {where_ids.format(pk=f'{r}.{pk}')}"
        f" AND {r}.{state} = %s AND {r}.{sent_at} IS NOT NULL RETURNING {r}.{pk} AS id"
    )


@cache
def _finish_sent() -> str:
    """PostgreSQL: rows settled as sent become 'sent' and their documents move on (per
    document: its highest level, the day, one more reminder per row that carried it)."""
    moves, update = _moved_documents()
    return (
        "WITH s(id, day) AS (SELECT * FROM unnest(%s::bigint[], %s::date[])),"
        f" done AS ({_sent_rows('FROM s WHERE {pk} = s.id')}, s.day),"
        f" moves AS ({moves}), moved AS ({update}) SELECT count(*) FROM done"
    )


def finish_sent(days: dict[int, date]) -> int:
    """The rows `days` names (reminder id -> the company's day it was sent), settled as
    sent, become 'sent' and their documents move on, for a whole chunk at once (a
    statement per message spent more on the documents' indexes and triggers than on the
    update): ONE statement on PostgreSQL, two in one transaction on SQLite. Only rows
    still waiting for this are finished, so a row finished meanwhile
    (`outbox.flag_stale`) does not move its documents twice. Answers how many it
    finished."""
    if not days:
        return 0
    if connection.vendor != "postgresql":
        return _finish_sent_sqlite(days)
    params = [list(days), list(days.values()), ReminderState.SENT.value]
    params += [ReminderState.SENDING.value, *_reminded_values()]
    with _server_bound() as cursor:
        cursor.execute(_finish_sent(), params, prepare=True)
        return cursor.fetchone()[0]


SQLITE_ROWS_PER_STATEMENT = 10_000  # two parameters each: within SQLite's 32,766


def _finish_sent_sqlite(days: dict[int, date]) -> int:
    """`finish_sent` on SQLite, which has no UPDATE inside a WITH: the rows, then their
    documents, the same SQL in two statements, in one transaction (the only write lock)."""
    moves, update = _moved_documents()
    ids, finished = list(days), 0
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(ids), SQLITE_ROWS_PER_STATEMENT):
            part = ids[start : start + SQLITE_ROWS_PER_STATEMENT]
            where = f"WHERE {{pk}} IN ({', '.join(['%s'] * len(part))})"
            cursor.execute(
                _sent_rows(where), [ReminderState.SENT.value, *part, ReminderState.SENDING.value]
            )
            done = [row[0] for row in cursor.fetchall()]
            if not done:
                continue
            values = ", ".join(["(%s, %s)"] * len(done))
            cursor.execute(
                f"WITH done(id, day) AS (VALUES {values}), moves AS ({moves}) {update}",
                [v for i in done for v in (i, _adapt(days[i]))] + _reminded_values(),
            )
            finished += len(done)
    return finished


def refresh_statistics(added: int) -> bool:
    """PostgreSQL: ANALYZE the outbox tables when a batch has just added more rows than
    autovacuum waits for (50 + a tenth of the table) — what it would do within a minute,
    done now because the workers start at once: with the planner still counting the
    table as it was (empty, on a new installation), each chunk's reads scan every row
    (bench/send.py, 1.8 ms instead of 0.07). Answers whether it analyzed."""
    if connection.vendor != "postgresql":
        return False
    reminders, links = _table(Reminder), _table(ReminderDocument)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [reminders])
        counted = max(cursor.fetchone()[0], 0)  # -1: never analyzed
        if added <= 50 + 0.1 * counted:
            return False
        cursor.execute(f"ANALYZE {reminders}, {links}")
    return True


@contextmanager
def _server_bound():
    """psycopg's own server-side binding cursor (Django's bind on the client, so each
    statement is parsed and planned anew): its statements are prepared, by `prepare=True`
    or once run `prepare_threshold` times (relance/settings.py sets it: Django's default,
    None, turns preparing off; its own cursors stay client-bound). Behind PgBouncer in
    transaction mode this needs PgBouncer 1.21+ with max_prepared_statements."""
    import psycopg  # PostgreSQL only

    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor
