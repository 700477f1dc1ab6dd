"""Odd values, generated: amounts of 27+ digits, 1e300, infinities, the year 0001 or 9999,
NUL characters, in CSV, XLSX, CII e-invoices, bank statements and API calls.

Whatever the value, an import works with sane values or is refused whole naming the line,
column or movement (a refused file changes nothing), and the API never answers 500. The
cases that found the bugs of issue 14 are kept as @example.
"""

import io
import json
from datetime import date, datetime
from decimal import Decimal

import facturx
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from banking.models import StatementLine
from banking.services import StatementError, import_statement
from receivables.coerce import EARLIEST, LATEST, MAX_MONEY
from receivables.imports import ImportRejected, import_file
from receivables.models import Customer, Document, Payment
from tests.banking.writers import camt053, mt940, ofx
from tests.imports.test_import_einvoice import _data

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]

HUGE = ["1" * 27, "9" * 40, "1e300", "-1e300", "1E+27", "Infinity", "NaN", "1000000000000"]
ODD_DATES = ["01/01/0001", "0001-01-01", "31/12/9999", "01/01/1899", "29/02/2025", "1/1/1"]
odd_amount_text = st.sampled_from(HUGE + ["999 999 999 999,99", "0,001", "-0"]) | st.decimals(
    allow_nan=False, allow_infinity=False
).map(str)
odd_date_text = st.sampled_from(ODD_DATES) | st.dates().map(
    lambda d: f"{d.day:02}/{d.month:02}/{d.year:04}"
)
odd_text = st.sampled_from(["", "A\x00B", "\x00", "x" * 300]) | st.text(max_size=20)
HEADER = ["Client", "N° facture", "Date", "Échéance", "Montant TTC"]


def _counts():
    return tuple(m.objects.count() for m in (Document, Customer, Payment, StatementLine))


def _imports_or_refuses(company, data: bytes, name: str) -> bool:
    """True when imported (with sane values), False when refused whole, naming why."""
    before = _counts()
    try:
        import_file(company, data, name, kind="invoices")
    except ImportRejected as exc:
        assert _counts() == before and exc.errors
        assert all(e.reason.strip() for e in exc.errors)
        return False
    for doc in Document.objects.all():  # what was taken is sane, never a misread
        assert EARLIEST <= doc.issue_date <= LATEST and abs(doc.amount) <= MAX_MONEY
    return True


def _csv_cell(text: str) -> str:
    return text.replace(";", " ").replace("\n", " ").replace("\r", " ").replace('"', " ")


@given(name=odd_text, issued=odd_date_text, amount=odd_amount_text)
@example(name="ANYWAY", issued="06/03/2026", amount="1" * 27)  # InvalidOperation, a 500
@example(name="ANYWAY", issued="01/01/0001", amount="12")  # was read as 2001
@example(name="A\x00B", issued="06/03/2026", amount="12")
def test_csv_with_odd_values(company, name, issued, amount):
    row = [name, "F1", issued, "05/04/2026", amount]
    data = "\n".join(";".join(map(_csv_cell, r)) for r in [HEADER, row]).encode("utf-8", "replace")
    imported = _imports_or_refuses(company, data, "factures.csv")
    # examples share the test's database: look at this row, not at a count
    assert not (imported and issued.endswith("/0001"))


sheet_values = (
    st.floats(allow_nan=False)
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31))
    | odd_amount_text
    | odd_date_text
    | odd_text.map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t))
)


@settings(max_examples=max(10, settings().max_examples // 4))  # an XLSX is slow to write
@given(issued=sheet_values, amount=sheet_values)
@example(issued="06/03/2026", amount=1e300)  # InvalidOperation, a 500
@example(issued="06/03/2026", amount=10**27)
@example(issued=datetime(1, 1, 1), amount=12)
def test_xlsx_with_odd_values(company, issued, amount):
    assume(not (isinstance(amount, float) and abs(amount) == float("inf")))
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["ANYWAY SARL", "F1", issued, "05/04/2026", amount])
    out = io.BytesIO()
    book.save(out)
    _imports_or_refuses(company, out.getvalue(), "factures.xlsx")


xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
)


