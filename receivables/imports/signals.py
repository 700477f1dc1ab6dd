"""Sent after a file was imported (not on a dry run): the project counts the rows for
its metrics (relance/ops/metrics.py) without this floor knowing about metrics."""

from django.dispatch import Signal

file_imported = Signal()  # kwargs: company, kind, rows
