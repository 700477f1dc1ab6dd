"""Micro-benchmark: CPU to turn one reminder e-mail into the bytes that go on the wire.

    env -u DATABASE_URL .venv/bin/python bench/email_bytes.py [--messages 2000] [--repeat 5]

A typical reminder (text + HTML with the payment QR code inline + one invoice PDF),
written as `bench/send.py` writes it (create_batch, then the worker's `to_email`). Timed:
`EmailChannel.build` and our SMTP backend's `_send_bytes` (envelope addresses, message,
bytes), the socket replaced by a stub. Process CPU time, best of --repeat runs.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from send import make_data, setup_django  # noqa: E402


class _Socket:
    """Stands for the SMTP connection: keeps the last message instead of sending it."""

    def sendmail(self, from_addr, to_addrs, msg):
        self.last = msg


def typical_email():
    from receivables.models import Company
    from reminders import outbox
    from reminders.batches import create_batch

    as_of = Company(timezone="Europe/Paris").today()
    company, mail_ids, _, _ = make_data(1, 0, as_of)
    batch = create_batch(company, mail_ids, channel="email", as_of=as_of)
    row = outbox.claim(1, batch.pk)[0]
    return outbox.to_email(row, outbox._Files())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_django(Path(tempfile.mkdtemp(prefix="relance-bench-")), 25)

    from channels.email import EmailChannel
    from channels.email.smtp import EmailBackend

    email = typical_email()
    backend = EmailBackend()
    backend.connection = _Socket()
    channel = EmailChannel(backend)
    best = float("inf")
    for _ in range(args.repeat):
        t = time.process_time()
        for _ in range(args.messages):
            backend._send_bytes(channel.build(email))
        best = min(best, (time.process_time() - t) / args.messages)
    size = len(backend.connection.last)
    print(f"message to bytes: {best * 1e3:.3f} ms CPU per reminder ({size} bytes)")


if __name__ == "__main__":
    main()
