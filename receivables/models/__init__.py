from .company import Company, Membership, Role
from .customer import Customer, PaymentMethod
from .document import (
    INVOICE_LIKE,
    Document,
    DocumentKind,
    DocumentState,
    Invoice,
    LifecycleStatus,
    OperationCategory,
    Quote,
    StopReason,
    balance_of,
    percent_paid_of,
)
from .import_mapping import ImportMapping
from .lifecycle import LifecycleEvent
from .lines import Charge, DocumentLine, NumberSequence, VatCategory
from .payment import Allocation, Payment
from .sort_keys import DocumentSortKey
from .totals import DocumentTotal

__all__ = [
    "Allocation",
    "Charge",
    "DocumentLine",
    "INVOICE_LIKE",
    "NumberSequence",
    "OperationCategory",
    "VatCategory",
    "Company",
    "Customer",
    "Document",
    "DocumentKind",
    "DocumentSortKey",
    "DocumentState",
    "DocumentTotal",
    "ImportMapping",
    "Invoice",
    "LifecycleEvent",
    "LifecycleStatus",
    "Membership",
    "Payment",
    "PaymentMethod",
    "Quote",
    "Role",
    "StopReason",
    "balance_of",
    "percent_paid_of",
]
