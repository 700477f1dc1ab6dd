"""The dashboard page and one CSV per chart. Thin: numbers come from services."""

from decimal import ROUND_HALF_UP, Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from inbox.models import Mailbox
from insight import charts, metrics, services
from printing import csvsafe
from web.company import company_of


def _money(value, symbol: str = "€") -> str:
    """Whole euros on big bars, cents on small ones (5,10 € must not read 5 €)."""
    if value is None:
        return "–"
    decimals = 0 if abs(value) >= 1000 else 2
    # number_format cuts the digits it drops (24 596,92 would read 24 596): round first
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{number_format(rounded, decimals, force_grouping=True)} {symbol}"


def dashboard(request):
    company = company_of(request)
    as_of = company.today()
    symbol = "€" if company.currency == "EUR" else company.currency

    def money(value):
        return _money(value, symbol)

    tables = {name: services.table(name, company, as_of) for name in services.CHARTS}

    _h, aging, _x = tables["aging"]
    _h, dso, _x = tables["dso"]
    _h, overdue, _x = tables["overdue"]
    _h, effect, _extra = tables["effectiveness"]
    figures = {
        "aging": charts.bar_chart(
            [r[0] for r in aging],
            [(_("montant"), [r[2] for r in aging])],
            title=_("Balance âgée (montant restant dû)"),
            fmt=money,
        ),
        "aging_count": charts.bar_chart(
            [r[0] for r in aging],
            [(_("nombre"), [r[1] for r in aging])],
            title=_("Balance âgée (nombre de factures)"),
            height=200,
        ),
        "dso": charts.bar_chart(
            [r[0][5:7] + "/" + r[0][2:4] for r in dso],
            [(_("DSO"), [r[3] for r in dso])],
            title=_("DSO sur 12 mois (jours, ventes des 90 derniers jours)"),
            fmt=lambda v: "–" if v is None else f"{v:.0f}",
        ),
        "overdue": charts.hbar_chart(
            [r[0] for r in overdue],
            [r[2] for r in overdue],
            title=_("Échu par client (10 premiers)"),
            fmt=money,
        ),
        "effectiveness": charts.bar_chart(
            [_("niveau %(n)s") % {"n": r[0]} for r in effect],
            [
                (_("payé sous %(d)d j") % {"d": d}, [r[4 + 3 * i] for r in effect])
                for i, d in enumerate(metrics.PAID_WITHIN_DAYS)
            ],
            title=_("Efficacité des relances (% de factures payées après chaque niveau)"),
            fmt=lambda v: "–" if v is None else f"{v:.0f} %",
            empty=_("Aucun rappel envoyé pour l'instant."),
        ),
    }
    context = {
        "company": company,
        "symbol": symbol,
        "as_of": as_of,
        "figures": figures,
        "tables": tables,
        "aging": aging,
        "currencies": services.currency_totals(company, as_of),
        "total_open": sum(r[2] for r in aging),
        "total_overdue": sum(r[2] for r in aging[1:]),
        # a reply mailbox that is down: replies are not read, reminders are not paused
        "mailbox_down": Mailbox.objects.for_company(company).filter(failures__gt=0).first(),
    }
    return render(request, "insight/dashboard.html", context)


def chart_csv(request, chart: str):
    company = company_of(request)
    if chart not in services.CHARTS:
        raise Http404
    header, rows, _extra = services.table(chart, company, company.today())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{chart}.csv"'
    # The reader's spreadsheet opens it as it is: « ; » and 1234,50 in French, « , » and
    # 1234.50 in English; the byte-order mark makes Excel read UTF-8 (accents).
    response.write("\ufeff")
    writer = csvsafe.writer(response, get_language() or "fr")
    writer.writerow(header)
    writer.writerows(rows)
    return response
