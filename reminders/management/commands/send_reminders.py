"""Drain the outbox: send every queued e-mail that is due (for cron, or by hand).

Two copies at once never send a message twice; SIGTERM stops after the message in
flight and puts the rest back in the queue.
"""

import signal
import time

from django.core.management.base import BaseCommand

from reminders.sending import send_outbox


class Command(BaseCommand):
    help = "Envoie les rappels en file d'attente (e-mails dus)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, default=0, help="Recommencer toutes les N secondes."
        )

    def handle(self, *args, loop: float = 0, **options):
        self.stopping = False

        def on_term(signum, frame):
            self.stopping = True

        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGINT, on_term)
        while True:
            stats = send_outbox(stop=lambda: self.stopping)
            self.stdout.write(
                f"envoyés {stats.sent}, échecs {stats.failed}, à réessayer {stats.retried}, "
                f"annulés {stats.cancelled}, à vérifier {stats.needs_review}"
            )
            if not loop or self.stopping:
                break
            deadline = time.monotonic() + loop
            while time.monotonic() < deadline and not self.stopping:
                time.sleep(min(0.5, loop))
