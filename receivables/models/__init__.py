from .company import Company, Membership, Role
from .customer import Customer, PaymentMethod
from .document import (
    Document,
    DocumentKind,
    DocumentState,
    Invoice,
    Quote,
    StopReason,
    balance_of,
)
from .import_mapping import ImportMapping
from .payment import Allocation, Payment

__all__ = [
    "Allocation",
    "Company",
    "Customer",
    "Document",
    "DocumentKind",
    "DocumentState",
    "ImportMapping",
    "Invoice",
    "Membership",
    "Payment",
    "PaymentMethod",
    "Quote",
    "Role",
    "StopReason",
    "balance_of",
]
