"""Read bank statement files into plain records: CAMT.053 (ISO 20022, lxml), OFX (ofxtools),
MT940 (mt-940). No database here; `banking.services` stores and matches what this returns.

A file that cannot be read raises StatementError naming the file, the place and the field.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from lxml import etree

from receivables.coerce import BadValue, in_range, nul_paths, nul_refused, to_money


class StatementError(ValueError):
    """The file is not a statement we can read; nothing was imported."""


@dataclass
class ParsedLine:
    booking_date: date
    amount: Decimal  # positive = credit (money in), negative = debit
    currency: str
    counterparty: str = ""
    counterparty_account: str = ""
    remittance: str = ""  # unstructured text, as the payer typed it
    reference: str = ""  # structured creditor reference (RF…) when the bank gives one
    bank_reference: str = ""  # the bank's own id of the movement, when it gives one
    value_date: date | None = None


@dataclass
class ParsedStatement:
    format: str
    account: str
    currency: str
    lines: list[ParsedLine] = field(default_factory=list)
    reference: str = ""
    date_from: date | None = None
    date_to: date | None = None


def fingerprints(statement: ParsedStatement) -> list[str]:
    """One stable key per line: the bank's id when it gives one, else a hash of what the
    line says plus its rank among identical lines (two equal transfers on one day stay two)."""
    seen: dict[str, int] = {}
    keys = []
    for line in statement.lines:
        if line.bank_reference:
            base = "ref:" + line.bank_reference
        else:
            base = "|".join(
                [
                    line.booking_date.isoformat(),
                    f"{line.amount:.2f}",
                    line.currency,
                    line.counterparty.strip().upper(),
                    line.counterparty_account,
                    " ".join(line.remittance.split()).upper(),
                    line.reference,
                ]
            )
        seen[base] = seen.get(base, 0) + 1
        keys.append(hashlib.sha256(f"{base}#{seen[base]}".encode()).hexdigest())
    return keys


def detect_format(data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \r\n\t")
    if b"camt.053" in head or b"BkToCstmrStmt" in data[:20000]:
        return "camt053"
    if b"OFXHEADER" in head or b"<OFX>" in head.upper() or b"<?OFX" in head:
        return "ofx"
    if re.search(rb"(^|\n):20:", head) and b":61:" in data:
        return "mt940"
    raise StatementError(_("format non reconnu (attendu : CAMT.053, OFX ou MT940)"))


def parse(data: bytes, name: str = "") -> ParsedStatement:
    try:
        fmt = detect_format(data)
        parsed = {"camt053": parse_camt053, "ofx": parse_ofx, "mt940": parse_mt940}[fmt](data)
        return checked(parsed)
    except StatementError as exc:
        raise StatementError(
            _("%(field)s : %(error)s") % {"field": name or _("fichier"), "error": exc}
        ) from exc


_TEXTS = (
    "currency",
    "counterparty",
    "counterparty_account",
    "remittance",
    "reference",
    "bank_reference",
)


def checked(statement: ParsedStatement) -> ParsedStatement:
    """Every format's values held to the rules of receivables.coerce (the same amounts,
    dates and text as an invoice), so that a bad value is named here, not by the database."""
    if nul_paths([statement.account, statement.reference]):
        raise StatementError(_("compte ou référence du relevé : %(e)s") % {"e": nul_refused()})
    for n, line in enumerate(statement.lines, start=1):
        where = _("mouvement n°%(n)s") % {"n": n}
        try:
            line.amount = to_money(line.amount)
            line.booking_date = in_range(line.booking_date)
            line.value_date = line.value_date and in_range(line.value_date)
        except BadValue as exc:
            raise StatementError(f"{where} : {exc}") from None
        for name in _TEXTS:
            if nul_paths(getattr(line, name)):
                raise StatementError(f"{where}, {name} : {nul_refused()}")
    return statement


# --- CAMT.053 ---------------------------------------------------------------------------


def _text(node, path: str) -> str:
    found = node.find(path) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def _date(node, path: str, where: str) -> date | None:
    raw = _text(node, path + "/{*}Dt") or _text(node, path + "/{*}DtTm")[:10]
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError as exc:
        raise StatementError(
            _("%(where)s : date invalide « %(v)s »") % {"where": where, "v": raw}
        ) from exc


def _decimal(raw: str, where: str) -> Decimal:
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation as exc:
        raise StatementError(
            _("%(where)s : montant invalide « %(v)s »") % {"where": where, "v": raw}
        ) from exc


def _camt_party(tx) -> tuple[str, str]:
    """The debtor for a credit (who paid us): v02 Dbtr/Nm, v08+ Dbtr/Pty/Nm."""
    parties = tx.find("{*}RltdPties")
    name = _text(parties, "{*}Dbtr/{*}Nm") or _text(parties, "{*}Dbtr/{*}Pty/{*}Nm")
    account = _text(parties, "{*}DbtrAcct/{*}Id/{*}IBAN") or _text(
        parties, "{*}DbtrAcct/{*}Id/{*}Othr/{*}Id"
    )
    return name, account


def parse_camt053(data: bytes) -> ParsedStatement:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise StatementError(
            _("XML invalide, ligne %(n)s : %(error)s") % {"n": exc.lineno, "error": exc.msg}
        ) from exc
    statements = root.findall(".//{*}BkToCstmrStmt/{*}Stmt")
    if not statements:
        raise StatementError(_("aucun élément Stmt (relevé) dans le document"))
    acct = statements[0].find("{*}Acct")
    account = _text(acct, "{*}Id/{*}IBAN") or _text(acct, "{*}Id/{*}Othr/{*}Id")
    if not account:
        raise StatementError(_("Stmt/Acct/Id : compte absent"))
    result = ParsedStatement(
        format="camt053",
        account=account,
        currency=_text(acct, "{*}Ccy") or "EUR",
        reference=_text(statements[0], "{*}Id"),
    )
    for stmt in statements:
        period = stmt.find("{*}FrToDt")
        if period is not None:
            result.date_from = result.date_from or _date_or_none(_text(period, "{*}FrDtTm"))
            result.date_to = _date_or_none(_text(period, "{*}ToDtTm")) or result.date_to
        for n, entry in enumerate(stmt.findall("{*}Ntry"), start=1):
            result.lines.extend(_camt_entry(entry, _("Ntry n°%(n)s") % {"n": n}))
    _fill_period(result)
    return result


def _date_or_none(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw[:10]) if raw else None
    except ValueError:
        return None


def _camt_entry(entry, where: str) -> list[ParsedLine]:
    status = _text(entry, "{*}Sts/{*}Cd") or _text(entry, "{*}Sts")
    if status and status != "BOOK":
        return []  # pending or informational: not money yet
    amt = entry.find("{*}Amt")
    if amt is None:
        raise StatementError(
            _("%(where)s : champ %(field)s absent") % {"where": where, "field": "Amt"}
        )
    sign = -1 if _text(entry, "{*}CdtDbtInd") == "DBIT" else 1
    if _text(entry, "{*}RvslInd").lower() == "true":
        sign = -sign
    booking = _date(entry, "{*}BookgDt", where) or _date(entry, "{*}ValDt", where)
    if booking is None:
        raise StatementError(
            _("%(where)s : champ %(field)s absent") % {"where": where, "field": "BookgDt"}
        )
    common = dict(
        booking_date=booking,
        value_date=_date(entry, "{*}ValDt", where),
        currency=amt.get("Ccy", "EUR"),
    )
    entry_ref = _text(entry, "{*}AcctSvcrRef")  # NtryRef is only unique within one file
    details = entry.findall("{*}NtryDtls/{*}TxDtls")
    lines = []
    for i, tx in enumerate(details or [None], start=1):
        tx_amt = None
        if tx is not None and len(details) > 1:
            tx_amt = tx.find("{*}Amt")
            if tx_amt is None:
                tx_amt = tx.find("{*}AmtDtls/{*}TxAmt/{*}Amt")
        amount = sign * _decimal((tx_amt if tx_amt is not None else amt).text or "", where)
        name, account = _camt_party(tx) if tx is not None else ("", "")
        ustrd = (
            [(u.text or "").strip() for u in tx.findall("{*}RmtInf/{*}Ustrd")]
            if tx is not None
            else []
        )
        extra = _text(entry, "{*}AddtlNtryInf")
        tx_ref = _text(tx, "{*}Refs/{*}AcctSvcrRef") if tx is not None else ""
        bank_ref = tx_ref or (f"{entry_ref}/{i}" if entry_ref and len(details) > 1 else entry_ref)
        lines.append(
            ParsedLine(
                amount=amount,
                counterparty=name,
                counterparty_account=account,
                remittance=" ".join([*ustrd, extra] if extra not in ustrd else ustrd).strip(),
                reference=_text(tx, "{*}RmtInf/{*}Strd/{*}CdtrRefInf/{*}Ref"),
                bank_reference=bank_ref,
                **common,
            )
        )
    return lines


def _fill_period(statement: ParsedStatement) -> None:
    dates = [line.booking_date for line in statement.lines]
    if dates:
        statement.date_from = statement.date_from or min(dates)
        statement.date_to = statement.date_to or max(dates)


# --- OFX --------------------------------------------------------------------------------


def parse_ofx(data: bytes) -> ParsedStatement:
    from ofxtools.Parser import OFXTree

    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
        ofx = tree.convert()
    except Exception as exc:  # ofxtools raises several kinds; all mean "not readable"
        raise StatementError(_("OFX illisible : %(error)s") % {"error": exc}) from exc
    statements = list(getattr(ofx, "statements", []) or [])
    if not statements:
        raise StatementError(_("aucun relevé (STMTRS) dans le fichier OFX"))
    stmt = statements[0]
    result = ParsedStatement(
        format="ofx",
        account=str(getattr(stmt.account, "acctid", "")),
        currency=str(stmt.curdef),
    )
    tranlist = stmt.banktranlist
    if tranlist is not None:
        result.date_from = _as_date(tranlist.dtstart)
        result.date_to = _as_date(tranlist.dtend)
    for tx in stmt.transactions or []:  # no BANKTRANLIST: a statement without lines
        result.lines.append(
            ParsedLine(
                booking_date=_as_date(tx.dtposted),
                value_date=_as_date(tx.dtavail) if tx.dtavail else None,
                amount=Decimal(tx.trnamt),
                currency=str(getattr(tx, "currency", None) or stmt.curdef),
                counterparty=(tx.name or getattr(tx.payee, "name", "") or "").strip(),
                remittance=" ".join(p for p in [tx.memo or "", tx.refnum or ""] if p).strip(),
                bank_reference=tx.fitid,
            )
        )
    _fill_period(result)
    return result


def _as_date(value) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


# --- MT940 ------------------------------------------------------------------------------

_MT940_NAME = re.compile(r"/NAME/([^/]+)|\?3[23]([^?]+)")
_MT940_REMI = re.compile(r"/REMI/(.*?)(?:/[A-Z]{2,4}/|$)")


def _mt940_details(text: str) -> tuple[str, str]:
    """The :86: field: counterparty name (SWIFT-style /NAME/ or German ?32/?33) and the
    remittance text (/REMI/ when present, else the whole field without sub-field markers)."""
    text = " ".join((text or "").split())
    names = [a or b for a, b in _MT940_NAME.findall(text)]
    remi = _MT940_REMI.search(text)
    readable = remi.group(1) if remi else re.sub(r"\?\d{2}", " ", text)
    return " ".join(n.strip() for n in names).strip(), " ".join(readable.split())


def parse_mt940(data: bytes) -> ParsedStatement:
    import mt940

    try:
        transactions = mt940.models.Transactions()
        transactions.parse(data.decode("utf-8", errors="replace"))
    except Exception as exc:  # the library raises bare exceptions on malformed tags
        raise StatementError(_("MT940 illisible : %(error)s") % {"error": exc}) from exc
    account = str(transactions.data.get("account_identification", "")).strip()
    if not account:
        raise StatementError(_("champ :25: (compte) absent"))
    result = ParsedStatement(
        format="mt940",
        account=account,
        currency=transactions.currency or "EUR",
        reference=str(transactions.data.get("transaction_reference", "")),
    )
    for n, tx in enumerate(transactions, start=1):
        d = tx.data
        if "amount" not in d or "date" not in d:
            raise StatementError(_(":61: n°%(n)s : montant ou date absent") % {"n": n})
        name, text = _mt940_details(d.get("transaction_details", ""))
        result.lines.append(
            ParsedLine(
                booking_date=date(d["date"].year, d["date"].month, d["date"].day),
                amount=Decimal(d["amount"].amount),  # signed by the library (D = negative)
                currency=d["amount"].currency or result.currency,
                counterparty=name,
                remittance=text,
                # MT940 bank references ("NONREF") are not unique: the fingerprint hashes.
            )
        )
    _fill_period(result)
    return result
