"""File imports: CSV/XLSX of customers, invoices, quotes, payments; Factur-X, CII, UBL.

from receivables.imports import import_file, ImportRejected
result = import_file(company, data, "factures.csv")   # all-or-nothing, idempotent
"""

from .errors import ImportRejected, ImportResult, RowError
from .service import import_file

__all__ = ["ImportRejected", "ImportResult", "RowError", "import_file"]
