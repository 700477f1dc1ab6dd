"""The statements of the daily scan (dunning.scan), for PostgreSQL or SQLite.

What each statement computes is described in dunning/scan.py; this module only writes
them. It computes, per document, what `dunning.rules.evaluate` computes for one.
"""

# SQL is assembled from constants of this module only; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from datetime import date

from receivables.models.document import LIFECYCLE_DISPUTE, LIFECYCLE_PAUSE, LIFECYCLE_REJECTED

from .rules import DIRECT_DEBIT, DUNNABLE_STATES

TEMP = "dunning_scan_tmp"
MAX_RANK = "SELECT MAX(rank) FROM dunning_level"
TILDE = "'~'"  # marks a temporary stop reason inside the scan's SQL


def of_kind(name: str) -> str:
    """The customer's `name` (policy, skip) for the document's kind: a quote follows the
    quote policy; an invoice, and a debit note (the charges invoiced), the invoice one."""
    return f"(CASE WHEN d.kind = 'quote' THEN c.quote_{name} ELSE c.invoice_{name} END)"


class ScanSQL:
    """The statements of one run, for PostgreSQL or SQLite (the only differences are
    date arithmetic, GREATEST and IS DISTINCT FROM)."""

    def __init__(self, vendor: str, as_of: date, company_ids: list[int] | None):
        self.pg = vendor == "postgresql"
        self.as_of = as_of if self.pg else as_of.isoformat()
        self.company_ids = company_ids

    # -- dialect -------------------------------------------------------------------
    def add_days(self, day: str, days: str) -> str:
        return f"({day} + ({days}))" if self.pg else f"date({day}, ({days}) || ' days')"

    def greatest(self, first: str, *others: str) -> str:
        """GREATEST ignoring NULL `others` (`first` is never NULL when it matters)."""
        if self.pg:
            return f"GREATEST({', '.join((first, *others))})"
        padded = [first] + [f"COALESCE({o}, '0001-01-01')" for o in others]
        return "MAX(" + ", ".join(padded) + ")"

    def money(self, expr: str) -> str:
        # SQLite keeps decimals as floats: round before comparing amounts.
        return f"({expr})" if self.pg else f"ROUND({expr}, 2)"

    def fence(self) -> str:
        """Keep PostgreSQL from inlining a subquery, which would evaluate its CASE
        expressions once per reference instead of once per row (streams, no copy)."""
        return " OFFSET 0" if self.pg else ""

    def distinct(self, a: str, b: str) -> str:
        return f"({a} IS DISTINCT FROM {b})" if self.pg else f"({a} IS NOT {b})"

    def company_filter(self, column: str) -> tuple[str, list]:
        if self.company_ids is None:
            return "", []
        marks = ", ".join(["%s"] * len(self.company_ids))
        return f" AND {column} IN ({marks})", list(self.company_ids)

    # -- statements ------------------------------------------------------------------
    def steps(self) -> str:
        """One row per policy and last-sent rank 0..max: the next level (or done = 1
        after the last one) and the delay of the level before it. An equality join,
        cheap on millions of documents; ranks above every level are clamped to max."""
        return f"""
            WITH RECURSIVE f(n) AS (
                SELECT 0 UNION ALL
                SELECT n + 1 FROM f WHERE n < ({MAX_RANK}))
            SELECT p.policy_id, f.n AS from_level, nx.rank, nx.delay_days, nx.min_balance,
                   pv.delay_days AS prev_delay,
                   CASE WHEN nx.rank IS NULL THEN 1 ELSE 0 END AS done
            FROM (SELECT DISTINCT policy_id FROM dunning_level) p
            CROSS JOIN f
            LEFT JOIN dunning_level nx ON nx.policy_id = p.policy_id AND nx.rank = (
                SELECT MIN(rank) FROM dunning_level WHERE policy_id = p.policy_id AND rank > f.n)
            LEFT JOIN dunning_level pv ON pv.policy_id = p.policy_id AND pv.rank = (
                SELECT MAX(rank) FROM dunning_level
                WHERE policy_id = p.policy_id AND rank < nx.rank)"""

    def credit(self) -> tuple[str, list]:
        """Unallocated money of each customer: payments and credit notes not yet used."""
        pay_filter, p1 = self.company_filter("company_id")
        cn_filter, p2 = self.company_filter("company_id")
        if not cn_filter:  # lets the (company, kind, number) index find the credit notes
            cn_filter = " AND company_id IN (SELECT id FROM receivables_company)"
        sql = f"""
            SELECT customer_id, SUM(credit) AS credit FROM (
                SELECT customer_id, amount - allocated_amount AS credit
                FROM receivables_payment WHERE allocated_amount < amount{pay_filter}
                UNION ALL
                SELECT customer_id, amount - paid_amount
                FROM receivables_document
                WHERE kind = 'credit_note' AND state NOT IN ('draft', 'cancelled')
                  AND paid_amount < amount{cn_filter}
            ) u GROUP BY customer_id"""
        return sql, p1 + p2

    def customers(self) -> tuple[str, list]:
        """One row per customer: for each kind of policy (`of_kind`), the one its
        documents follow (its own, else its company's default) and its direct-debit rule;
        the customer's holds and its unallocated money. Resolved once per customer and
        joined on the customer alone, rather than by four joins on each of a million
        documents (a third of a scan's reading)."""
        credit_sql, credit_params = self.credit()
        own_filter, own_params = self.company_filter("c0.company_id")
        sql = f"""
            SELECT c0.id, COALESCE(ci.id, di.id) AS invoice_policy,
                   CASE WHEN ci.id IS NOT NULL THEN ci.skip_direct_debit
                        ELSE di.skip_direct_debit END AS invoice_skip,
                   COALESCE(cq.id, dq.id) AS quote_policy,
                   CASE WHEN cq.id IS NOT NULL THEN cq.skip_direct_debit
                        ELSE dq.skip_direct_debit END AS quote_skip,
                   c0.blocked_until, c0.no_reminders, c0.awaiting_reply,
                   COALESCE(cr.credit, 0) AS credit
            FROM receivables_customer c0
            LEFT JOIN dunning_policy ci ON ci.id = c0.policy_id AND ci.kind = 'invoice'
            LEFT JOIN dunning_policy di ON di.company_id = c0.company_id
                  AND di.kind = 'invoice' AND di.is_default = TRUE
            LEFT JOIN dunning_policy cq ON cq.id = c0.policy_id AND cq.kind = 'quote'
            LEFT JOIN dunning_policy dq ON dq.company_id = c0.company_id
                  AND dq.kind = 'quote' AND dq.is_default = TRUE
            LEFT JOIN ({credit_sql}) cr ON cr.customer_id = c0.id
            WHERE 1 = 1{own_filter}{self.fence()}"""
        return sql, credit_params + own_params

    def plan_parts(self) -> str:
        """Each planned document's first part not yet paid (its balance still above what
        may be left after it), and whether the plan still holds on as_of (one mark)."""
        bal = self.money("d2.amount - d2.paid_amount")
        return f"""
            SELECT pp.document_id, pp.due_date, pp.left_after,
                   CASE WHEN pp.breaks_on IS NULL OR pp.breaks_on > %s THEN 1 ELSE 0 END AS holds
            FROM dunning_planpart pp
            JOIN (SELECT p2.document_id, MIN(p2.due_date) AS first_due
                  FROM dunning_planpart p2
                  JOIN receivables_document d2 ON d2.id = p2.document_id
                  WHERE {bal} > p2.left_after
                  GROUP BY p2.document_id) f
              ON f.document_id = pp.document_id AND f.first_due = pp.due_date"""

    def computed(self) -> tuple[str, list]:
        """One row per document that is followed or still carries a dunning state."""
        d = "%s"  # as_of, repeated below
        bal = self.money("d.amount - d.paid_amount")
        credit = self.money("c.credit")
        skip = of_kind("skip")
        dunnable_states = " OR ".join(
            f"(d.kind = '{kind}' AND d.state IN ({', '.join(repr(s) for s in states)}))"
            for kind, states in DUNNABLE_STATES.items()
        )
        # an accepted payment plan that holds (`pl`): its first unpaid part stands for
        # the due date and the balance (dunning.rules.under_plan)
        due = "(CASE WHEN pl.document_id IS NOT NULL THEN pl.due_date ELSE d.due_date END)"
        owed = self.money("d.amount - d.paid_amount - COALESCE(pl.left_after, 0)")
        at_date = self.greatest(
            self.add_days(due, "s.delay_days"),
            self.add_days("d.last_reminder_date", "s.delay_days - s.prev_delay"),
            f"CASE WHEN d.kind = 'quote' THEN {self.add_days('d.due_date', '1')} END",
            "d.promise_date",
            "d.blocked_until",
            "c.blocked_until",
        )

        # The same order as dunning.rules.stop_of; "temporary" holds end on a date.
        def lifecycle(codes) -> str:
            return f"d.lifecycle_status IN ({', '.join(repr(c) for c in codes)})"

        conditions = [
            ("s.done = 1", "'done'", 0),
            (lifecycle(LIFECYCLE_REJECTED), "'rejected'", 0),
            (f"c.blocked_until > {d}", "'customer_blocked'", 1),
            ("c.no_reminders AND c.blocked_until IS NULL", "'customer_blocked'", 0),
            ("c.awaiting_reply", "'reply'", 0),
            (lifecycle(LIFECYCLE_DISPUTE), "'disputed'", 0),
            (lifecycle(LIFECYCLE_PAUSE), "'suspended'", 0),
            (
                f"d.blocked_until > {d}",
                "CASE WHEN d.disputed THEN 'disputed' ELSE 'blocked' END",
                1,
            ),
            ("d.disputed AND d.blocked_until IS NULL", "'disputed'", 0),
            (f"{skip} AND d.payment_method = '{DIRECT_DEBIT}'", "'direct_debit'", 0),
            (f"d.promise_date > {d}", "'promise'", 1),
            (f"{owed} < s.min_balance", "'below_minimum'", 0),
            (f"{credit} > 0 AND {credit} >= {owed}", "'credit'", 0),
        ]
        dated = [c for c, _, _ in conditions if d in c]
        # One CASE, a hold that ends on a date marked "~" (a second CASE cost 1/10 of a scan)
        reason = "CASE " + " ".join(f"WHEN {c} THEN {TILDE + ' || ' if t else ''}{r}"
                                    for c, r, t in conditions) + " ELSE '' END"  # fmt: skip
        customers, customer_params = self.customers()
        doc_filter, doc_params = self.company_filter("d.company_id")
        sql = f"""
            SELECT d.id AS id, {of_kind("policy")} AS policy_id,
                   d.dunning_level AS g_level, d.reminder_count AS g_count,
                   d.state AS g_state, d.paid_amount AS g_paid,
                   d.pending_level AS old_pending, d.to_remind AS old_to_remind,
                   d.to_remind_since AS old_since, d.next_action_date AS old_next,
                   d.stop_reason AS old_stop,
                   CASE WHEN ({dunnable_states}) AND {bal} > 0 AND s.policy_id IS NOT NULL
                        THEN 1 ELSE 0 END AS dunnable,
                   s.rank AS nrank, {at_date} AS at_date,
                   {reason} AS reason
            FROM receivables_document d
            JOIN ({customers}) c ON c.id = d.customer_id
            LEFT JOIN ({self.steps()}) s
                   ON s.policy_id = {of_kind("policy")}
                  AND s.from_level = CASE WHEN d.dunning_level > ({MAX_RANK})
                                          THEN ({MAX_RANK}) ELSE d.dunning_level END
            LEFT JOIN ({self.plan_parts()}) pl ON pl.document_id = d.id AND pl.holds = 1
            WHERE d.kind IN ('invoice', 'debit_note', 'quote'){doc_filter}
              AND (d.state IN ('open', 'expired') OR d.pending_level IS NOT NULL
                   OR d.to_remind = TRUE OR d.next_action_date IS NOT NULL
                   OR d.stop_reason <> ''){self.fence()}"""
        # Parameters in textual order: the as_of marks of the reason CASE, the customers
        # subquery, then the plan parts and the document filter.
        params = [self.as_of] * len(dated) + customer_params + [self.as_of] + doc_params
        return sql, params

    def create_temp(self) -> tuple[str, list]:
        computed, params = self.computed()
        pending_when = "x.dunnable = 1 AND x.reason = '' AND x.at_date <= %s"
        new = f"""
            SELECT x.id, x.policy_id, x.g_level, x.g_count, x.g_state, x.g_paid,
                   x.old_pending, x.old_to_remind, x.old_since, x.old_next, x.old_stop,
                   CASE WHEN {pending_when} THEN x.nrank END AS new_pending,
                   CASE WHEN {pending_when} THEN x.at_date END AS new_since,
                   CASE WHEN x.dunnable = 1 AND (x.reason = '' OR substr(x.reason, 1, 1) = '~')
                        THEN x.at_date END AS new_next,
                   CASE WHEN x.dunnable = 1 THEN ltrim(x.reason, '~') ELSE '' END AS new_stop
            FROM ({computed}) x{self.fence()}"""
        n = "n"
        changed = " OR ".join([
            self.distinct(f"{n}.old_pending", f"{n}.new_pending"),
            self.distinct(f"{n}.old_since", f"{n}.new_since"),
            self.distinct(f"{n}.old_next", f"{n}.new_next"),
            f"{n}.old_stop <> {n}.new_stop",
            f"{n}.old_to_remind <> ({n}.new_pending IS NOT NULL)",
        ])  # fmt: skip
        sql = f"CREATE TEMP TABLE {TEMP} AS SELECT * FROM ({new}) n WHERE {changed}"
        return sql, [self.as_of, self.as_of] + params

    def update(self) -> str:
        t = "receivables_document"
        # The guard: the row still as the scan read it. Written IS DISTINCT FROM, which a
        # hash join cannot use as a key, so it hashes the id alone and checks the rest on
        # each match (six keys hashed cost a tenth of a first scan).
        guard = " OR ".join(self.distinct(f"{t}.{column}", f"s.{old}") for column, old in (
            ("dunning_level", "g_level"), ("reminder_count", "g_count"), ("state", "g_state"),
            ("paid_amount", "g_paid"), ("to_remind", "old_to_remind"),
            ("pending_level", "old_pending")))  # fmt: skip
        return f"""
            UPDATE {t} SET pending_level = s.new_pending, to_remind = (s.new_pending IS NOT NULL),
                           to_remind_since = s.new_since, next_action_date = s.new_next,
                           stop_reason = s.new_stop
            FROM {TEMP} s
            WHERE {t}.id = s.id AND NOT ({guard})"""

    def update_counted(self) -> str:
        """The UPDATE, its changes of to_remind and pending_level (the guard held their old
        values) into the running totals and the sort keys; returns the count."""
        key = "company_id, kind, state, payment_method = 'direct_debit', currency, due_date"
        moved = f"""SELECT {key}, old_to_remind, to_remind, COUNT(*), SUM(amount), SUM(paid_amount)
                   FROM u WHERE to_remind <> old_to_remind GROUP BY {key}, old_to_remind, to_remind"""
        new = "g.company_id, g.kind, g.state, v.flag, g.dd, g.currency, g.due_date"
        returning = ", ".join(f"receivables_document.{c}" for c in ("id", "company_id", "kind",
                              "state", "to_remind", "payment_method", "currency", "due_date",
                              "amount", "paid_amount", "pending_level"))  # fmt: skip
        return f"""
            WITH u AS ({self.update()} RETURNING s.old_to_remind, s.old_pending, {returning}),
                 g(company_id, kind, state, dd, currency, due_date, was, now, n, a, p) AS ({moved}),
                 counted AS (INSERT INTO receivables_documenttotal
                     (company_id, kind, state, to_remind, direct_debit, currency, due_date,
                      count, amount, paid)
                     SELECT {new}, v.sign * g.n, v.sign * g.a, v.sign * g.p
                     FROM g CROSS JOIN LATERAL (VALUES (g.was, -1), (g.now, 1)) v(flag, sign)),
                 keyed AS (UPDATE receivables_documentsortkey k SET pending_level = u.pending_level
                     FROM u WHERE u.pending_level IS DISTINCT FROM u.old_pending
                       AND k.document_id = u.id AND k.pending_level IS DISTINCT FROM u.pending_level)
            SELECT COUNT(*) FROM u"""

    def report(self) -> tuple[str, list]:
        return f"""
            SELECT s.id, d.number, d.kind, c.name, d.due_date, s.old_pending, s.new_pending,
                   s.new_stop, lv.name
            FROM {TEMP} s
            JOIN receivables_document d ON d.id = s.id
            JOIN receivables_customer c ON c.id = d.customer_id
            LEFT JOIN dunning_level lv ON lv.policy_id = s.policy_id AND lv.rank = s.new_pending
            ORDER BY c.name, d.due_date, d.number""", []  # fmt: skip
