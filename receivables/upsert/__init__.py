"""Set-based, all-or-nothing upserts of customers, invoices/credit notes, quotes, payments.

Used by file imports, the REST API's batch endpoints and the demo data. Every function:

- takes the company and a list of plain dicts (values already parsed: Decimal, date,
  bool; ISO strings and French/English choice labels are accepted too);
- matches existing rows by their key (customer `code`, document `number` per kind,
  payment `external_id` else `reference` of the customer) and creates or updates them;
  fields absent from an item are left as they are on update;
- validates the whole batch first and, on any bad item, raises ONE `UpsertError` whose
  `.errors` lists every problem (item index, field, reason) and changes nothing;
- writes in one transaction with a handful of statements (fast_insert: multi-row INSERT,
  COPY on PostgreSQL; fast_update: executemany, COPY + UPDATE ... FROM on PostgreSQL),
  never one query per row;
- returns an `UpsertResult` (created / updated / unchanged counts): running it again with
  the same items reports everything unchanged and writes nothing;
- `dry_run=True` validates and counts, then rolls back.

The modules: `batch` (the errors, the result, the one transaction), `customers` (with
the book that resolves the customer references of every kind), `documents` (with
`paid_column`, the stand-in payment of an invoice's "Réglé" value), `payments` (with
`allocations`).
"""

from .batch import ItemError, UpsertError, UpsertResult
from .customers import upsert_customers
from .documents import upsert_invoices, upsert_quotes
from .payments import upsert_payments

__all__ = [
    "ItemError",
    "UpsertError",
    "UpsertResult",
    "upsert_customers",
    "upsert_invoices",
    "upsert_payments",
    "upsert_quotes",
]
