"""The outbox index in the claim's order (state, next_attempt_at, id): a claim reads
its chunk off the index instead of sorting every queued row of the batch."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dunning', '0007_h20_plan_parts'),
        ('receivables', '0015_h22w_document_sort_keys'),
        ('reminders', '0007_reminder_words_out_of_line'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='reminder',
            index=models.Index(fields=['state', 'next_attempt_at', 'id'], name='reminder_outbox_order'),
        ),
        migrations.RemoveIndex(
            model_name='reminder',
            name='reminder_outbox',
        ),
    ]
