"""relance letters: write a batch's letters as one PDF to print."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from relance.clitools import (
    BadArguments,
    DataErrors,
    add_company_argument,
    positive_int,
    resolve_company,
)
from reminders.letters import letters_pdf
from reminders.models import Batch


class Command(BaseCommand):
    help = (
        "Write the letters of a batch (default: the latest batch with letters) into one PDF "
        "to print, ordered by customer. Printing counts them as sent. Exit 1 when the batch "
        "has no letter, 2 on a bad argument."
    )

    def add_arguments(self, parser):
        add_company_argument(parser)
        parser.add_argument("--batch", type=positive_int, metavar="ID", help="batch id")
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="PDF file to write (default: letters-ID.pdf)"
        )
        parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")

    def handle(self, *args, **opts):
        company = resolve_company(opts["company"])
        batches = Batch.objects.for_company(company)
        if opts["batch"]:
            batch = batches.filter(pk=opts["batch"]).first()
            if batch is None:
                raise BadArguments(
                    _("--batch : pas de lot n° %(b)s chez %(c)s")
                    % {"b": opts["batch"], "c": company}
                )
        else:
            batch = (
                batches.filter(reminders__channel="letter").order_by("-created_at", "-pk").first()
            )
            if batch is None:
                raise DataErrors(_("aucun lot avec des lettres chez %(c)s") % {"c": company})
        path = Path(opts["output"] or _("lettres-%(b)s.pdf") % {"b": batch.pk})
        if path.exists() and not opts["force"]:
            raise BadArguments(
                _("%(p)s existe : choisissez un autre --output ou ajoutez --force") % {"p": path}
            )
        if not path.parent.is_dir():
            raise BadArguments(_("--output : pas de dossier %(d)s") % {"d": path.parent})
        try:
            pdf, pages = letters_pdf(batch)
        except ValidationError as exc:
            raise DataErrors(
                _("lot n° %(b)s : %(e)s") % {"b": batch.pk, "e": " ".join(exc.messages)}
            ) from exc
        path.write_bytes(pdf)
        self.stdout.write(
            _("%(p)s : %(n)s page(s), lot n° %(b)s") % {"p": path, "n": pages, "b": batch.pk}
        )
