"""`column = ANY(list)` as one bound value, for the upserts' lookups of thousands of keys.

`filter(number__in=[...])` binds one placeholder per key: Django prepares each value and
psycopg splits the statement's text at every placeholder, which cost a re-import of
100,000 invoices more than the database's own work. Here the keys travel as one array
(PostgreSQL) or one JSON list (SQLite's json_each), whatever their number.
"""

import json

from django.db.models import F, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False  # plain str or int keys, passed as they are

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*params, list(self.rhs))
        if connection.vendor == "sqlite":
            sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 (lhs: a column)
            return sql, (*params, json.dumps(self.rhs))
        marks = ", ".join(["%s"] * len(self.rhs)) or "NULL"
        return f"{lhs} IN ({marks})", (*params, *self.rhs)


def any_of(name: str, values: list):
    """A filter() condition: `name` is one of values (all str, or all int)."""
    return AnyOf(F(name), values)
