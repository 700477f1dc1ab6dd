"""Names sorted as a French reader expects: « Épicerie » beside « Epicerie », before « T… »,
whatever the case. The database sorts (the lists are paginated), so each engine gets a
collation: PostgreSQL its ICU root collation (accents and case are secondary
differences); SQLite, which has none, one registered on each connection that compares a
key with accents and case folded first, then the exact text to keep the order total."""

import unicodedata

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

SQLITE_COLLATION = "relance_name"
PG_COLLATION = "und-x-icu"


def sort_key(text: str) -> tuple[str, str]:
    folded = unicodedata.normalize("NFKD", text)
    base = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return base, text


def _compare(a: str, b: str) -> int:
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """`connection_created` receiver (receivables/apps.py)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SQLITE_COLLATION, _compare)


def by_name(field: str, descending: bool = False):
    """An order_by() expression sorting `field` the reader's way on this database."""
    name = PG_COLLATION if connection.vendor == "postgresql" else SQLITE_COLLATION
    expression = Collate(F(field), name)
    return expression.desc() if descending else expression.asc()
