"""« Relance des factures »: the morning worklist, its screen options and session removals."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from receivables.coerce import BadValue
from receivables.imports.values import parse_date
from receivables.worklist import KINDS, ORDERINGS, PERIODS, worklist, worklist_totals
from web.company import company_of
from web.models import UserPreference
from web.templatetags.relance_ui import longdate

from .common import LevelNames, can_send, missing_policies, safe_next, selected_ids

SESSION_REMOVED = "worklist_removed"
SESSION_LAST_REMOVED = "worklist_last_removed"

COLUMNS = [
    # (sort key, label, numeric)
    ("number", gettext_lazy("Id"), False),
    ("issue_date", gettext_lazy("Date"), False),
    ("due_date", gettext_lazy("Échéance"), False),
    ("days_late", gettext_lazy("Retard"), True),
    ("payment_method", gettext_lazy("Mode pmt"), False),
    ("customer", gettext_lazy("Client"), False),
    ("contact", gettext_lazy("Nom prénom"), False),
    ("description", gettext_lazy("Nature"), False),
    ("amount", gettext_lazy("Montant"), True),
    ("paid", gettext_lazy("Réglé"), True),
    ("balance", gettext_lazy("Solde"), True),
    ("percent_paid", gettext_lazy("%Rgl"), True),
    ("level", gettext_lazy("Niveau"), False),
    ("reminder_count", gettext_lazy("Rappels"), True),
    ("last_reminder_date", gettext_lazy("Dernier rappel"), False),
]


def read_date(value: str) -> date | None:
    """A date typed in the period filter: 24/12/2026, 24/12/26 or 2026-12-24 (what the
    browser sends for a bookmarked ISO link); empty is None; anything else is BadValue."""
    return parse_date(value[:30])


def removed_ids(request) -> list[int]:
    return request.session.get(SESSION_REMOVED, [])


def worklist_params(request, pref: UserPreference) -> dict:
    """The filters of the query string, validated (bad values fall back to defaults)."""
    get = request.GET
    kind = get.get("kind", "invoice")
    kind = kind if kind in KINDS else "invoice"
    order = get.get("order", "-days_late")
    order = order if order.lstrip("-") in ORDERINGS else "-days_late"
    period_choice = get.get("period", "")
    dates, date_errors = {}, []
    for key, label in (("start", _("Du")), ("end", _("Au"))):
        try:
            dates[key] = read_date(get.get(key, ""))
        except BadValue as error:
            dates[key] = None
            date_errors.append(_("%(field)s : %(error)s") % {"field": label, "error": error})
    start, end = dates["start"], dates["end"]
    if period_choice == "custom" or (not period_choice and (start or end)):
        period_choice = "custom"
        period = (start, end) if (start or end) else None
    elif period_choice in PERIODS:
        period = period_choice
    else:
        period_choice, period = "", None
    return {
        "kind": kind,
        "order": order,
        "period_choice": period_choice,
        "period": period,
        "start": start,
        "end": end,
        "start_text": get.get("start", "")[:30] if start is None else longdate(start),
        "end_text": get.get("end", "")[:30] if end is None else longdate(end),
        "date_errors": date_errors,
        "search": get.get("q", "").strip()[:100],
        "show_not_due": pref.show_not_due,
        "hide_direct_debit": pref.hide_direct_debit,
    }


def worklist_screen(request):
    company = company_of(request)
    pref = UserPreference.of(request.user)
    params = worklist_params(request, pref)
    as_of = company.today()
    qs = worklist(
        company,
        as_of=as_of,
        period=params["period"],
        show_not_due=params["show_not_due"],
        hide_direct_debit=params["hide_direct_debit"],
        kind=params["kind"],
        search=params["search"],
        order=params["order"],
        excluded_ids=removed_ids(request),
    )
    totals = worklist_totals(qs)
    page_size = pref.page_size or 50
    pages = max(1, -(-totals["count"] // page_size))
    try:
        page = min(max(1, int(request.GET.get("page", "1"))), pages)
    except ValueError:
        page = 1
    rows = list(qs[(page - 1) * page_size : page * page_size])
    levels = LevelNames(company)
    for row in rows:
        row.badge_text, row.badge_class = levels.badge(row)
    context = {
        "section": "worklist",
        "company": company,
        "as_of": as_of,
        "rows": rows,
        "totals": totals,
        "columns": COLUMNS,
        "page": page,
        "pages": pages,
        "pref": pref,
        "removed_count": len(removed_ids(request)),
        "can_send": can_send(request),
        "missing_policies": missing_policies(company),
        "periods": [
            ("", _("Toutes")),
            ("week", _("Cette semaine")),
            ("month", _("Ce mois-ci")),
            ("30", _("30 jours")),
            ("60", _("60 jours")),
            ("90", _("90 jours")),
            ("custom", _("Dates choisies")),
        ],
        **params,
    }
    template = "web/worklist_results.html" if request.htmx else "web/worklist.html"
    return render(request, template, context)


def _back(request, default: str = "/relance/"):
    return redirect(safe_next(request, default))


@require_POST
def save_options(request):
    """« Options écran »: remembered per user, for every later visit."""
    pref = UserPreference.of(request.user)
    pref.show_not_due = request.POST.get("show_not_due") == "on"
    pref.hide_direct_debit = request.POST.get("hide_direct_debit") == "on"
    pref.save()
    return _back(request)


@require_POST
def remove_selected(request):
    """« Enlever les pièces sélectionnées »: out of this session's list, never out of the DB."""
    ids = selected_ids(request)
    if ids:
        already = set(removed_ids(request))
        new = [i for i in ids if i not in already]
        request.session[SESSION_REMOVED] = sorted(already | set(new))
        request.session[SESSION_LAST_REMOVED] = new
        messages.info(
            request,
            ngettext(
                "%(n)d pièce enlevée de la liste (elle reste dans la base).",
                "%(n)d pièces enlevées de la liste (elles restent dans la base).",
                len(new),
            )
            % {"n": len(new)},
            extra_tags="undo",
        )
    return _back(request)


@require_POST
def undo_remove(request):
    """Puts back the last removal; with `all`, every piece removed in this session."""
    removed = set(removed_ids(request))
    if request.POST.get("all"):
        back = removed
    else:
        back = set(request.session.get(SESSION_LAST_REMOVED, []))
    request.session[SESSION_REMOVED] = sorted(removed - back)
    request.session[SESSION_LAST_REMOVED] = []
    if back:
        messages.info(
            request,
            ngettext(
                "%(n)d pièce remise dans la liste.",
                "%(n)d pièces remises dans la liste.",
                len(back),
            )
            % {"n": len(back)},
        )
    return _back(request)
