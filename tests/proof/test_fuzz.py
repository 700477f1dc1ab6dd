"""Bad input, generated: CSV, XLSX, CII/UBL XML, bank statements and API payloads.

Whatever the bytes, an import either works or is refused with errors naming the line,
column or file; a refused file changes nothing; the API never answers 500.
"""

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from banking.models import StatementLine
from banking.services import StatementError, import_statement
from receivables.imports import ImportRejected, import_file
from receivables.models import Allocation, Customer, Document, Payment
from tests.banking.writers import camt053, mt940, mv, ofx

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]

HEADER = ["Client", "N° facture", "Date", "Échéance", "Montant TTC", "Réglé"]
GOOD = ["ANYWAY SARL", "F1", "06/03/2026", "05/04/2026", "120,00", "0,00"]
junk_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30
) | st.sampled_from(
    ["", "-1", "1e309", "NaN", "31/02/2026", "9" * 40, "=CMD()", "120,00,00", "\x00", '"', ";"]
)


def _counts():
    return tuple(m.objects.count() for m in (Document, Customer, Payment, Allocation))


def _table(cells: list[list[str]]) -> list[list[str]]:
    return [HEADER] + cells


def _rows():
    """A few invoice rows, some cells replaced by junk."""
    row = st.lists(junk_text, min_size=6, max_size=6).flatmap(
        lambda junk: st.lists(st.booleans(), min_size=6, max_size=6).map(
            lambda keep: [g if k else j for g, j, k in zip(GOOD, junk, keep, strict=True)]
        )
    )
    return st.lists(row, min_size=1, max_size=5)


def _check_import(company, data: bytes, filename: str, header_intact: bool = True):
    before = _counts()
    try:
        import_file(company, data, filename, kind="invoices")
    except ImportRejected as exc:
        assert _counts() == before, "a refused file changed the data"
        assert exc.errors
        for error in exc.errors:
            assert error.reason.strip()
            if header_intact and error.line is not None:
                assert error.line >= 1


@given(rows=_rows(), sep=st.sampled_from([";", ",", "\t"]))
def test_csv_import_works_or_refuses_whole_naming_line_and_column(company, rows, sep):
    lines = [sep.join(c.replace(sep, " ").replace("\n", " ") for c in r) for r in _table(rows)]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    _check_import(company, data, "factures.csv")


@given(data=st.binary(max_size=400))
def test_csv_import_of_random_bytes_is_refused_cleanly(company, data):
    _check_import(company, data, "factures.csv", header_intact=False)


@settings(max_examples=max(10, settings().max_examples // 4))  # an XLSX is slow to write
@given(rows=_rows())
def test_xlsx_import_works_or_refuses_whole(company, rows):
    wb = Workbook()
    for r in _table(rows):
        wb.active.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in r])
    buf = io.BytesIO()
    wb.save(buf)
    _check_import(company, buf.getvalue(), "factures.xlsx")


@given(tail=st.binary(max_size=300))
def test_an_xlsx_that_is_not_a_zip_is_refused(company, tail):
    _check_import(company, b"PK\x03\x04" + tail, "factures.xlsx", header_intact=False)


CII = (
    b'<?xml version="1.0"?><rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:'
    b'data:standard:CrossIndustryInvoice:100"><rsm:ExchangedDocument/></rsm:CrossIndustryInvoice>'
)
UBL = b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>1</ID></Invoice>'


@given(base=st.sampled_from([CII, UBL]), at=st.integers(0, 200), junk=st.binary(max_size=40))
def test_einvoice_xml_mutations_are_refused_cleanly(company, base, at, junk):
    data = base[:at] + junk + base[at + len(junk) :]
    _check_import(company, data, "facture.xml", header_intact=False)


def _statement(fmt: str) -> bytes:
    moves = [mv("720.00", "MME LENTY", "Facture 3"), mv("-49.90", "EDF"), mv("100", rf="RF203")]
    return {"camt": camt053, "ofx": ofx, "mt940": mt940}[fmt](moves)


@given(
    fmt=st.sampled_from(["camt", "ofx", "mt940"]),
    at=st.integers(0, 2000),
    junk=st.binary(min_size=1, max_size=30),
)
def test_bank_statement_mutations_import_or_change_nothing(company, fmt, at, junk):
    base = _statement(fmt)
    data = base[:at] + junk + base[at + len(junk) :]
    before = StatementLine.objects.count(), _counts()
    try:
        import_statement(company, data, f"releve.{fmt}")
    except StatementError as exc:
        assert str(exc).strip()
        assert (StatementLine.objects.count(), _counts()) == before


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | junk_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(junk_text, inner, max_size=3),
    max_leaves=10,
)
invoice_items = st.fixed_dictionaries(
    {},
    optional={
        "number": junk_text,
        "customer": st.fixed_dictionaries({}, optional={"code": junk_text, "name": junk_text})
        | json_values,
        "issue_date": junk_text | st.just("2026-03-06"),
        "due_date": junk_text | st.just("2026-04-05"),
        "amount": junk_text | st.just("120.00") | st.integers(),
        "currency": junk_text,
    },
)


@given(
    path=st.sampled_from(["/api/invoices", "/api/customers", "/api/payments", "/api/quotes"]),
    body=invoice_items | json_values,
    batch=st.booleans(),
)
def test_api_payloads_never_answer_500_and_refusals_change_nothing(
    client, alice_token, path, body, batch
):
    from django.core.cache import cache

    cache.clear()
    if batch:
        path, body = path + "/batch", {"items": [body, body]}
    before = _counts()
    r = client.post(
        path,
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {alice_token}",
    )
    assert r.status_code < 500, r.content[:300]
    if r.status_code >= 400:
        assert "error" in r.json() and r.json()["message"]
        assert _counts() == before


@pytest.fixture
def alice_token(alice):
    from api.tokens import create_token

    return create_token(alice, "fuzz")[1]


def test_a_csv_of_quoted_blanks_is_refused_as_empty(company):
    # found by the fuzzer: a non-blank line whose cells are all blank left no header
    with pytest.raises(ImportRejected) as exc:
        import_file(company, b'"\n"\n', "factures.csv", kind="invoices")
    assert "vide" in str(exc.value)


def test_a_nul_character_in_an_api_field_is_refused_by_name(client, alice_token):
    # found by the fuzzer: PostgreSQL refuses NUL in text, the API answered 500
    body = {"number": "F1\x00", "customer": {"code": "C1", "name": "A\x00B"}}
    r = client.post(
        "/api/invoices",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {alice_token}",
    )
    assert r.status_code == 422 or r.status_code == 400, r.content
    fields = {d.get("field") for d in r.json()["details"]}
    assert {"number", "customer.name"} <= fields, r.json()
    assert Document.objects.count() == 0


def test_an_ofx_without_transaction_list_imports_no_line(company):
    # found by the fuzzer: a mangled <BANKTRANLIST> crashed the OFX reader (TypeError)
    data = _statement("ofx")
    start, end = data.index(b"<BANKTRANLIST>"), data.index(b"</BANKTRANLIST>") + 15
    try:
        import_statement(company, data[:start] + data[end:], "releve.ofx")
    except StatementError as exc:
        assert str(exc).strip()
    assert StatementLine.objects.count() == 0
