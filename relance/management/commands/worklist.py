"""relance worklist: the "Relance des factures" screen in a terminal, or CSV / JSON."""

import json

from django.core.management.base import BaseCommand

from printing import csvsafe
from printing.amounts import json_amount
from receivables.worklist import worklist, worklist_totals
from relance.clitools import (
    BadArguments,
    add_company_argument,
    clip,
    iso_date,
    money,
    percent,
    positive_int,
    resolve_company,
    table,
)

COLUMNS = [
    # (csv/json key, table header, value of a row)
    ("id", "Id", lambda d: d.pk),
    ("kind", "Type", lambda d: d.kind),
    ("number", "N°", lambda d: d.number),
    ("issue_date", "Date", lambda d: d.issue_date),
    ("due_date", "Echéance", lambda d: d.due_date),
    ("days_late", "Retard", lambda d: d.days_late),
    ("payment_method", "Mode pmt", lambda d: d.get_payment_method_display()),
    ("customer_code", "Code", lambda d: d.customer.code),
    ("customer", "Client", lambda d: d.customer.name),
    ("contact", "Nom, prénom", lambda d: d.customer.contact_name),
    ("description", "Nature", lambda d: d.description),
    ("amount", "Montant", lambda d: d.amount),
    ("paid", "Réglé", lambda d: d.paid_amount),
    ("balance", "Solde", lambda d: d.balance),
    ("percent_paid", "%Rgl", lambda d: d.percent_paid),
    ("dunning_level", "Niveau", lambda d: d.dunning_level or ""),
    ("pending_level", "À faire", lambda d: d.pending_level),
    ("reminder_count", "Rappels", lambda d: d.reminder_count),
    ("last_reminder_date", "Dernier rappel", lambda d: d.last_reminder_date),
    ("lifecycle_status", "Statut plateforme", lambda d: d.lifecycle_status),
]
TABLE = ["Id", "N°", "Date", "Echéance", "Retard", "Mode pmt", "Client", "Nom, prénom",
         "Nature", "Montant", "Réglé", "Solde", "%Rgl", "Niveau", "À faire", "Rappels",
         "Dernier rappel"]  # fmt: skip
MONEY = {"Montant", "Réglé", "Solde"}
JSON_MONEY = ("amount", "paid", "balance")


class Command(BaseCommand):
    help = (
        "Print the worklist (documents to remind) as a table, CSV or JSON, with the "
        "screen's filters. Exit 0; 2 on a bad argument."
    )

    def add_arguments(self, parser):
        add_company_argument(parser)
        parser.add_argument("--as-of", type=iso_date, metavar="DATE", help="default: today")
        parser.add_argument(
            "--period", choices=["week", "month", "30", "60", "90"], help="due within"
        )
        parser.add_argument(
            "--show-not-due", action="store_true", help="also open documents not due yet"
        )
        parser.add_argument("--hide-direct-debit", action="store_true", help="hide direct debits")
        parser.add_argument("--kind", choices=["invoice", "quote"], default="invoice")
        parser.add_argument("--search", default="", help="number, customer, code or contact")
        parser.add_argument(
            "--order", default="-days_late", help="column, '-' for descending (default -days_late)"
        )
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument(
            "--csv-language",
            choices=["fr", "en"],
            help="CSV for a spreadsheet in this language: fr « ; » and 1234,50; en « , » and "
            "1234.50 (default: plain comma-separated for scripts)",
        )
        parser.add_argument("--limit", type=positive_int, help="at most this many rows")

    def handle(self, *args, **opts):
        company = resolve_company(opts["company"])
        as_of = opts["as_of"] or company.today()
        try:
            qs = worklist(
                company,
                as_of=as_of,
                period=opts["period"],
                show_not_due=opts["show_not_due"],
                hide_direct_debit=opts["hide_direct_debit"],
                kind=opts["kind"],
                search=opts["search"],
                order=opts["order"],
            )
        except ValueError as exc:
            raise BadArguments(str(exc)) from exc
        totals = worklist_totals(qs)
        if opts["limit"]:
            qs = qs[: opts["limit"]]
        self.csv_language = opts["csv_language"]
        getattr(self, "_" + opts["format"])(qs, totals, company, as_of)

    def _json(self, qs, totals, company, as_of):
        """Amounts as strings with the currency's digits ("725.10"), never the stray
        digits of a SQL sum; totals per currency."""
        rows = []
        for d in qs.iterator(chunk_size=2000):
            row = {key: get(d) for key, _h, get in COLUMNS}
            row["currency"] = d.currency
            for key in JSON_MONEY:
                row[key] = json_amount(row[key], d.currency)
            row["percent_paid"] = f"{row['percent_paid']:.1f}"
            rows.append(row)
        by_currency = [
            {**t, **{k: json_amount(t[k], t["currency"]) for k in JSON_MONEY}}
            for t in totals["by_currency"]
        ]
        sums = {k: json_amount(totals[k], company.currency) for k in JSON_MONEY}
        body = {
            "company": company.name,
            "as_of": as_of,
            "totals": {"count": totals["count"], **sums, "by_currency": by_currency},
            "items": rows,
        }
        self.stdout.write(json.dumps(body, default=str, ensure_ascii=False, indent=1))

    def _csv(self, qs, totals, company, as_of):
        writer = csvsafe.writer(self.stdout, self.csv_language)
        writer.writerow([key for key, _h, _g in COLUMNS])
        for d in qs.iterator(chunk_size=2000):
            writer.writerow([get(d) for _k, _h, get in COLUMNS])

    def _table(self, qs, totals, company, as_of):
        lang = company.language[:2]
        getters = {header: get for _k, header, get in COLUMNS}
        rows = []
        for d in qs:
            row = []
            for header in TABLE:
                value = getters[header](d)
                if header in MONEY:
                    value = money(value, lang)
                elif header == "%Rgl":
                    value = percent(value, lang)
                row.append(clip("" if value is None else value, 24))
            rows.append(row)
        several = len(totals["by_currency"]) > 1
        for t in totals["by_currency"] or [totals]:  # never added across currencies
            sums = [""] * len(TABLE)
            sums[0] = f"Somme {t['currency']}" if several else "Somme"
            sums[TABLE.index("Montant")] = money(t["amount"], lang)
            sums[TABLE.index("Réglé")] = money(t["paid"], lang)
            sums[TABLE.index("Solde")] = money(t["balance"], lang)
            rows.append(sums)
        right = {TABLE.index(h) for h in ("Id", "Retard", "Montant", "Réglé", "Solde", "%Rgl")}
        self.stdout.write(table(rows, TABLE, right))
        self.stdout.write(
            f"{totals['count']} document(s) — {company.name}, {as_of:%d/%m/%Y}",
            ending="\n",
        )
