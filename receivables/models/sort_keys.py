from django.db import models


class DocumentSortKey(models.Model):
    """A document's values in the worklist columns a send writes — Niveau (pending and
    last level), Rappels, Dernier rappel — in a narrow table with an index per sort, so
    that their first page at a million documents is read in index order (issue 22).

    On the document those columns have no index: a send or the scan writing one would
    then write every index of the row again (no HOT update; 271 → 189 e-mails/s). Here
    a change writes a small row and its four small indexes. Kept by database triggers on
    the document (receivables migration 0015) and, for its own changes, by the scan's
    UPDATE (dunning.scan), in the same transaction as the document. PostgreSQL only:
    SQLite sorts the documents themselves (the table stays empty there)."""

    document = models.OneToOneField(
        "receivables.Document",
        primary_key=True,
        on_delete=models.DO_NOTHING,  # the trigger deletes it with its document
        db_constraint=False,
        related_name="sort_key",
    )
    company_id = models.IntegerField()
    pending_level = models.SmallIntegerField(null=True)
    dunning_level = models.SmallIntegerField()
    reminder_count = models.IntegerField()
    last_reminder_date = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["company_id", "pending_level", "dunning_level", "document"],
                name="sort_key_by_level",
            ),
            models.Index(
                fields=["company_id", "reminder_count", "document"], name="sort_key_by_count"
            ),
            models.Index(
                fields=["company_id", "last_reminder_date", "document"], name="sort_key_by_last"
            ),
        ]

    def __str__(self) -> str:
        return f"document {self.document_id}"
