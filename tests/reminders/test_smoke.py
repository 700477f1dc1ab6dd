from reminders.services import batch_summary, create_batch, preview_batch, send_outbox

from .conftest import AS_OF


def test_it_previews_and_sends_one_reminder(
    late_invoice, company, smtp_server, django_capture_on_commit_callbacks
):
    doc = late_invoice()
    preview = preview_batch(company, [doc], as_of=AS_OF)
    assert preview.counts["email"] == 1, preview.failures
    print(preview.messages[0].subject)
    print(preview.messages[0].body_text)
    batch = create_batch(company, [doc], as_of=AS_OF)
    stats = send_outbox(batch)
    assert stats.sent == 1
    print(smtp_server.received[0].raw.decode()[:3000])
    print(batch_summary(batch))
