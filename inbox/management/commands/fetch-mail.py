"""relance fetch-mail: read the reply mailboxes once (cron: every 5 minutes)."""

from django.core.management.base import BaseCommand

from inbox.fetch import fetch_all


class Command(BaseCommand):
    help = (
        "Read every company's reply mailbox (replies, automatic replies, bounces), each "
        "message once; for cron every 5 minutes. Exit 1 when a mailbox failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="also the mailboxes waiting after a failure"
        )

    def handle(self, *args, **opts):
        failed = 0
        reports = fetch_all(force=opts["now"])
        if not reports:
            self.stdout.write("no reply mailbox set up (Settings › Reply mailbox)")
        for r in reports:
            if r.skipped:
                self.stdout.write(f"mailbox {r.mailbox}: waiting after a failure (--now to force)")
            elif r.error:
                failed += 1
                self.stdout.write(f"mailbox {r.mailbox}: FAILED: {r.error}")
            else:
                kinds = ", ".join(f"{k} {n}" for k, n in sorted(r.kinds.items())) or "nothing new"
                self.stdout.write(f"mailbox {r.mailbox}: {r.read} read ({kinds}); {r.known} known")
        if failed:
            raise SystemExit(1)
