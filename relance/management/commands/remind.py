"""relance remind: preview, create and send a batch of reminders from the terminal."""

import json
from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from api.serializers import batch_out, message_out
from relance.clitools import (
    DATA_ERRORS,
    BadArguments,
    add_company_argument,
    clip,
    iso_date,
    money,
    positive_int,
    resolve_company,
    table,
)
from relance.sending import send_batch
from reminders import runs
from reminders.summary import batch_summary

CHANNELS = ["phone", "email", "firm_email", "letter"]


def _ids(value: str) -> list[int]:
    try:
        return [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise ArgumentTypeError(
            _("%(v)r n'est pas une liste d'identifiants comme 12,15,18") % {"v": value}
        ) from None


class Command(BaseCommand):
    help = (
        "Remind the documents the scan marked 'to remind' (all, or by --level, --channel, "
        "--documents): --dry-run prints what would go out and what would fail; otherwise "
        "creates the batch, sends it and prints the summary. Exit 0 when all went well, "
        "1 when some reminders failed (or would), 2 on a bad argument."
    )

    def add_arguments(self, parser):
        add_company_argument(parser)
        parser.add_argument(
            "--kind",
            choices=["invoice", "quote"],
            default="invoice",
            help="invoices (default) or expired quotes, reminded separately",
        )
        parser.add_argument("--level", type=positive_int, help="only this pending level (rank)")
        parser.add_argument("--channel", choices=CHANNELS, help="only messages on this channel")
        parser.add_argument(
            "--documents", type=_ids, metavar="IDS", help="these document ids (comma-separated)"
        )
        parser.add_argument(
            "--send-as", choices=CHANNELS, help="send on this channel instead of the level's"
        )
        parser.add_argument(
            "--one-per-document",
            action="store_true",
            help="one reminder per document instead of one per customer",
        )
        parser.add_argument("--as-of", type=iso_date, metavar="DATE", help="default: today")
        parser.add_argument("--dry-run", action="store_true", help="show, write nothing")
        parser.add_argument(
            "--no-send", action="store_true", help="create the batch; let the worker send it"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **opts):
        company = resolve_company(opts["company"])
        selection = runs.Selection(
            document_ids=opts["documents"] or [],
            kind=opts["kind"],
            level=opts["level"],
            channel=opts["channel"],
            send_as=opts["send_as"],
            group_by_customer=False if opts["one_per_document"] else None,
        )
        try:
            if opts["dry_run"]:
                result = runs.preview(company, selection, as_of=opts["as_of"])
                batch = None
            else:
                result, batch = runs.create(company, selection, as_of=opts["as_of"])
        except LookupError as exc:
            raise BadArguments(
                _("--documents : identifiants inconnus %(ids)s") % {"ids": exc.args[0]}
            ) from exc
        if batch is not None and not opts["no_send"]:
            send_batch(batch)
        if opts["format"] == "json":
            self._json(result, batch)
        else:
            self._text(result, batch, opts["dry_run"])
        if self._failed(result, batch):
            raise SystemExit(DATA_ERRORS)

    @staticmethod
    def _failed(result, batch) -> bool:
        if batch is None:
            return bool(result.failures)
        summary = batch_summary(batch)
        return bool(summary.errors or summary.needs_review)

    def _text(self, result, batch, dry_run: bool) -> None:
        if not result.messages and not result.failures:
            self.stdout.write(_("Rien à relancer."))
            return
        title = _("Partiraient") if dry_run else _("Partent")
        self.stdout.write(
            _("%(t)s : %(n)s relance(s) au %(d)s")
            % {"t": title, "n": len(result.messages), "d": result.as_of}
        )
        headers = _headers()
        if result.messages:
            rows = [_message_row(m) for m in result.messages]
            self.stdout.write(table(rows, headers, right={len(headers) - 1}))
        if result.failures:
            self.stdout.write("")
            failing = _("Échoueraient") if dry_run else _("En échec")
            self.stdout.write(
                self.style.ERROR(_("%(t)s : %(n)s") % {"t": failing, "n": len(result.failures)})
            )
            rows = [_message_row(m)[:4] + [clip(m.error, 70)] for m in result.failures]
            self.stdout.write(table(rows, headers[:4] + [_("Pourquoi")]))
        counts = ", ".join(f"{k} {v}" for k, v in result.counts.items() if v)
        self.stdout.write("\n" + _("Totaux : %(c)s") % {"c": counts or _("aucun")})
        if batch is not None:
            self._summary(batch)

    def _summary(self, batch) -> None:
        summary = batch_summary(batch)
        self.stdout.write("\n" + _("Lot n° %(b)s : bilan") % {"b": batch.pk})
        rows = [
            [channel] + [str(states.get(s, 0)) for s in STATES]
            for channel, states in sorted(summary.counts.items())
        ]
        self.stdout.write(table(rows, [_("Canal"), *STATES], right=set(range(1, 7))))
        for line in summary.errors + summary.needs_review:
            docs = ", ".join(line.documents)
            self.stdout.write(
                self.style.ERROR(f"  #{line.reminder_id} {line.customer} ({docs}): {line.error}")
            )
        if summary.letters_pages:
            self.stdout.write(
                _(
                    "Lettres : %(p)s page(s) — `relance letters --batch %(b)s -o lettres.pdf` "
                    "pour les imprimer."
                )
                % {"p": summary.letters_pages, "b": batch.pk}
            )
        queued_phone = summary.counts.get("phone", {}).get("queued", 0)
        if queued_phone:
            self.stdout.write(
                _("Appels à passer : %(n)s (notez-les dans l'application ou par l'API).")
                % {"n": queued_phone}
            )

    def _json(self, result, batch) -> None:
        body = {
            "as_of": result.as_of,
            "counts": result.counts,
            "messages": [message_out(m) for m in result.messages],
            "failures": [message_out(m) for m in result.failures],
            "batch": batch_out(batch) if batch else None,
        }
        self.stdout.write(json.dumps(body, default=str, ensure_ascii=False, indent=1))


def _headers() -> list[str]:
    """In the language active when the table is printed (French unless set otherwise)."""
    return [_("Client"), _("Pièces"), _("Niveau"), _("Canal"), _("À"), _("Objet"), _("Réclamé")]


STATES = ["queued", "sending", "sent", "failed", "cancelled", "needs_review"]


def _message_row(m) -> list[str]:
    return [
        clip(m.customer.name, 28),
        clip(", ".join(d.number for d in m.documents), 24),
        clip(m.level.name if m.level else "-", 22),
        m.channel,
        clip(", ".join(str(r) for r in (m.recipient or [])), 32),
        clip(m.subject, 50),
        _claimed(m),
    ]


def _claimed(m) -> str:
    """The total the message claims (its reckoning: what its payment code asks for)."""
    if m.reckoning is None:
        return ""
    return f"{money(m.reckoning.total, m.language)} {m.reckoning.currency}"
