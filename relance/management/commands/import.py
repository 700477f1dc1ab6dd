"""`relance import`: the receivables app's import command, then the scan of that company
(inline: the command's output says how many documents are now to remind). It lives here
because the scan is on a floor above receivables (docs/architecture.md); `relance` comes
first in INSTALLED_APPS, so this command is the one `relance import` runs."""

from importlib import import_module

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dunning.models import PolicyKind
from dunning.refresh import refresh

base = import_module("receivables.management.commands.import")


class Command(base.Command):
    help = base.Command.help + " Then scans that company: the worklist shows the result."

    def after_import(self, company, result, options) -> None:
        done = refresh(company, options["as_of"])
        self.stdout.write(
            ngettext(
                "%(n)s pièce à relancer (%(i)s facture(s), %(q)s devis) au %(d)s : relance worklist",
                "%(n)s pièces à relancer (%(i)s facture(s), %(q)s devis) au %(d)s : relance worklist",
                done.to_remind,
            )
            % {"n": done.to_remind, "i": done.invoices, "q": done.quotes, "d": done.as_of}
        )
        for kind in done.missing:
            self.stderr.write(self.style.ERROR(
                _("ATTENTION : pas de procédure de relance par défaut pour les %(k)s : "
                  "aucune n'est relancée (Paramètres → Procédures).") % {"k": PolicyKind(kind).label}
            ))  # fmt: skip
