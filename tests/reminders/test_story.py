"""The seed's story: two late invoices, "Rel mail", a preview, two e-mails received
by a real SMTP server with their PDFs, the summary, then the worklist figures."""

from dunning.scan import scan
from receivables.models import Invoice
from relance.demo import load_demo
from reminders.batches import create_batch
from reminders.preview import preview_batch
from reminders.summary import batch_summary


def test_the_seed_invoices_are_mailed_once_and_the_worklist_shows_it(
    db, smtp_server, media, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    company = load_demo(company_today_of_paris())
    today = company.today()
    scan(company, today)
    invoices = list(Invoice.objects.for_company(company).order_by("number"))
    assert [i.number for i in invoices] == ["3", "5"]

    preview = preview_batch(company, invoices, channel="email")
    assert preview.counts["email"] == 2 and preview.failures == []
    assert {m.customer.name for m in preview.messages} == {"ANYWAY SARL", "LENTY Sarah"}
    assert all(m.attachments for m in preview.messages)

    with django_capture_on_commit_callbacks(execute=True):
        batch = create_batch(company, invoices, channel="email")

    assert len(smtp_server.received) == 2
    for received in smtp_server.received:
        pdfs = [
            p
            for p in received.message.iter_attachments()
            if p.get_content_type() == "application/pdf"
        ]
        assert len(pdfs) == 1 and pdfs[0].get_content().startswith(b"%PDF")
    summary = batch_summary(batch)
    assert summary.counts == {"email": {"sent": 2}} and summary.errors == []
    for invoice in invoices:
        invoice.refresh_from_db()
        assert (invoice.reminder_count, invoice.last_reminder_date) == (1, today)
        assert invoice.pending_level is None and not invoice.to_remind

    # a rerun of the task, or a second click, sends nothing twice
    from reminders.tasks import process_batch

    process_batch.call(batch.pk)
    assert len(smtp_server.received) == 2
    again = preview_batch(company, invoices, channel="email")
    assert again.messages == [] or all(m.level.rank > 1 for m in again.messages)


def company_today_of_paris():
    from receivables.models import Company

    return Company(timezone="Europe/Paris").today()
