"""Built-in mappings for the exports of the usual accounting tools.

Each preset is written from the vendor's public description of its export columns (the
source is named beside it); a file whose headers hold all of a preset's `required`
headers is read with it. A vendor whose columns could not be confirmed has no preset.
"""

from dataclasses import dataclass, field

from ..normalize import norm
from .columns import INVOICES
from .mapping import BALANCE, Mapping


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    source: str
    kind: str
    columns: dict[str, str]
    required: tuple[str, ...]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_order: str = ""  # "" = from the file's values
    decimal: str = ""

    def mapping(self) -> Mapping:
        return Mapping.from_json(
            {
                "kind": self.kind,
                "columns": self.columns,
                "values": self.values,
                "date_order": self.date_order,
                "decimal": self.decimal,
                "signed": True,
            },
            name=self.name,
        )

    def matches(self, names: set[str]) -> bool:
        return all(norm(h) in names for h in self.required)


# Odoo, Invoicing > Customers > Invoices, list exported with "Export" (field labels).
# Labels: the string= of account.move's fields, odoo/odoo addons/account/models/account_move.py
# (name "Number", partner_id "Partner", invoice_date "Invoice/Bill Date", invoice_date_due
# "Due Date", amount_total_signed "Total Signed", amount_residual "Amount Due",
# state "Status" Draft/Posted/Cancelled, payment_state "Payment Status" Not Paid/In Payment/
# Paid/Partially Paid/Reversed, move_type "Type" Customer Invoice/Customer Credit Note,
# preferred_payment_method_line_id "Preferred Payment Method Line"). "Total Signed" is
# negative for a credit note; "Amount Due" is unsigned, so paid = |total| - amount due.
ODOO_EN = Preset(
    name="odoo",
    label="Odoo (invoice list, English labels)",
    source="odoo/odoo addons/account/models/account_move.py (account.move field labels)",
    kind=INVOICES,
    columns={
        "Number": "number",
        "Partner": "customer.name",
        "Customer": "customer.name",
        "Invoice Partner Display Name": "customer.name",
        "Invoice/Bill Date": "issue_date",
        "Due Date": "due_date",
        "Total Signed": "amount",
        "Total": "",
        "Total in Currency Signed": "",
        "Untaxed Amount Signed": "",
        "Tax Signed": "",
        "Amount Due": BALANCE,
        "Amount Due Signed": "",
        "Currency": "currency",
        "Status": "state",
        "Payment Status": "",  # told by Amount Due, to the cent
        "Type": "kind",
        "Payment Method": "payment_method",
        "Preferred Payment Method Line": "payment_method",
        "Payment Reference": "",
        "Reference": "",
        "Salesperson": "",
        "Journal": "",
    },
    required=("Number", "Invoice/Bill Date", "Total Signed", "Amount Due"),
    values={
        "state": {"Draft": "draft", "Posted": "open", "Cancelled": "cancelled"},
        "kind": {"Customer Invoice": "invoice", "Customer Credit Note": "credit_note"},
        # account.payment.method names: "Manual" (account), "SEPA Direct Debit"
        # (account_sepa_direct_debit), "SEPA Credit Transfer" (account_sepa)
        "payment_method": {
            "Manual": "unspecified",
            "SEPA Direct Debit": "direct_debit",
            "SEPA Credit Transfer": "transfer",
        },
    },
    decimal=".",
)

# The same list exported by a user whose Odoo speaks French: the labels are the msgstr of
# the English ones in odoo/odoo addons/account/i18n/fr.po (Odoo 16: "Numéro",
# "Partenaire", "Date de facturation", "Date d'échéance", "Total signé", "Montant dû",
# "État du paiement", "Mode de paiement"; states "Brouillon", "Comptabilisé").
# "Statut" (the state's label) was not read there: it is one of our own French words.
ODOO_FR = Preset(
    name="odoo-fr",
    label="Odoo (liste des factures, libellés en français)",
    source="odoo/odoo addons/account/i18n/fr.po (French labels of account.move fields)",
    kind=INVOICES,
    columns={
        "Numéro": "number",
        "Partenaire": "customer.name",
        "Client": "customer.name",
        "Nom affiché du partenaire de la facture": "customer.name",
        "Date de facturation": "issue_date",
        "Date d'échéance": "due_date",
        "Total signé": "amount",
        "Total": "",
        "Total signé en devises": "",
        "Montant Hors-taxe Signé": "",
        "Montant dû": BALANCE,
        "Montant dû signé": "",
        "Devise": "currency",
        "Statut": "state",
        "État du paiement": "",
        "Type": "kind",
        "Mode de paiement": "payment_method",
        "Référence du paiement": "",
        "Référence": "",
        "Journal": "",
    },
    required=("Numéro", "Date de facturation", "Total signé", "Montant dû"),
    values={
        "state": {"Brouillon": "draft", "Comptabilisé": "open", "Annulé": "cancelled"},
        "payment_method": {"Manual": "unspecified", "Manuel": "unspecified"},
    },
)

PRESETS: dict[str, Preset] = {p.name: p for p in [ODOO_EN, ODOO_FR]}


def preset_for(headers: list[str]) -> Preset | None:
    """The built-in preset whose headers the file has (the most specific one first)."""
    names = {norm(h) for h in headers}
    found = [p for p in PRESETS.values() if p.matches(names)]
    return max(found, key=lambda p: len(p.required), default=None)


def preset_headers() -> set[str]:
    """Every header a preset knows (to find a header row under title lines)."""
    return {norm(h) for p in PRESETS.values() for h in p.columns}
