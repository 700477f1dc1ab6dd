"""A throwaway Dovecot (Debian's `dovecot-imapd`) on a free loopback port: started by the
inbox tests' fixture and by bench/fetch_mail.py. No Django here."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from imap_tools import MailBoxUnencrypted

HERE = Path(__file__).parent
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USERS = {"alice": "secret-alice", "charlie": "secret-charlie"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Dovecot:
    host: str
    port: int
    root: Path

    def password(self, user: str) -> str:
        return USERS[user]

    def deliver(self, user: str, raw: bytes, folder: str = "INBOX") -> None:
        """File a message in `user`'s mailbox as the mail server would (IMAP APPEND)."""
        with MailBoxUnencrypted(self.host, self.port).login(user, USERS[user], None) as box:
            if not box.folder.exists(folder):
                box.folder.create(folder)
            box.append(raw, folder)

    def copy_back(self, user: str, source: str, folder: str = "INBOX") -> None:
        """Put copies of the messages already read back in the folder read (new UIDs)."""
        with MailBoxUnencrypted(self.host, self.port).login(user, USERS[user], source) as box:
            box.copy(box.uids("ALL"), folder)

    def uids(self, user: str, folder: str = "INBOX", criteria: str = "ALL") -> list[str]:
        with MailBoxUnencrypted(self.host, self.port).login(user, USERS[user], folder) as box:
            return box.uids(criteria)

    def empty(self, user: str) -> None:
        shutil.rmtree(self.root / "mail" / user, ignore_errors=True)


def _wait_for(port: int, seconds: float = 10) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"Dovecot did not listen on {port}")


def start(root: Path | None = None) -> Dovecot:
    if not os.path.exists(DOVECOT):
        raise RuntimeError("Dovecot is missing: `make sysdeps-test` installs dovecot-imapd")
    root = root or Path(tempfile.mkdtemp(prefix="relance-dovecot-"))
    port = free_port()
    conf = (HERE / "dovecot.conf.in").read_text().replace("@DIR@", str(root))
    (root / "dovecot.conf").write_text(conf.replace("@PORT@", str(port)))
    (root / "users").write_text("".join(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in USERS.items()))
    (root / "mail").mkdir(exist_ok=True)
    os.chmod(root, 0o755)  # Dovecot's mail user walks into it
    if os.geteuid() == 0:
        shutil.chown(root / "mail", "mail", "mail")
    subprocess.run([DOVECOT, "-c", str(root / "dovecot.conf")], check=True)
    _wait_for(port)
    return Dovecot("127.0.0.1", port, root)


def stop(server: Dovecot) -> None:
    pid = (server.root / "run" / "master.pid").read_text().strip()
    subprocess.run(["kill", pid], check=False)
    time.sleep(0.2)
