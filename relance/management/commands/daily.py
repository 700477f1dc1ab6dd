"""relance daily: what the scheduler runs each morning (scan, then automatic sends)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from receivables.models import Company
from relance.clitools import DATA_ERRORS, iso_date, resolve_company
from relance.sending import send_batch
from reminders.runs import daily_run
from reminders.summary import batch_summary
from web import pending_imports


class Command(BaseCommand):
    help = (
        "The daily run for cron or a systemd timer: scan every company (or --company), then "
        "send the reminders of levels marked automatic for companies with automatic sending "
        "on. Exit 1 when some automatic reminders failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--company", metavar="ID_OR_NAME", help="only this company (default: all)"
        )
        parser.add_argument("--as-of", type=iso_date, metavar="DATE", help="default: today")
        parser.add_argument("--no-send", action="store_true", help="scan only")
        parser.add_argument(
            "--background",
            action="store_true",
            help="leave the sending to the worker (db_worker / rqworker) instead of sending here",
        )

    def handle(self, *args, **opts):
        companies = (
            [resolve_company(opts["company"])]
            if opts["company"]
            else Company.objects.order_by("pk")
        )
        failed = 0
        for company in companies:
            report = daily_run(company, as_of=opts["as_of"], send=not opts["no_send"])
            line = _("%(c)s : scan du %(d)s, %(n)s changée(s), %(r)s à relancer") % {
                "c": company.name,
                "d": report.as_of,
                "n": report.changed,
                "r": report.to_remind,
            }
            for batch in report.batches:
                if not opts["background"]:
                    send_batch(batch, show_progress=False)
                summary = batch_summary(batch)
                failed += len(summary.errors) + len(summary.needs_review)
                line += "; " + _("lot automatique n° %(b)s : %(t)s") % {
                    "b": batch.pk,
                    "t": summary.totals,
                }
            if not report.batches and company.auto_send and not opts["no_send"]:
                line += "; " + _("rien d'automatique à envoyer")
            self.stdout.write(line)
        swept = pending_imports.sweep()
        if swept:
            self.stdout.write(_("%(n)s import(s) abandonné(s) supprimé(s)") % {"n": swept})
        if failed:
            self.stderr.write(
                _("%(n)s relance(s) automatique(s) en échec : voir `relance outbox`.")
                % {"n": failed}
            )
            raise SystemExit(DATA_ERRORS)
