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

# Dolibarr, Facturation > Exports > « Factures clients et lignes de facture » (dataset
# facture_1), invoice fields only (one row per invoice). Columns: export_fields_array of
# Dolibarr/dolibarr htdocs/core/modules/modFacture.class.php (s.nom CompanyName,
# s.code_client CustomerCode, f.ref InvoiceRef, f.type Type, f.datef DateInvoice,
# f.date_lim_reglement DateDue, f.total_ttc TotalTTC, none.rest Rest = getRemainToPay,
# f.paye InvoicePaid, f.fk_statut InvoiceStatus); headers are those keys translated by
# htdocs/langs/fr_FR/{companies,bills,main}.lang (« Raison sociale », « Code client »,
# « Réf. facture », « Date facturation », « Date échéance », « Total TTC », « Créance »,
# « Facture payée », « Statut facture »). export_csv.modules.php writes the raw values
# (ISO-8859-1, a separator after every cell): Type 0 standard, 1 replacement, 2 credit note
# (negative totals), 3 deposit; Statut 0 draft, 1 validated, 2 closed/paid, 3 abandoned;
# amounts as stored (1250.00000000), dates as stored (2024-03-01).
# Dolibarr's export keys (export_fields_array) → our fields; the header of each column is
# the key translated in the user's language, so one table serves both label sets below.
_DOLIBARR_FIELDS = {
    "CompanyName": "customer.name",
    "CustomerCode": "customer.code",
    "InvoiceRef": "number",
    "RefCustomer": "",
    "Type": "kind",
    "DateInvoice": "issue_date",
    "DateDue": "due_date",
    "InvoiceDateCreation": "",
    "TotalHT": "",
    "TotalTTC": "amount",
    "TotalVAT": "",
    "Rest": BALANCE,
    "InvoicePaid": "",  # told by the remainder (Rest), to the cent
    "InvoiceStatus": "state",
    "InvoiceId": "",
    "NotePrivate": "",
    "NotePublic": "",
}
_DOLIBARR_VALUES = {
    "state": {"0": "draft", "1": "open", "2": "paid", "3": "cancelled"},
    "kind": {"0": "invoice", "1": "invoice", "2": "credit_note", "3": "invoice"},
}


def _dolibarr(
    name: str, label: str, source: str, labels: dict[str, str], also: dict[str, str] | None = None
) -> Preset:
    columns = {labels[key]: field for key, field in _DOLIBARR_FIELDS.items()} | (also or {})
    required = tuple(labels[k] for k in ("InvoiceRef", "DateInvoice", "TotalTTC", "InvoiceStatus"))
    return Preset(
        name=name,
        label=label,
        source=source,
        kind=INVOICES,
        columns=columns,
        required=required,
        values=_DOLIBARR_VALUES,
        date_order="dmy",
        decimal=".",
    )


DOLIBARR = _dolibarr(
    "dolibarr",
    "Dolibarr (export des factures clients)",
    "Dolibarr/dolibarr htdocs/core/modules/modFacture.class.php + langs/fr_FR",
    {
        "CompanyName": "Raison sociale",
        "CustomerCode": "Code client",
        "InvoiceRef": "Réf. facture",
        "RefCustomer": "Réf. client",
        "Type": "Type",
        "DateInvoice": "Date facturation",
        "DateDue": "Date échéance",
        "InvoiceDateCreation": "Date création facture",
        "TotalHT": "Total HT",
        "TotalTTC": "Total TTC",
        "TotalVAT": "Total TVA",
        "Rest": "Créance",
        "InvoicePaid": "Facture payée",
        "InvoiceStatus": "Statut facture",
        "InvoiceId": "Id facture",
        "NotePrivate": "Note (privée)",
        "NotePublic": "Note (publique)",
    },
    also={"Ref. facture": "number"},  # older translations
)

