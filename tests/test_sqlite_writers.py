"""The embedded database's writers queue on a file lock (relance/sqlite): one at a time,
each let in as soon as the last commits or rolls back, never stuck behind a writer
that keeps it too long, and a forked worker queues apart from the process it came from."""

import fcntl
import multiprocessing
import os
import threading

import pytest
from django.conf import settings
from django.db.utils import ConnectionHandler

from relance.sqlite.writers import WriterQueue


def _free(path: str) -> bool:
    """Whether a writer could take the queue right now (tried from its own open file)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing it lets go of a lock it got
    return True


@pytest.fixture
def database(tmp_path, django_db_blocker):
    """A SQLite file opened through the product's backend, with the product's options
    (a connection of its own, beside the test database)."""
    options = dict(settings.DATABASES["default"].get("OPTIONS", {}))
    if settings.DATABASES["default"]["ENGINE"] != "relance.sqlite":  # PostgreSQL runs
        options = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    options.pop("prepare_threshold", None)
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "relance.sqlite",
                "NAME": str(tmp_path / "db.sqlite3"),
                "OPTIONS": options,
            }
        }  # fmt: skip
    )
    connection = handler["default"]
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE note (text TEXT)")
        yield connection, str(tmp_path / "db.sqlite3-writer")
        connection.close()


def _begin(connection):
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def test_a_transaction_holds_the_queue_until_it_commits(database):
    connection, queue = database
    _begin(connection)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO note VALUES ('a')")
    assert not _free(queue)
    connection.commit()
    connection.set_autocommit(True)
    assert _free(queue)


def test_a_transaction_rolled_back_or_closed_lets_the_next_writer_in(database):
    connection, queue = database
    _begin(connection)
    connection.rollback()
    connection.set_autocommit(True)
    assert _free(queue)
    _begin(connection)
    assert not _free(queue)
    connection.close()  # e.g. a worker stopping with a transaction open
    assert _free(queue)


def test_a_second_writer_waits_for_the_first_then_goes_in(tmp_path):
    path = str(tmp_path / "db-writer")
    first, second = WriterQueue(path, timeout=20), WriterQueue(path, timeout=20)
    first.enter()
    entered = threading.Event()
    waiter = threading.Thread(target=lambda: (second.enter(), entered.set()))
    waiter.start()
    assert not entered.wait(0.2)  # the first still writes
    first.leave()
    assert entered.wait(10)
    waiter.join()
    assert second.held
    second.leave()


def test_a_writer_kept_waiting_past_its_timeout_goes_on_without_the_queue(tmp_path):
    path = str(tmp_path / "db-writer")
    stuck = WriterQueue(path, timeout=20)
    stuck.enter()
    late = WriterQueue(path, timeout=0.05)
    late.enter()  # returns: SQLite's own lock and timeout decide from here
    assert not late.held
    late.leave()
    assert not _free(path)  # leaving what it never held frees nobody else's
    stuck.leave()


def _child_enters(queue: WriterQueue, result) -> None:
    queue.timeout = 0.2
    queue.enter()
    result.value = 1 if queue.held else 0
    queue.leave()


def test_a_forked_worker_queues_apart_from_its_parent(tmp_path):
    """The outbox workers are forked from a process that has written: sharing its open
    file would share its lock, and two writers would go in at once."""
    queue = WriterQueue(str(tmp_path / "db-writer"), timeout=20)
    queue.enter()
    queue.leave()
    queue.enter()  # the parent writes while its child tries
    result = multiprocessing.get_context("fork").Value("i", -1)
    child = multiprocessing.get_context("fork").Process(target=_child_enters, args=(queue, result))
    child.start()
    child.join(30)
    queue.leave()
    assert result.value == 0  # the child waited (then went on, past its short timeout)


def test_a_write_outside_a_transaction_waits_its_turn_too(database):
    """An `.update()` or a `save()` in autocommit: while another writer holds the queue it
    waits for it (rather than SQLite's sleeps), then writes."""
    connection, queue = database
    holder = WriterQueue(queue, timeout=20)
    holder.enter()
    written = threading.Event()

    def write():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO note VALUES ('b')")
        written.set()

    connection.inc_thread_sharing()  # the writer runs on a thread of its own
    writer = threading.Thread(target=write)
    writer.start()
    assert not written.wait(0.2)
    holder.leave()
    assert written.wait(10)
    writer.join()
    connection.dec_thread_sharing()
    assert _free(queue)  # its turn ended with the statement
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM note")
        assert cursor.fetchall() == [("b",)]
