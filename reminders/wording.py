"""E-mails are worded by the worker that sends them, just before they go.

Creating a batch only checks that each e-mail can be worded (recipient, template): a
batch of thousands is written in seconds and the workers share the wording, with the
figures of the day the message leaves. The words and the attached PDFs are committed
before the message is handed to the server, so what was sent stays on file as proof
(and a row put back in the queue after a crash goes out with the same words).
"""

from collections import defaultdict

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_noop

from receivables.models import Document

from . import attachments as files
from . import links
from . import outbox_sql as sql
from .models import Attachment, Reminder
from .rendering import Message, Renderer

NO_LEVEL = gettext_noop("Le niveau de relance de ce rappel n'existe plus.")


def word_claimed(
    rows: list[Reminder], renderers: dict | None = None, keep=None
) -> dict[int, list[Attachment]]:
    """Word claimed rows (`outbox_links` loaded) and attach their PDFs, in one commit.
    Sets each row's words, or its `wording_error` (it then fails). `renderers`: the
    worker's run keeps one per company and day (templates, policies and rates read once
    per run, not once per chunk); `keep`: see `attachments.attach`. Answers the
    attachments written for each row (none for a row that failed), so the sender need
    not read them back."""
    renderers = {} if renderers is None else renderers
    documents = (
        Document.objects.filter(pk__in={link.document_id for r in rows for link in r.outbox_links})
        .select_related("customer", "customer__policy")
        .in_bulk()
    )
    companies = {row.company_id: row.company for row in rows}
    for doc in documents.values():  # one company object, not one per document
        doc.company = companies[doc.company_id]
    by_company: dict[int, list[Reminder]] = defaultdict(list)
    for row in rows:
        by_company[row.company_id].append(row)
    worded, attached, stored, issuers = [], [], {}, []
    written: dict[int, list[Attachment]] = {row.pk: [] for row in rows}
    for company_rows in by_company.values():
        company = company_rows[0].company
        key = (company.pk, company.today())
        if key not in renderers:
            renderers[key] = Renderer(company, key[1], issue_links=True)
        renderer = renderers[key]
        docs = [documents[link.document_id] for r in company_rows for link in r.outbox_links]
        renderer.preload(docs, live=False)
        renderer.links = links.issuer(company)  # the chunk's portal links, saved below
        if renderer.links is not None:
            issuers.append(renderer.links)
        try:
            for row in company_rows:
                try:
                    files_of_row = _word(renderer, row, documents, stored, keep)
                except Exception as exc:  # e.g. an invoice PDF that cannot be rendered
                    row.wording_error = f"{type(exc).__name__}: {exc}"
                    continue
                if not row.wording_error:
                    worded.append(row)
                    attached += files_of_row
                    written[row.pk] = files_of_row
        finally:
            renderer.links = None
    with transaction.atomic():  # the links are on file with the words that carry them
        for issuer in issuers:
            issuer.save()
        sql.words(worded)
        sql.insert(Attachment, attached)
    return written


def _word(
    renderer: Renderer, row: Reminder, documents: dict, stored: dict, keep
) -> list[Attachment]:
    docs = sorted(
        (documents[link.document_id] for link in row.outbox_links),
        key=lambda d: (d.due_date, d.number),
    )
    if row.level is None:
        row.wording_error = NO_LEVEL
        return []
    msg = Message(
        customer=docs[0].customer,
        documents=docs,
        level=row.level,
        channel=row.channel,
        language=row.language,
        document_ranks={link.document_id: link.level_rank for link in row.outbox_links},
    )
    renderer.render(msg)
    if msg.error:
        row.wording_error = msg.error
        return []
    row.recipient, row.subject = msg.recipient, msg.subject
    row.body_text, row.body_html = msg.body_text, msg.body_html
    row.words_pending = False
    with translation.override(row.language):  # "invoice-F1.pdf" for an English customer
        return files.attach(row, docs, stored, keep)
