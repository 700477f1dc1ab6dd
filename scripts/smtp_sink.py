"""A real SMTP server (aiosmtpd) for the smoke test and benchmarks: appends each received
message's Message-ID and recipients, one line each, to a file.

    python scripts/smtp_sink.py PORT OUTFILE
"""

import sys
import time
from email import message_from_bytes

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path: str):
        self.out = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (lives on)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        self.out.write(f"{message['Message-ID']}\t{','.join(envelope.rcpt_tos)}\n")
        return "250 OK"


if __name__ == "__main__":
    controller = Controller(Sink(sys.argv[2]), hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