@given(
    number=xml_text,
    issued=st.dates(),
    total=odd_amount_text,
    buyer=xml_text,
)
@example(number="F1", issued=date(2026, 3, 6), total="1" * 27, buyer="ANYWAY")
@example(number="F1", issued=date(1, 1, 1), total="12", buyer="ANYWAY")
def test_einvoice_with_odd_values(company, number, issued, total, buyer):
    data = _data(**{"BT-1": number, "BT-2": issued, "BT-112": total, "BT-115": total})
    data["BG-7"] = {**data["BG-7"], "name": buyer}
    try:
        xml = facturx.generate_cii_xml(data, level="en16931", check_schematron=False)
    except Exception:  # the library cannot write this value: not our input to test
        assume(False)
    _imports_or_refuses(company, xml, "facture.xml")


@given(
    fmt=st.sampled_from(["camt", "ofx", "mt940"]),
    amount=st.decimals(allow_nan=False, allow_infinity=False).filter(lambda d: d != 0)
    | st.sampled_from([Decimal("1" * 27), Decimal("1E+300"), Decimal("-1E+300")]),
    name=odd_text,
    on=st.dates(),
)
@example(fmt="ofx", amount=Decimal("1" * 27), name="MME A", on=date(2026, 2, 5))  # 500
@example(fmt="mt940", amount=Decimal("720"), name="MME\x00A", on=date(2026, 2, 5))  # 500
@example(fmt="camt", amount=Decimal("1E+300"), name="MME A", on=date(2026, 2, 5))
def test_statement_with_odd_values(company, fmt, amount, name, on):
    move = dict(date=on, amount=amount, name=name, text="Facture 3", rf="", ref="")
    try:
        data = {"camt": camt053, "ofx": ofx, "mt940": mt940}[fmt]([move])
    except ValueError:  # the writer cannot format the date (strftime)
        assume(False)
    before = _counts()
    try:
        import_statement(company, data, f"releve.{fmt}")
    except StatementError as exc:
        assert str(exc).strip() and _counts() == before
        return
    for line in StatementLine.objects.all():
        assert abs(line.amount) <= MAX_MONEY and EARLIEST <= line.booking_date <= LATEST


api_value = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | odd_amount_text
    | odd_date_text
    | st.dates().map(date.isoformat)
    | odd_text
)
API_CALLS = {
    "/api/invoices": ["number", "customer", "issue_date", "due_date", "amount", "paid"],
    "/api/quotes": ["number", "customer", "issue_date", "validity_date", "amount"],
    "/api/customers": ["code", "name", "emails", "blocked_until", "notes"],
    "/api/payments": ["external_id", "customer", "date", "amount", "reference"],
    "/api/calls": ["customer", "outcome", "note", "promise_date", "dispute_reason"],
    "/api/scan": ["as_of", "limit"],
    "/api/worklist": ["search", "order", "as_of", "period"],
    "/api/reminders": ["customer", "state", "batch", "page"],
}


@given(
    path=st.sampled_from(sorted(API_CALLS)),
    values=st.lists(api_value, min_size=6, max_size=6),
    batch=st.booleans(),
)
@example(path="/api/invoices", values=["F1", "C1", "2026-03-06", None, "1" * 27, None], batch=0)
@example(path="/api/worklist", values=["A\x00B", None, None, None, None, None], batch=False)
@example(path="/api/calls", values=["A\x00B", "voicemail", None, None, None, None], batch=False)
def test_api_with_odd_values_never_answers_500(client, alice, path, values, batch):
    from django.core.cache import cache

    from api.tokens import create_token

    cache.clear()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_token(alice, 'fuzz')[1]}"}
    fields = {k: v for k, v in zip(API_CALLS[path], values, strict=False) if v is not None}
    before = _counts()
    if path in ("/api/worklist", "/api/reminders"):
        r = client.get(path, {k: str(v) for k, v in fields.items()}, **auth)
    else:
        target = path + "/batch" if batch and path not in ("/api/calls", "/api/scan") else path
        body = {"items": [fields]} if target.endswith("/batch") else fields
        r = client.post(target, json.dumps(body), content_type="application/json", **auth)
    assert r.status_code < 500, r.content[:300]
    if r.status_code >= 400:
        assert r.json()["message"] and _counts() == before
