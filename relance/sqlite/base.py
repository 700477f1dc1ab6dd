"""Django's SQLite backend, its transactions queued by `writers.WriterQueue`."""

from django.db.backends.sqlite3 import base

from .writers import WriterQueue


class DatabaseWrapper(base.DatabaseWrapper):
    writers: WriterQueue | None = None

    def _start_transaction_under_autocommit(self):
        if self.writers is None and not self.is_in_memory_db():
            timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
            self.writers = WriterQueue(f"{self.settings_dict['NAME']}-writer", timeout)
        if self.writers is not None:
            self.writers.enter()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave()
            raise

    def _leave(self) -> None:
        if self.writers is not None:
            self.writers.leave()

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
