"""Bank statements written by the tests, one writer per format, from the same movements.

A movement: dict(date=date, amount=Decimal (negative = debit), name=str, text=str,
rf=str (structured reference), ref=str (bank's id)).
"""

from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

IBAN = "FR7630006000011234567890189"


def mv(amount, name="", text="", rf="", ref="", on=date(2026, 2, 5)) -> dict:
    return dict(date=on, amount=Decimal(amount), name=name, text=text, rf=rf, ref=ref)


def camt053(movements, account=IBAN, version="02", stmt_id="STMT-2026-02") -> bytes:
    entries = []
    for n, m in enumerate(movements, start=1):
        debtor = (
            f"<Dbtr><Nm>{escape(m['name'])}</Nm></Dbtr>"
            if version == "02"
            else f"<Dbtr><Pty><Nm>{escape(m['name'])}</Nm></Pty></Dbtr>"
        )
        rmt = f"<Ustrd>{escape(m['text'])}</Ustrd>" if m["text"] else ""
        if m["rf"]:
            rmt += (
                "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
                f"<Ref>{m['rf']}</Ref></CdtrRefInf></Strd>"
            )
        ref = f"<AcctSvcrRef>{m['ref']}</AcctSvcrRef>" if m["ref"] else ""
        entries.append(
            f"""<Ntry><NtryRef>{n}</NtryRef><Amt Ccy="EUR">{abs(m["amount"]):.2f}</Amt>
<CdtDbtInd>{"CRDT" if m["amount"] > 0 else "DBIT"}</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>{m["date"]:%Y-%m-%d}</Dt></BookgDt><ValDt><Dt>{m["date"]:%Y-%m-%d}</Dt></ValDt>{ref}
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
<RltdPties>{debtor}<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf>{rmt}</RmtInf></TxDtls></NtryDtls></Ntry>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}">
<BkToCstmrStmt><GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-02-10T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>{stmt_id}</Id><CreDtTm>2026-02-10T08:00:00</CreDtTm>
<FrToDt><FrDtTm>2026-02-01T00:00:00</FrDtTm><ToDtTm>2026-02-10T23:59:59</ToDtTm></FrToDt>
<Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-02-01</Dt></Dt></Bal>
{"".join(entries)}
</Stmt></BkToCstmrStmt></Document>
""".encode()


def ofx(movements, account="12345678901") -> bytes:
    rows = []
    for n, m in enumerate(movements, start=1):
        memo = " ".join(p for p in [m["rf"], m["text"]] if p)
        rows.append(
            f"<STMTTRN><TRNTYPE>{'CREDIT' if m['amount'] > 0 else 'DEBIT'}"
            f"<DTPOSTED>{m['date']:%Y%m%d}<TRNAMT>{m['amount']:.2f}"
            f"<FITID>{m['ref'] or f'FIT{n:04d}'}<NAME>{escape(m['name'][:32])}"
            + (f"<MEMO>{escape(memo)}" if memo else "")
            + "</STMTTRN>"
        )
    return (
        "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:USASCII\r\n"
        "CHARSET:1252\r\nCOMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n"
        "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        "<DTSERVER>20260210120000<LANGUAGE>FRA</SONRS></SIGNONMSGSRSV1>"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        "<STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>30006<BRANCHID>00001"
        f"<ACCTID>{account}<ACCTTYPE>CHECKING</BANKACCTFROM>"
        "<BANKTRANLIST><DTSTART>20260201<DTEND>20260210"
        + "".join(rows)
        + "</BANKTRANLIST><LEDGERBAL><BALAMT>1000.00<DTASOF>20260210</LEDGERBAL>"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\r\n"
    ).encode("ascii", errors="replace")


def mt940(movements, account=IBAN) -> bytes:
    lines = [":20:STMT20260210", f":25:{account}", ":28C:00001/001", ":60F:C260201EUR1000,00"]
    total = Decimal("1000.00")
    for m in movements:
        mark = "C" if m["amount"] > 0 else "D"
        amount = f"{abs(m['amount']):.2f}".replace(".", ",")
        lines.append(f":61:{m['date']:%y%m%d%m%d}{mark}{amount}NTRFNONREF//{m['ref'] or 'B'}")
        details = []
        if m["name"]:
            details.append(f"/NAME/{m['name']}")
        if m["rf"] or m["text"]:
            details.append(f"/REMI/{' '.join(p for p in [m['rf'], m['text']] if p)}")
        lines.append(":86:" + "".join(details))
        total += m["amount"]
    lines.append(f":62F:C260210EUR{total:.2f}".replace(".", ","))
    return ("\r\n".join(lines) + "\r\n-\r\n").encode()


WRITERS = {"camt053": camt053, "ofx": ofx, "mt940": mt940}
