"""A real IMAP server for the inbox tests: Debian's Dovecot (`make test` installs
`dovecot-imapd`), started on a free loopback port with a throwaway configuration, one
per test session (tests/inbox/dovecot.py). Messages reach it by IMAP APPEND, as a mail
server would file them."""

import shutil

import pytest

from tests.reminders.conftest import (  # noqa: F401  the outgoing side, as the reminders use it
    dunning_setup,
    late_invoice,
    media,
    smtp_server,
)

from . import dovecot as imap


@pytest.fixture(scope="session")
def dovecot_server():
    try:
        server = imap.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        imap.stop(server)
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def dovecot(dovecot_server):
    """The server with empty mailboxes for each test."""
    for user in imap.USERS:
        dovecot_server.empty(user)
    yield dovecot_server


@pytest.fixture
def mailbox(company, dovecot, settings, tmp_path):
    from inbox.models import AfterRead, Mailbox, Security

    settings.MEDIA_ROOT = tmp_path / "media"  # as the `media` fixture (attachments land there)
    box = Mailbox(
        company=company,
        host=dovecot.host,
        port=dovecot.port,
        security=Security.NONE,
        login="alice",
        after_read=AfterRead.MOVE,
    )
    box.password = dovecot.password("alice")
    box.save()
    return box
