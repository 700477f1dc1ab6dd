from django.db import models


class DocumentTotal(models.Model):
    """Counts and sums of documents by what the worklist filters on (issue 22): the
    worklist's total row at a million documents reads a few hundred of these rows
    instead of adding up the documents.

    Rows are deltas: database triggers add one per documents inserted, deleted or
    changed in one of these columns (receivables migration 0012), never updating a row,
    so two writers never wait for each other here; `receivables.running_totals.fold` replaces a
    company's rows by their sums. The daily scan counts its own changes in one statement
    (dunning.scan). A total is the sum of the rows that match."""

    company_id = models.IntegerField()  # no foreign key: rows of a deleted company are inert
    kind = models.CharField(max_length=12)
    state = models.CharField(max_length=12)
    to_remind = models.BooleanField()
    direct_debit = models.BooleanField()
    currency = models.CharField(max_length=3)
    due_date = models.DateField()
    count = models.IntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    paid = models.DecimalField(max_digits=18, decimal_places=2)
    folded = models.BooleanField(db_default=False)  # a sum written by fold, not a delta

    class Meta:
        indexes = [
            models.Index(
                fields=["company_id", "kind", "state", "to_remind", "due_date"],
                name="document_total_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.state} {self.due_date}: {self.count}"
