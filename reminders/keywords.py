"""%KEYWORD% substitution in reminder templates: substituted, never evaluated.

User text is never given to a template engine: a keyword is replaced by its value and
nothing else happens. In HTML bodies every value is escaped; in a subject every value
is flattened to one line so nothing can add or forge a header. Pure: no database.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from html import escape

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, get_currency_precision
from django.utils.translation import gettext_lazy as _

from dunning.reckoning import Reckoning

_rate = lru_cache(maxsize=1024)(format_decimal)  # the same few rates: babel parses each time
KEYWORDS: dict[str, str] = {
    "NB_RAPPELS": _("Nombre de rappels déjà envoyés pour la pièce (la plus en retard)"),
    "DT_DERNIER_RAPPEL": _("Date du dernier rappel envoyé (vide si aucun)"),
    "CLIENT": _("Nom du client"),
    "CONTACT": _("Contact chez le client (nom, prénom)"),
    "NUMERO": _("Numéro(s) des pièces relancées"),
    "DATE": _("Date de la pièce la plus en retard"),
    "ECHEANCE": _("Échéance de la pièce la plus en retard"),
    "RETARD": _("Jours de retard de la pièce la plus en retard"),
    "MONTANT": _("Montant TTC des pièces relancées"),
    "REGLE": _("Montant déjà réglé sur ces pièces"),
    "SOLDE": _("Solde restant dû sur ces pièces"),
    "SOCIETE": _("Nom de votre société"),
    "IBAN": _("IBAN de votre société"),
    "BIC": _("BIC de votre société"),
    "RIB": _("Vos coordonnées bancaires : IBAN, et BIC s'il est connu"),
    "INDEMNITE": _("Indemnité forfaitaire pour frais de recouvrement (40 € par facture, B2B)"),
    "INTERETS": _("Intérêts de retard à ce jour"),
    "TOTAL_DU": _(
        "Total réclamé : solde + intérêts + indemnité au niveau qui les réclame, sinon le "
        "solde (le QR code demande ce montant)"
    ),
    "DECOMPTE": _(
        "Décompte ligne à ligne : solde de chaque pièce, intérêts (taux, période, jours), "
        "indemnité, total réclamé"
    ),
    "AUJOURDHUI": _("Date du jour"),
    "LISTE_PIECES": _(
        "Tableau des pièces relancées (son total est %SOLDE%), suivi des autres pièces "
        "échues du client"
    ),
    "LIEN_PORTAIL": _("Lien personnel du client vers son espace (QR code sur un courrier)"),
}

KEYWORD_RE = re.compile(r"%([A-Z][A-Z0-9_]*)%")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
LABELS = {
    "fr": {
        "number": "N°",
        "date": "Date",
        "due": "Échéance",
        "late": "Retard (j)",
        "amount": "Montant",
        "paid": "Réglé",
        "balance": "Solde",
        "total": "Total",
        "others": "Autres pièces échues",
        "line": "{number} du {date}, échéance {due} ({late} j de retard) : solde {balance}",
    },
    "en": {
        "number": "No.",
        "date": "Date",
        "due": "Due date",
        "late": "Days late",
        "amount": "Amount",
        "paid": "Paid",
        "balance": "Balance",
        "total": "Total",
        "others": "Other overdue documents",
        "line": "{number} of {date}, due {due} ({late} days late): balance {balance}",
    },
}


def unknown_keywords(text: str) -> list[str]:
    """The %WORDS% of `text` that are not keywords, in order of appearance."""
    seen: list[str] = []
    for name in KEYWORD_RE.findall(text or ""):
        if name not in KEYWORDS and name not in seen:
            seen.append(name)
    return seen


@dataclass(frozen=True)
class Block:
    """A value with a text and an (already escaped) HTML form, e.g. the documents table."""

    text: str
    html: str


def substitute(
    text: str, values: Mapping[str, "str | Block"], *, html: bool = False, one_line: bool = False
) -> str:
    """Replace each known %KEYWORD% by its value; unknown ones are left as written."""

    def value_of(match: re.Match) -> str:
        value = values.get(match.group(1))
        if value is None:
            return match.group(0)
        if isinstance(value, Block):
            out = value.html if html else value.text
        else:
            out = escape(value) if html else value
        return _CONTROL_RE.sub(" ", out) if one_line else out

    result = KEYWORD_RE.sub(value_of, text or "")
    return _CONTROL_RE.sub(" ", result).strip() if one_line else result


# -- values --------------------------------------------------------------------------


@dataclass(frozen=True)
class DocLine:
    number: str
    issue_date: date
    due_date: date
    amount: Decimal
    paid: Decimal
    currency: str = "EUR"
    reminder_count: int = 0
    last_reminder_date: date | None = None

    @property
    def balance(self) -> Decimal:
        return self.amount - self.paid


@dataclass(frozen=True)
class KeywordContext:
    """Everything a message needs, gathered by the caller; `documents` are the reminded
    ones (most overdue first), `overdue` every overdue document of the customer."""

    language: str
    as_of: date
    customer: str
    contact: str
    company: str
    iban: str
    bic: str
    documents: list[DocLine]
    overdue: list[DocLine] = field(default_factory=list)
    reckoning: Reckoning | None = None  # dunning.reckoning: the amounts the message states
    currency: str = "EUR"


@lru_cache(maxsize=4096)  # a batch formats the same dates and sums again and again
def fmt_date(value: date | None, language: str) -> str:
    """A long date; French writes the first of the month « 1er » (1er décembre 2026)."""
    if not value:
        return ""
    text = format_date(value, format="long", locale=LOCALES.get(language, "fr_FR"))
    if value.day == 1 and language == "fr" and text.startswith("1 "):
        text = "1er" + text[1:]
    return text


@lru_cache(maxsize=16384)
def fmt_money(value: Decimal, currency: str, language: str) -> str:
    return money_format(currency, language)(value)


_PROBE = re.compile(r"^(\D*)1(\D+)234(?:\2)567(\D+)89(\D*)$")  # babel's 1234567.89, split up
_CHECKS = ["0", "-0.00", "0.005", "0.015", "0.5", "7", "999.995", "1000", "-1234.5", "1e9"]
_CENT = Decimal("0.01")


@lru_cache(maxsize=64)
def money_format(currency: str, language: str) -> Callable[[Decimal], str]:
    """babel's format_currency for this currency and language, or as fast a copy of it:
    babel parses and applies its number pattern on each call (~40 µs, the most costly
    part of a message's words when amounts differ); the copy learns the symbol, the
    separators and their places from babel once (two decimals, groups of three), and is
    used only if it writes a few telling amounts exactly as babel does."""
    locale = LOCALES.get(language, "fr_FR")

    def by_babel(value: Decimal) -> str:
        return format_currency(value, currency, locale=locale)

    plus = _PROBE.match(by_babel(Decimal("1234567.89")))
    minus = _PROBE.match(by_babel(Decimal("-1234567.89")))
    if get_currency_precision(currency) != 2 or not plus or not minus:
        return by_babel
    separators = str.maketrans({",": plus[2], ".": plus[3]})
    forms = {False: (plus[1], plus[4]), True: (minus[1], minus[4])}

    def copy(value: Decimal) -> str:
        if type(value) is not Decimal:
            return by_babel(value)
        cents = value.quantize(_CENT)  # the context's rounding, as babel (half even)
        prefix, suffix = forms[cents.is_signed()]
        return prefix + f"{abs(cents):,.2f}".translate(separators) + suffix

    same = all(copy(Decimal(v)) == by_babel(Decimal(v)) for v in _CHECKS)
    return copy if same else by_babel


def _format_iban(iban: str) -> str:
    compact = iban.replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


# Inline styles: mail clients drop <style> blocks. A printed letter has its own style
# sheet (channels/letter), and each style attribute costs WeasyPrint a parse per cell.
_TD = "padding:2px 8px;border-bottom:1px solid #ccc;"
_RIGHT = "text-align:right;white-space:nowrap;"
_NUMERIC = {"late", "amount", "paid", "balance"}
_COLUMNS = ("number", "date", "due", "late", "amount", "paid", "balance")


def documents_block(
    lines: list[DocLine], language: str, as_of: date, currency: str, *, inline_styles: bool = True
) -> Block:
    labels = LABELS.get(language, LABELS["fr"])

    def money(v: Decimal) -> str:
        return fmt_money(v, currency, language)

    def style(css: str) -> str:
        return f' style="{css}"' if inline_styles else ""

    text_lines, rows = [], []
    for d in lines:
        cells = {
            "number": d.number,
            "date": fmt_date(d.issue_date, language),
            "due": fmt_date(d.due_date, language),
            "late": str((as_of - d.due_date).days),
            "amount": money(d.amount),
            "paid": money(d.paid),
            "balance": money(d.balance),
        }
        text_lines.append("- " + labels["line"].format(**cells))
        rows.append(
            "<tr>"
            + "".join(
                f'<td class="{k}"{style(_TD + (_RIGHT if k in _NUMERIC else ""))}>'
                f"{escape(cells[k])}</td>"
                for k in _COLUMNS
            )
            + "</tr>"
        )
    total = money(sum((d.balance for d in lines), Decimal("0")))
    text_lines.append(f"{labels['total']} : {total}" if language == "fr" else f"Total: {total}")
    head = "".join(
        f'<th class="{k}"{style(_TD + "text-align:left")}>{escape(labels[k])}</th>'
        for k in _COLUMNS
    )
    html = (
        f'<table class="documents"{style("border-collapse:collapse")}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><td colspan="6">{escape(labels["total"])}</td>'
        f'<td class="balance"{style(_RIGHT + "font-weight:bold")}>{escape(total)}</td>'
        "</tr></tfoot></table>"
    )
    return Block("\n".join(text_lines), html)


def build_values(ctx: KeywordContext, *, inline_styles: bool = True) -> dict[str, "str | Block"]:
    """Every keyword's value for one message, formatted for the customer's language
    (`inline_styles` False: HTML blocks for a page that brings its own style sheet)."""
    lang, cur = ctx.language, ctx.currency
    main = ctx.documents[0] if ctx.documents else None
    amount = sum((d.amount for d in ctx.documents), Decimal("0"))
    paid = sum((d.paid for d in ctx.documents), Decimal("0"))
    sums = ctx.reckoning
    balance = sums.balance if sums else amount - paid
    return {
        "NB_RAPPELS": str(main.reminder_count if main else 0),
        "DT_DERNIER_RAPPEL": fmt_date(main.last_reminder_date if main else None, lang),
        "CLIENT": ctx.customer,
        "CONTACT": ctx.contact or ctx.customer,
        "NUMERO": ", ".join(d.number for d in ctx.documents),
        "DATE": fmt_date(main.issue_date if main else None, lang),
        "ECHEANCE": fmt_date(main.due_date if main else None, lang),
        "RETARD": str(max((ctx.as_of - main.due_date).days, 0)) if main else "0",
        "MONTANT": fmt_money(amount, cur, lang),
        "REGLE": fmt_money(paid, cur, lang),
        "SOLDE": fmt_money(balance, cur, lang),
        "SOCIETE": ctx.company,
        "IBAN": _format_iban(ctx.iban),
        "BIC": ctx.bic,
        "RIB": _bank_details(ctx.iban, ctx.bic),
        "INDEMNITE": fmt_money(sums.indemnity if sums else Decimal("0"), cur, lang),
        "INTERETS": fmt_money(sums.interest if sums else Decimal("0"), cur, lang),
        "TOTAL_DU": fmt_money(sums.total if sums else balance, cur, lang),
        "DECOMPTE": breakdown(sums, lang, inline_styles=inline_styles) if sums else Block("", ""),
        "AUJOURDHUI": fmt_date(ctx.as_of, lang),
        "LISTE_PIECES": documents_and_others(ctx, inline_styles=inline_styles),
        "LIEN_PORTAIL": Block("", ""),  # the renderer's, when the words use it (links.py)
    }


def _bank_details(iban: str, bic: str) -> str:
    if not iban:
        return ""
    return f"IBAN {_format_iban(iban)}" + (f", BIC {bic}" if bic else "")


def documents_and_others(ctx: KeywordContext, *, inline_styles: bool = True) -> Block:
    """The reminded documents (their total is %SOLDE%), then the customer's other overdue
    documents under their own heading: what to pay now is never mixed with the rest."""
    lang, cur = ctx.language, ctx.currency
    block = documents_block(ctx.documents, lang, ctx.as_of, cur, inline_styles=inline_styles)
    reminded = {d.number for d in ctx.documents}
    others = [d for d in ctx.overdue if d.number not in reminded]
    if not others:
        return block
    title = LABELS.get(lang, LABELS["fr"])["others"]
    rest = documents_block(others, lang, ctx.as_of, cur, inline_styles=inline_styles)
    sep = " :" if lang == "fr" else ":"
    html = f'{block.html}<p class="others">{escape(title)}</p>{rest.html}'
    return Block(f"{block.text}\n\n{title}{sep}\n{rest.text}", html)


BREAKDOWN = {
    "fr": {
        "title": "Décompte au {date}",
        "balance": "Solde de {number} (échéance {due})",
        "interest": "Intérêts de retard, {days} j à {rate} % du {start} au {end}",
        "indemnity": "Indemnité forfaitaire pour frais de recouvrement",
        "foreign": "(indemnité de {amount} non ajoutée : autre devise)",
        "total": "Total réclamé",
        "basis": "Base : {name}{ref}",
        "colon": " : ",
    },
    "en": {
        "title": "Statement as of {date}",
        "balance": "Balance of {number} (due {due})",
        "interest": "Late-payment interest, {days} days at {rate}% from {start} to {end}",
        "indemnity": "Fixed sum for recovery costs",
        "foreign": "(fixed sum of {amount} not added: another currency)",
        "total": "Total claimed",
        "basis": "Basis: {name}{ref}",
        "colon": ": ",
    },
}


def breakdown(sums: Reckoning, language: str, *, inline_styles: bool = True) -> Block:
    """%DECOMPTE%: each document's balance, its interest period by period (dates, days,
    rate), its indemnity, then the total claimed, which the payment code asks for."""
    words, cur = BREAKDOWN.get(language, BREAKDOWN["fr"]), sums.currency
    rows: list[tuple[str, Decimal | None]] = []
    for line in sums.lines:
        due = fmt_date(line.due_date, language)
        rows.append((words["balance"].format(number=line.number, due=due), line.balance))
        for p in line.periods:
            rate = _rate(p.rate, format="0.00#", locale=LOCALES.get(language, "fr_FR"))
            start, end = fmt_date(p.start, language), fmt_date(p.end, language)
            label = words["interest"].format(start=start, end=end, days=p.days, rate=rate)
            rows.append((label, p.interest))
        if line.indemnity:
            rows.append((words["indemnity"], line.indemnity))
        if line.foreign_indemnity:
            rows.append((words["foreign"].format(amount=line.foreign_indemnity), None))
    rows.append((words["total"], sums.total))
    title = words["title"].format(date=fmt_date(sums.as_of, language))
    basis = ""
    if sums.basis:
        ref = f" ({sums.basis.reference})" if sums.basis.reference else ""
        basis = words["basis"].format(name=sums.basis.name, ref=ref)
    text = [title] + [
        f"- {label}{words['colon']}{fmt_money(v, cur, language)}" if v is not None else f"- {label}"
        for label, v in rows
    ]
    style = (lambda css: f' style="{css}"') if inline_styles else (lambda css: "")
    cells = []
    for i, (label, v) in enumerate(rows):
        label, money = escape(label), escape(fmt_money(v, cur, language)) if v is not None else ""
        if i == len(rows) - 1:  # the total
            label, money = f"<strong>{label}</strong>", f"<strong>{money}</strong>"
        cells.append(
            f'<tr><td{style(_TD)}>{label}</td><td class="amount"{style(_TD + _RIGHT)}>'
            f"{money}</td></tr>"
        )
    html = (
        f'<table class="reckoning"{style("border-collapse:collapse")}>'
        f"<caption{style('text-align:left;font-weight:bold')}>{escape(title)}</caption>"
        f"<tbody>{''.join(cells)}</tbody></table>"
    )
    if basis:
        text.append(basis)
        html += f'<p class="basis">{escape(basis)}</p>'
    return Block("\n".join(text), html)
