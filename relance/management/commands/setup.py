"""relance setup: a real company's first day, from an empty database, in one command."""

import getpass
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from receivables.onboarding import SetupRejected, setup_company
from relance.clitools import BadArguments

# A field of the use case -> the option that gave it (errors name what the user typed).
OPTION = {"name": "--company", "admin": "--admin", "password": gettext_lazy("mot de passe"),
          "email": "--email", "country": "--country", "language": "--language",
          "currency": "--currency", "siren": "--siren", "iban": "--iban"}  # fmt: skip


class Command(BaseCommand):
    help = (
        "Create a company and its first administrator (login and membership): the "
        "company gets the default procedures and templates, ready for `relance import`. "
        "Safe to run again: an existing company or login is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--company", required=True, metavar="NAME", help="company name")
        parser.add_argument("--admin", required=True, metavar="LOGIN", help="admin's login")
        parser.add_argument(
            "--email", default="", help="sender e-mail of the company (and the admin's)"
        )
        parser.add_argument("--country", default="FR", help="ISO code, default FR")
        parser.add_argument("--language", default="fr", help="fr (default) or en")
        parser.add_argument("--currency", default="EUR", help="ISO code, default EUR")
        parser.add_argument("--siren", default="", help="SIREN (9 digits, checked)")
        parser.add_argument("--iban", default="", help="IBAN for the payment QR code (checked)")

    def handle(self, *args, **opts):
        language = opts["language"].strip().lower()
        with translation.override(language if language in dict(settings.LANGUAGES) else None):
            self._setup(opts)  # in the company's language: `--language en` speaks English

    def _setup(self, opts):
        values = {k: opts[k] for k in ("email", "country", "language", "currency", "siren", "iban")}
        values["name"] = opts["company"]
        try:
            result = setup_company(values, opts["admin"], ask_password=self._password)
        except SetupRejected as exc:
            lines = [f"{OPTION.get(f, f)}: {' '.join(m)}" for f, m in exc.errors.items()]
            raise BadArguments("\n".join(lines)) from None
        company, user = result.company, result.user
        if not result.changed:
            self.stdout.write(
                _("Rien à faire : la société « %(c)s » et son administrateur « %(u)s » existent "
                  "déjà ; rien n'a été modifié.") % {"c": company.name, "u": user.username}
            )  # fmt: skip
        if result.created_company:
            self.stdout.write(self.style.SUCCESS(
                _("Société « %(c)s » créée (n° %(id)s), avec ses procédures de relance et "
                  "ses modèles.") % {"c": company.name, "id": company.pk}
            ))  # fmt: skip
        elif result.changed:
            self.stdout.write(
                _("La société « %(c)s » existait déjà : inchangée.") % {"c": company.name}
            )
        if result.created_user:
            self.stdout.write(
                self.style.SUCCESS(_("Identifiant « %(u)s » créé.") % {"u": user.username})
            )
        if result.created_membership:
            self.stdout.write(
                _("« %(u)s » est administrateur de « %(c)s ».")
                % {"u": user.username, "c": company.name}
            )
        if result.password:
            self.stdout.write(
                _("Mot de passe de « %(u)s » (affiché une seule fois, notez-le) : %(p)s")
                % {"u": user.username, "p": result.password}
            )
        if result.differs:
            self.stderr.write(
                _("Non modifié (changez-le dans Paramètres → Société) : %(f)s")
                % {"f": ", ".join(OPTION[f] for f in result.differs)}
            )
        if result.created_company:
            self.stdout.write(
                _('Étape suivante : relance import FICHIER --company "%(c)s"') % {"c": company.name}
            )

    def _password(self) -> str | None:
        """RELANCE_ADMIN_PASSWORD, else typed twice on a terminal, else None (generated)."""
        if settings.RELANCE_ADMIN_PASSWORD:
            return settings.RELANCE_ADMIN_PASSWORD
        if not sys.stdin.isatty():
            return None
        for _attempt in range(3):
            first = getpass.getpass(_("Mot de passe (vide : en générer un) : "))
            if not first:
                return None
            if getpass.getpass(_("Le même, encore : ")) == first:
                return first
            self.stderr.write(_("Les deux saisies diffèrent."))
        raise BadArguments(_("mot de passe non confirmé"))
