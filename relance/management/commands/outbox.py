"""relance outbox: the reminders a person must look at; retry or cancel one."""

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from relance.clitools import (
    BadArguments,
    DataErrors,
    add_company_argument,
    clip,
    positive_int,
    resolve_company,
    table,
)
from relance.sending import send_batch
from reminders import review
from reminders.models import Reminder
from reminders.sending import cancel_reminder, resolve_needs_review

STATES = ["queued", "sending", "sent", "failed", "cancelled", "needs_review"]


class Command(BaseCommand):
    help = (
        "List stuck reminders (failed, interrupted while sending, or queued after an error); "
        "--retry ID or --cancel ID acts on one; --state lists any state. Exit 1 when the "
        "action is not possible in the reminder's state, 2 on a bad argument."
    )

    def add_arguments(self, parser):
        add_company_argument(parser)
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--retry", type=positive_int, metavar="ID", help="try it again")
        action.add_argument("--cancel", type=positive_int, metavar="ID", help="cancel it")
        action.add_argument(
            "--mark-sent",
            type=positive_int,
            metavar="ID",
            help="an interrupted reminder did go out (checked by a person)",
        )
        parser.add_argument("--state", choices=STATES, help="list reminders in this state")
        parser.add_argument("--limit", type=positive_int, default=100, help="rows (default 100)")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **opts):
        company = resolve_company(opts["company"])
        for action in ("retry", "cancel", "mark_sent"):
            if opts[action]:
                return getattr(self, "_" + action)(self._reminder(company, opts[action]))
        self._list(company, opts)

    @staticmethod
    def _reminder(company, pk):
        reminder = Reminder.objects.for_company(company).filter(pk=pk).first()
        if reminder is None:
            raise BadArguments(_("pas de relance n° %(r)s chez %(c)s") % {"r": pk, "c": company})
        return reminder

    def _list(self, company, opts):
        if opts["state"]:
            rows = Reminder.objects.for_company(company).filter(
                Reminder.in_shown_state(opts["state"])
            )
        else:
            rows = review.stuck_reminders(company)
        rows = list(
            rows.select_related("customer")
            .prefetch_related("links__document")
            .order_by("-created_at", "-pk")[: opts["limit"]]
        )
        if opts["format"] == "json":
            items = [
                {
                    "id": r.pk,
                    "batch": r.batch_id,
                    "created_at": r.created_at,
                    "customer": r.customer.name,
                    "documents": [link.document.number for link in r.links.all()],
                    "channel": r.channel,
                    "state": r.shown_state,
                    "attempts": r.attempts,
                    "error": r.last_error,
                }
                for r in rows
            ]
            self.stdout.write(json.dumps(items, default=str, ensure_ascii=False, indent=1))
            return
        if not rows:
            self.stdout.write(_("Rien de bloqué à l'envoi.") if not opts["state"] else _("Aucune."))
            return
        lines = [
            [
                str(r.pk),
                f"{r.created_at.astimezone(company.zone):%Y-%m-%d %H:%M}",  # its clock
                clip(r.customer.name, 24),
                clip(", ".join(link.document.number for link in r.links.all()), 20),
                r.channel,
                r.shown_state,
                str(r.attempts),
                clip(r.last_error, 60),
            ]
            for r in rows
        ]
        headers = [
            _("N°"),
            _("Créée"),
            _("Client"),
            _("Pièces"),
            _("Canal"),
            _("État"),
            _("Essais"),
            _("Erreur"),
        ]
        self.stdout.write(table(lines, headers, right={0, 6}))
        self.stdout.write(
            "\n" + _("`relance outbox --retry ID` pour réessayer, `--cancel ID` pour l'abandonner.")
        )

    def _retry(self, reminder):
        try:
            batch = review.retry(reminder)
        except review.CannotRetry as exc:
            raise DataErrors(str(exc)) from exc
        if batch is not None:
            send_batch(batch)
            reminder.refresh_from_db()
            self.stdout.write(
                _("relance n° %(r)s : renvoyée dans le lot n° %(b)s")
                % {"r": reminder.pk, "b": batch.pk}
            )
        else:
            self.stdout.write(_("relance n° %(r)s : remise en file") % {"r": reminder.pk})

    def _cancel(self, reminder):
        if not cancel_reminder(reminder):
            raise DataErrors(
                _("relance n° %(r)s à l'état %(s)s : seule une relance en file s'annule")
                % {"r": reminder.pk, "s": reminder.state}
            )
        self.stdout.write(_("relance n° %(r)s : annulée") % {"r": reminder.pk})

    def _mark_sent(self, reminder):
        if reminder.state != "needs_review":
            raise DataErrors(
                _("relance n° %(r)s à l'état %(s)s, pas needs_review")
                % {"r": reminder.pk, "s": reminder.state}
            )
        resolve_needs_review(reminder, was_sent=True)
        self.stdout.write(_("relance n° %(r)s : marquée envoyée") % {"r": reminder.pk})
