"""The `relance` console script: Django's management commands under one name.

`relance import FILE`, `relance scan`, ... are management commands of the apps;
`relance` or `relance --help` lists Relance's own commands first, with what they do.
"""

import os
import sys

import django
from django.core.management import execute_from_command_line, get_commands, load_command_class

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


def _summary(app: str, name: str) -> str:
    try:
        text = load_command_class(app, name).help or ""
    except Exception:  # a command that cannot load still gets listed
        return ""
    first = " ".join(text.split()).split(". ")[0].split("; ")[0].split(": ")[0].rstrip(".")
    return first if len(first) <= 62 else first[:61].rsplit(" ", 1)[0] + " …"


def overview() -> str:
    django.setup()
    commands = get_commands()
    ours = {n: a for n, a in commands.items() if a in PROJECT_APPS}
    others = sorted(set(ours) - set(ROUTINE) - set(OPERATIONS))
    lines = [
        "Relance — accounts-receivable dunning: find overdue invoices, chase them.",
        "",
        "Usage: relance COMMAND [options]      relance COMMAND --help for its options",
        "",
        "The morning routine:",
    ]
    lines += [f"  {n:<16}{_summary(ours[n], n)}" for n in ROUTINE if n in ours]
    lines += ["", "Data and set-up:"]
    lines += [f"  {n:<16}{_summary(ours[n], n)}" for n in others]
    ops = [n for n in OPERATIONS if n in commands]
    lines += ["", "Operations (Django): " + ", ".join(ops)]
    lines += [
        "All commands: relance help --commands",
        "",
        "Exit codes: 0 ok, 1 errors in the data (e.g. reminders that failed), 2 bad arguments",
        "or input that cannot be read (the message says which).",
        "",
    ]
    return "\n".join(lines)
