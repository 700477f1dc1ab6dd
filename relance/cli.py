"""The `relance` console script: Django's management commands under one name.

`relance import FILE`, `relance scan`, ... are management commands of the apps;
`relance` or `relance --help` lists Relance's own commands first, with what they do.
"""

import os
import sys

import django
from django.core.management import execute_from_command_line, get_commands, load_command_class
from django.utils import translation
from django.utils.translation import gettext_lazy as _

PROJECT_APPS = (
    "relance",
    "receivables",
    "dunning",
    "reminders",
    "channels",
    "web",
    "api",
    "banking",
    "inbox",
)
# Shown first, in the order of the morning routine; the rest of Relance's commands follow.
ROUTINE = ["scan", "worklist", "remind", "letters", "outbox", "daily", "fetch-mail"]
OPERATIONS = ["migrate", "createsuperuser", "db_worker", "rqworker", "rqscheduler", "check"]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    args = sys.argv[1:]
    if not args or args in (["-h"], ["--help"], ["help"]):
        sys.stdout.write(overview())
        return
    if args == ["help", "--commands"]:
        args = ["help"]
    try:
        django.setup()
        with translation.override(_language()):  # as the overview: French unless LANG is English
            execute_from_command_line(["relance", *args])
    except Exception as exc:
        if not isinstance(exc, bad_input_errors()):
            raise  # a bug: its traceback must be seen
        sys.stderr.write(f"relance {args[0]}: {exc}\n")
        sys.exit(2)


def bad_input_errors() -> tuple[type[Exception], ...]:
    """Our own errors about the data given (a file, a value): a message, never a traceback.
    Imported here, not at the top: these modules load models, so Django must be set up."""
    from banking.parsers import StatementError
    from receivables.coerce import BadValue
    from receivables.imports import ImportRejected
    from receivables.upsert import UpsertError

    return (BadValue, ImportRejected, StatementError, UpsertError)


# One line each, French first (the interface's language; English when LANG says so):
# the commands' own help texts mix both languages and run over the column.
SUMMARIES = {
    "scan": _("Marque les factures et devis échus à relancer aujourd'hui"),
    "worklist": _("Affiche la liste à relancer (tableau, CSV ou JSON)"),
    "remind": _("Relance les pièces « à relancer » : aperçu, puis envoi"),
    "letters": _("Écrit les courriers d'un lot (PDF à imprimer)"),
    "outbox": _("Liste les rappels bloqués (échec, envoi interrompu)"),
    "daily": _("La tournée quotidienne, pour cron ou un timer systemd"),
    "api-token": _("Crée un jeton d'API pour un utilisateur"),
    "import": _("Importe clients, factures, devis ou règlements"),
    "import-statement": _("Importe un relevé bancaire et rapproche les crédits"),
    "load_demo": _("Charge la société de démonstration et ses données"),
    "schedule": _("Inscrit la tournée quotidienne au planificateur"),
    "send_reminders": _("Envoie les rappels en file d'attente"),
}


def _summary(app: str, name: str) -> str:
    if name in SUMMARIES:
        return str(SUMMARIES[name])
    try:
        text = load_command_class(app, name).help or ""
    except Exception:  # a command that cannot load still gets listed
        return ""
    first = " ".join(text.split()).split(". ")[0].split("; ")[0].split(": ")[0].rstrip(".")
    return first if len(first) <= 58 else first[:57].rsplit(" ", 1)[0] + " …"


def _language() -> str:
    lang = os.environ.get("LANGUAGE") or os.environ.get("LC_ALL") or os.environ.get("LANG", "")
    return "en" if lang.lower().startswith("en") else "fr"


def overview() -> str:
    django.setup()
    with translation.override(_language()):
        return _overview()


def _overview() -> str:
    commands = get_commands()
    ours = {n: a for n, a in commands.items() if a in PROJECT_APPS}
    others = sorted(set(ours) - set(ROUTINE) - set(OPERATIONS))
    width = max(len(n) for n in ours) + 2  # a long name never runs into its line

    def line(n: str) -> str:
        return f"  {n:<{width}}{_summary(ours[n], n)}"

    lines = [
        str(_("Relance — relance des factures impayées : trouver les retards, relancer.")),
        "",
        str(_("Usage : relance COMMANDE [options]   relance COMMANDE --help pour ses options")),
        "",
        str(_("La routine du matin :")),
    ]
    lines += [line(n) for n in ROUTINE if n in ours]
    lines += ["", str(_("Données et mise en place :"))]
    lines += [line(n) for n in others]
    ops = [n for n in OPERATIONS if n in commands]
    lines += ["", str(_("Exploitation (Django) :")) + " " + ", ".join(ops)]
    lines += [
        str(_("Toutes les commandes : relance help --commands")),
        "",
        str(_("Codes de sortie : 0 ok, 1 erreurs dans les données (ex. rappels en échec),")),
        str(_("2 arguments invalides ou fichier illisible (le message dit lequel).")),
        "",
    ]
    return "\n".join(lines)
