"""The dashboard's use case: each chart's numbers as a table, for the page and for CSV."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from . import metrics, queries

CHARTS = ("aging", "dso", "overdue", "effectiveness")


def _cents(value) -> Decimal:
    """An amount to the cent (a SQL sum may bring none, or stray digits)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def table(chart: str, company, as_of: date) -> tuple[list[str], list[list], dict]:
    """(header, rows, extra) of one chart; rows hold plain numbers (CSV-ready)."""
    if chart == "aging":
        rows = queries.aging(company, as_of)
        return (
            [_("tranche"), _("nombre"), _("montant")],
            [[r.label, r.count, _cents(r.amount)] for r in rows],
            {},
        )
    if chart == "dso":
        points = queries.dso_series(company, as_of)
        return (
            [_("fin de mois"), _("encours"), _("ventes 90 j"), _("DSO (jours)")],
            [
                [p.month_end.isoformat(), _cents(p.receivables), _cents(p.sales), p.dso]
                for p in points
            ],
            {},
        )
    if chart == "overdue":
        rows = queries.overdue_by_customer(company, as_of)
        return (
            [_("client"), _("factures échues"), _("montant échu")],
            [[r.name, r.count, _cents(r.amount)] for r in rows],
            {},
        )
    if chart == "effectiveness":
        events = queries.reminder_events(company)
        rows = metrics.effectiveness(events, as_of)
        header = [_("niveau"), _("rappels")]
        for days in metrics.PAID_WITHIN_DAYS:
            header += [
                _("jugés à %(d)d j") % {"d": days},
                _("payés sous %(d)d j") % {"d": days},
                _("%% payés sous %(d)d j") % {"d": days},
            ]
        body = []
        for row in rows:
            line = [row.level, row.sent]
            for days in metrics.PAID_WITHIN_DAYS:
                judged, paid = row.within[days]
                line += [judged, paid, row.share(days)]
            body.append(line)
        return header, body, {}
    raise KeyError(chart)


def currency_totals(company, as_of: date) -> list:
    """Outstanding and overdue balance per currency (never added across currencies)."""
    return queries.open_by_currency(company, as_of)
