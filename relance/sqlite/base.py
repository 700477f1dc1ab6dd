"""Django's SQLite backend, its writes queued by `writers.WriterQueue`: a transaction
from BEGIN to COMMIT or ROLLBACK, a write outside one (autocommit: `.update()`, a
`save()`) for its statement."""

from contextlib import contextmanager

from django.db.backends.sqlite3 import base

from .writers import WriterQueue

WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLAC"})  # a statement's first 6 letters


class QueuedCursor(base.SQLiteCursorWrapper):
    """A write in autocommit waits its turn like a transaction (SQLite would otherwise
    make it sleep 1 to 50 ms while a transaction holds the write lock)."""

    database: "DatabaseWrapper"

    def execute(self, query, params=None):
        if not self._writes(query):
            return super().execute(query, params)
        with self._turn():
            return super().execute(query, params)

    def executemany(self, query, param_list):
        if not self._writes(query):
            return super().executemany(query, param_list)
        with self._turn():
            return super().executemany(query, param_list)

    def _writes(self, query: str) -> bool:
        """A write outside a transaction (inside one, BEGIN took the turn already)."""
        return not self.connection.in_transaction and query.lstrip()[:6].upper() in WRITES

    @contextmanager
    def _turn(self):
        self.database._enter()
        try:
            yield
        finally:
            self.database._leave()


class DatabaseWrapper(base.DatabaseWrapper):
    writers: WriterQueue | None = None

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=QueuedCursor)
        cursor.database = self
        return cursor

    def _enter(self) -> None:
        if self.writers is None and not self.is_in_memory_db():
            timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
            self.writers = WriterQueue(f"{self.settings_dict['NAME']}-writer", timeout)
        if self.writers is not None:
            self.writers.enter()

    def _leave(self) -> None:
        if self.writers is not None:
            self.writers.leave()

    def _start_transaction_under_autocommit(self):
        self._enter()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave()
            raise

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._leave()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._leave()

    def _close(self):
        try:
            super()._close()
        finally:
            self._leave()