# The same export by a user whose Dolibarr speaks English: the keys above translated by
# Dolibarr/dolibarr htdocs/langs/en_US/companies.lang (CompanyName "Company name",
# CustomerCode "Customer Code"), bills.lang (InvoiceRef "Invoice ref.", DateInvoice
# "Invoice date", InvoiceDateCreation "Invoice creation date", InvoicePaid "Invoice paid",
# InvoiceStatus "Invoice status", InvoiceId "Invoice id", Rest "Pending") and main.lang
# (Type, DateDue "Due date", TotalHT "Total (net of tax)", TotalTTC "Total (inc. tax)",
# TotalVAT "Total tax", RefCustomer "Ref. customer", NotePrivate "Note (private)",
# NotePublic "Note (public)"). The values are the same raw codes as in French.
DOLIBARR_EN = _dolibarr(
    "dolibarr-en",
    "Dolibarr (customer invoices export, English labels)",
    "Dolibarr/dolibarr htdocs/core/modules/modFacture.class.php + langs/en_US",
    {
        "CompanyName": "Company name",
        "CustomerCode": "Customer Code",
        "InvoiceRef": "Invoice ref.",
        "RefCustomer": "Ref. customer",
        "Type": "Type",
        "DateInvoice": "Invoice date",
        "DateDue": "Due date",
        "InvoiceDateCreation": "Invoice creation date",
        "TotalHT": "Total (net of tax)",
        "TotalTTC": "Total (inc. tax)",
        "TotalVAT": "Total tax",
        "Rest": "Pending",
        "InvoicePaid": "Invoice paid",
        "InvoiceStatus": "Invoice status",
        "InvoiceId": "Invoice id",
        "NotePrivate": "Note (private)",
        "NotePublic": "Note (public)",
    },
)

# Xero, Business > Invoices > Export (CSV): the columns of Xero's sales-invoice import
# template, one row per invoice line (the invoice's columns repeated on each line), as
# listed by an integrator writing that file: docs.milientsoftware.com « File export -
# accounting system > Xero » (ContactName … InvoiceNumber, Reference, InvoiceDate,
# DueDate, PlannedDate, Total, TaxTotal, InvoiceAmountPaid, InvoiceAmountDue, line
# columns …, Currency, Type "Sales Invoice", Sent, Status "Awaiting Payment"). The other
# status words are the labels of the Xero API statuses (developer.xero.com Invoices:
# DRAFT, SUBMITTED, AUTHORISED, PAID, VOIDED); a word not listed goes to the mapping step.
XERO = Preset(
    name="xero",
    label="Xero (export des factures de vente)",
    source="Xero sales-invoice CSV columns (docs.milientsoftware.com, Xero template)",
    kind=INVOICES,
    columns={
        "ContactName": "customer.name",
        "EmailAddress": "customer.emails",
        "POAddressLine1": "customer.address",
        "POCity": "customer.city",
        "POPostalCode": "customer.postal_code",
        "POCountry": "customer.country",
        **{
            h: ""
            for h in [
                "POAddressLine2",
                "POAddressLine3",
                "POAddressLine4",
                "PORegion",
                "SAAddressLine1",
                "SAAddressLine2",
                "SAAddressLine3",
                "SAAddressLine4",
                "SACity",
                "SARegion",
                "SAPostalCode",
                "SACountry",
                "Reference",
                "PlannedDate",
                "TaxTotal",
                "InventoryItemCode",
                "Description",
                "Quantity",
                "UnitAmount",
                "Discount",
                "LineAmount",
                "AccountCode",
                "TaxType",
                "TaxAmount",
                "TrackingName1",
                "TrackingOption1",
                "TrackingName2",
                "TrackingOption2",
                "Sent",
            ]
        },
        "InvoiceNumber": "number",
        "InvoiceDate": "issue_date",
        "DueDate": "due_date",
        "Total": "amount",
        "InvoiceAmountPaid": "paid",
        "InvoiceAmountDue": "",  # = Total - InvoiceAmountPaid
        "Currency": "currency",
        "Type": "kind",
        "Status": "state",
    },
    required=("ContactName", "InvoiceNumber", "InvoiceDate", "InvoiceAmountDue"),
    values={
        "state": {
            "Draft": "draft",
            "Awaiting Approval": "draft",
            "Awaiting Payment": "open",
            "Paid": "paid",
            "Voided": "cancelled",
        },
        "kind": {"Sales Invoice": "invoice"},
    },
    date_order="",  # UK (DD/MM/YYYY) or US files: from the dates, asked when ambiguous
    decimal=".",
)

# Not written (columns not confirmed from a vendor's public description in the time):
# Pennylane, Sage 100 / 50, EBP, QuickBooks Online. Their files go through the mapping
# step once, and the mapping is remembered.
PRESETS: dict[str, Preset] = {p.name: p for p in [ODOO_EN, ODOO_FR, DOLIBARR, DOLIBARR_EN, XERO]}


def preset_for(headers: list[str]) -> Preset | None:
    """The built-in preset whose headers the file has (the most specific one first)."""
    names = {norm(h) for h in headers}
    found = [p for p in PRESETS.values() if p.matches(names)]
    return max(found, key=lambda p: len(p.required), default=None)


def preset_headers() -> set[str]:
    """Every header a preset knows (to find a header row under title lines)."""
    return {norm(h) for p in PRESETS.values() for h in p.columns}
