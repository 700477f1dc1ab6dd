"""What the `relance` commands share: company choice, dates, exit codes, progress, tables."""

import sys
import time
from argparse import ArgumentTypeError
from datetime import date
from decimal import Decimal

from babel.numbers import format_decimal
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from receivables.models import Company

OK, DATA_ERRORS, BAD_ARGUMENTS = 0, 1, 2


class BadArguments(CommandError):
    def __init__(self, message: str):
        super().__init__(message, returncode=BAD_ARGUMENTS)


class DataErrors(CommandError):
    def __init__(self, message: str):
        super().__init__(message, returncode=DATA_ERRORS)


def iso_date(value: str) -> date:
    """argparse type: a bad date is a usage error (exit 2) naming the value."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(
            _("%(v)r n'est pas une date comme 2026-03-13") % {"v": value}
        ) from None


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ArgumentTypeError(_("%(v)r n'est pas un nombre entier") % {"v": value}) from None
    if number < 1:
        raise ArgumentTypeError(_("%(v)r doit valoir 1 ou plus") % {"v": value})
    return number


def add_company_argument(parser) -> None:
    parser.add_argument(
        "--company",
        metavar="ID_OR_NAME",
        help="company id or name (default: the only company)",
    )


def resolve_company(value: str | None) -> Company:
    companies = Company.objects.order_by("pk")
    if value:
        found = companies.filter(pk=int(value)) if value.isdigit() else companies.none()
        found = found or companies.filter(name__iexact=value)
        if len(found) == 1:
            return found[0]
        raise BadArguments(
            _("--company : pas de société %(v)r. Connues : %(k)s")
            % {"v": value, "k": _names(companies)}
        )
    count = companies.count()
    if count == 1:
        return companies.first()
    if count == 0:
        raise BadArguments(
            _(
                "pas encore de société : créez-la avec `relance setup --company NOM --admin "
                "IDENTIFIANT` (ou chargez la démo : `relance load_demo`)"
            )
        )
    raise BadArguments(
        _("plusieurs sociétés : choisissez-en une avec --company (%(k)s)")
        % {"k": _names(companies)}
    )


def _names(companies) -> str:
    return ", ".join(f"{c.pk}={c.name}" for c in companies[:20]) or _("aucune")


def progress(total: int, desc: str, **kwargs) -> tqdm:
    """A progress bar on stderr, shown only on a terminal (scripts and logs stay clean)."""
    kwargs.setdefault("disable", None)  # None: only when stderr is a terminal
    return tqdm(total=total, desc=desc, unit="", file=sys.stderr, **kwargs)


class Ticker:
    """Calls `refresh()` at most every `every` seconds: a cheap hook for progress bars."""

    def __init__(self, refresh, every: float = 0.3):
        self.refresh, self.every, self.last = refresh, every, 0.0

    def __call__(self) -> bool:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.refresh()
        return False  # used as a `stop` callback: never asks to stop


def money(value: Decimal | None, language: str = "fr") -> str:
    return format_decimal(value or 0, format="#,##0.00", locale=language)


def percent(value: Decimal | None, language: str = "fr") -> str:
    """« 57,5 » in French, « 57.5 » in English; "" for nothing paid."""
    return format_decimal(value, format="#,##0.#", locale=language) if value else ""


def table(rows: list[list[str]], headers: list[str], right: set[int] = frozenset()) -> str:
    """A plain text table; columns in `right` are right-aligned (numbers)."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells):
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def clip(text: str, width: int) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"
