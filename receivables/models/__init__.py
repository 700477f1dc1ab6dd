from .company import Company, Membership, Role
from .customer import Customer, PaymentMethod
from .document import (
    Document,
    DocumentKind,
    DocumentState,
    Invoice,
    LifecycleStatus,
    Quote,
    StopReason,
    balance_of,
)
from .import_mapping import ImportMapping
from .lifecycle import LifecycleEvent
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
    "LifecycleEvent",
    "LifecycleStatus",
    "Membership",
    "Payment",
    "PaymentMethod",
    "Quote",
    "Role",
    "StopReason",
    "balance_of",
]
