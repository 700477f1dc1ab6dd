"""Rel Tph / Rel mail / Rel mail+ / Rel courr: preview, send, summary, letters, calls.

The use cases live in reminders/; this module only turns requests into calls.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_POST

from dunning.models import Channel
from receivables.models import Document, Role
from reminders.already import AlreadySending, in_words
from reminders.batches import create_batch
from reminders.editing import can_edit, editable_text, one_newline
from reminders.keywords import KEYWORDS
from reminders.lease import timeout as lease_timeout
from reminders.letters import letters_pdf
from reminders.models import Batch, ReminderState
from reminders.preview import preview_batch
from reminders.review import needing_decision
from reminders.summary import INTERRUPTED
from reminders.summary import batch_summary as summary_of
from web.company import company_of, require_role
from web.screens.calls import CallForm, log_call_for

from .common import can_send, safe_next, selected_ids

# "sent" said per channel: a letter waits to be printed and posted, a call was logged
DONE_LABELS = {Channel.LETTER: gettext_lazy("à imprimer"), Channel.PHONE: gettext_lazy("noté")}


def _channel(request) -> str | None:
    data = request.POST if request.method == "POST" else request.GET
    channel = data.get("channel") or None
    return channel if channel in Channel.values else None


def _selected_documents(request, company):
    ids = selected_ids(request)
    return (
        Document.objects.for_company(company)
        .filter(pk__in=ids)
        .select_related("customer")
        .order_by("customer__name", "due_date")
    )


def _errors_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ; ".join(m for msgs in exc.message_dict.values() for m in msgs)
    return " ; ".join(exc.messages)


def batch_preview(request):
    """What would be sent, per customer, with the errors (no e-mail, no address) up front."""
    company = company_of(request)
    documents = _selected_documents(request, company)  # listed only without reminders
    back = safe_next(request, "worklist")
    if not documents.exists():
        messages.error(request, _("Sélectionnez au moins une pièce."))
        return redirect(back)
    channel = _channel(request)
    if channel == Channel.PHONE:
        ids = documents.values_list("pk", flat=True)
        return redirect(reverse("call_new") + "?ids=" + ",".join(map(str, ids)))
    return _show_preview(request, company, documents, channel, back)


def _show_preview(request, company, documents, channel, back, edit=None, errors=None):
    """The preview page; `edit` and `errors`: a refused edit of the lone message, shown
    again with what the person typed and what is wrong, field by field."""
    ids = list(documents.values_list("pk", flat=True))  # the preview reads them itself
    preview = preview_batch(
        company, ids, channel=channel, user=request.user, word_first=READ_IN_FULL
    )
    sendable = can_send(request) and bool(preview.messages)
    return render(
        request,
        "web/batch_preview.html",
        {
            "section": "worklist",
            "documents": documents,
            "channel": channel,
            "channel_label": Channel(channel).label if channel else _("selon le niveau"),
            "preview": preview,
            **(_preview_parts(preview) if preview else {}),
            "edit": _edit_form(preview, edit, errors) if sendable else None,
            "ids": ",".join(map(str, ids)),
            "send_token": uuid.uuid4().hex,
            "can_send": sendable,
            "next": back,
        },
    )


def _edit_form(preview, typed: dict | None, errors: dict | None) -> dict | None:
    """A lone e-mail or letter is shown editable: its subject and its words (the payment
    block is added under them as it is). What was shown goes back in hidden fields, so
    that the send can tell an edit from an untouched message."""

    if not preview.single or not can_edit(preview.messages[0]):
        return None
    msg = preview.messages[0]
    shown = {"subject": msg.subject, "body_text": editable_text(msg)}
    typed = typed or {}
    return {
        "shown": shown,
        "subject": typed.get("subject", shown["subject"]),
        "body_text": typed.get("body_text", shown["body_text"]),
        "rows": min(30, max(8, shown["body_text"].count("\n") + 3)),
        "payment": msg.payment_text,
        "errors": errors or {},
        "keywords": sorted(KEYWORDS.items()),
    }


EDIT_FIELDS = {"subject": gettext_lazy("Objet"), "body_text": gettext_lazy("Texte")}


def _edit_of(data) -> dict[str, str]:
    """The fields of the lone message the person changed, compared with what the preview
    showed: an untouched message is sent exactly as without the edit form (worded by
    the worker just before it leaves)."""
    edited = {}
    for name in EDIT_FIELDS:
        if name in data and _same(data[name]) != _same(data.get("shown_" + name, "")):
            edited[name] = data[name]
    return edited


def _same(text: str) -> str:

    return one_newline(text).strip()


# A big selection is checked in full but worded only for the first messages: a person
# reads a few, and a page of thousands of messages takes seconds to word and to load.
READ_IN_FULL = 20  # messages worded and shown as they will read
LISTED = 500  # of the others, the rows of the table; beyond, a count

CHANNEL_COUNTS = {
    Channel.EMAIL: ngettext_lazy("%(n)d e-mail", "%(n)d e-mails", "n"),
    Channel.FIRM_EMAIL: ngettext_lazy("%(n)d e-mail ferme", "%(n)d e-mails fermes", "n"),
    Channel.LETTER: ngettext_lazy("%(n)d courrier", "%(n)d courriers", "n"),
    Channel.PHONE: ngettext_lazy("%(n)d appel", "%(n)d appels", "n"),
}


def _preview_parts(preview) -> dict:
    """The messages shown in full, the rows of the table of the others, how many are
    left out of it, and the count per channel (« 1 e-mail, 2 courriers »)."""
    others = preview.messages[READ_IN_FULL:]
    return {
        "in_full": preview.messages[:READ_IN_FULL],
        "listed": others[:LISTED],
        "unlisted": max(0, len(others) - LISTED),
        "others": len(others),
        "per_channel": ", ".join(
            CHANNEL_COUNTS[channel] % {"n": n}
            for channel, n in preview.counts.items()
            if channel in CHANNEL_COUNTS and n
        ),
    }


@require_POST
def batch_send(request):
    company = company_of(request)
    require_role(request, Role.COLLECTOR)

    documents = list(_selected_documents(request, company))
    if not documents:
        messages.error(request, _("Sélectionnez au moins une pièce."))
        return redirect("worklist")
    done = _sent_with(request, company)
    if done is not None:  # this very form was sent already (a second click)
        messages.info(request, in_words(done))
        return redirect("batch_summary", pk=done.pk)
    channel = _channel(request)
    edited = _edit_of(request.POST)
    try:
        batch = create_batch(
            company, documents, channel=channel, user=request.user, edited=edited or None
        )
    except AlreadySending as exc:  # sent twice (a second click): show the first one
        messages.info(request, exc.message)
        _remember_sent(request, exc.batch)
        return redirect("batch_summary", pk=exc.batch.pk)
    except ValidationError as exc:
        if edited:
            return _edit_refused(request, company, channel, exc)
        messages.error(request, _errors_text(exc))
        return redirect("worklist")
    _remember_sent(request, batch)
    return redirect("batch_summary", pk=batch.pk)


# The preview's send form carries a token; the session keeps the batch each token made,
# so that the same form sent again (even after its e-mails went out, when the documents
# have moved on to their next level) lands on that batch instead of starting another.
SENT_FORMS = "relance_sent_forms"
SENT_FORMS_KEPT = 20


def _sent_with(request, company):

    token = request.POST.get("send_token", "")
    pk = request.session.get(SENT_FORMS, {}).get(token) if token else None
    return Batch.objects.for_company(company).filter(pk=pk).first() if pk else None


def _remember_sent(request, batch) -> None:
    token = request.POST.get("send_token", "")[:64]
    if token:
        sent = request.session.get(SENT_FORMS, {})
        sent[token] = batch.pk
        request.session[SENT_FORMS] = dict(list(sent.items())[-SENT_FORMS_KEPT:])


def _edit_refused(request, company, channel, exc: ValidationError):
    """Back to the preview with the person's edit kept and each error under its field;
    nothing was written."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    named = [str(EDIT_FIELDS[k]) for k in errors if k in EDIT_FIELDS]
    if named:
        messages.error(
            request,
            _("Le message n'est pas parti : corrigez %(fields)s.")
            % {"fields": ", ".join(_("« %(field)s »") % {"field": name} for name in named)},
        )
    for key, texts in errors.items():
        if key not in EDIT_FIELDS:
            messages.error(request, " ; ".join(texts))

    typed = {k: one_newline(request.POST[k]) for k in EDIT_FIELDS if k in request.POST}
    documents = _selected_documents(request, company)
    back = safe_next(request, "worklist")
    return _show_preview(request, company, documents, channel, back, typed, errors)


def _batch(request, pk):
    return get_object_or_404(Batch.objects.for_company(company_of(request)), pk=pk)


def batch_summary(request, pk: int):

    batch = _batch(request, pk)
    summary = summary_of(batch)
    labels = {**dict(ReminderState.choices), INTERRUPTED: _("interrompu")}
    rows = []
    for channel, states in summary.counts.items():
        for state, n in states.items():
            label = DONE_LABELS.get(channel) if state == "sent" else None
            rows.append((Channel(channel).label, label or labels.get(state, state), n))
    queued = summary.totals.get("queued", 0) + summary.totals.get("sending", 0)
    interrupted = summary.totals.get(INTERRUPTED, 0)
    context = {
        "section": "worklist",
        "batch": batch,
        "summary": summary,
        "rows": rows,
        **_done_by_kind(summary),
        "failed": summary.totals.get("failed", 0),
        "unsure": summary.totals.get("needs_review", 0),
        "queued": queued,
        "interrupted": interrupted,
        "lease_seconds": round(lease_timeout().total_seconds()),
        "has_letters": any(c == Channel.LETTER for c in summary.counts),
        "to_decide": _to_decide(batch),
        # not while the page refreshes itself (every 2 s): it would fold the words up
        "lone": None if queued or interrupted else _lone_message(batch),
    }
    template = "web/batch_summary_body.html" if request.htmx else "web/batch_summary.html"
    return render(request, template, context)


def _done_by_kind(summary) -> dict[str, int]:
    """What went out, said as the user sees it: a letter is not "sent" until someone
    prints and posts it, a call is logged."""
    done = {channel: states.get("sent", 0) for channel, states in summary.counts.items()}
    letters = done.pop(Channel.LETTER, 0)
    calls = done.pop(Channel.PHONE, 0)
    return {"sent": sum(done.values()), "letters_done": letters, "calls_done": calls}


def _to_decide(batch) -> int:
    """This batch's reminders on the « À vérifier » screen (needs review, failed)."""

    return needing_decision(batch.company).filter(batch=batch).count()


def _lone_message(batch) -> dict | None:
    """A batch of one e-mail or letter shows its words as kept on the customer's file
    (an edit made in the preview, too); once worded, since most are worded as they go."""
    rows = list(batch.reminders.exclude(channel=Channel.PHONE)[:2])
    if len(rows) != 1 or rows[0].words_pending or not (rows[0].subject or rows[0].body_html):
        return None
    row = rows[0]  # a letter's text is its printed HTML read as text (Renderer.word)
    return {"row": row, "text": row.body_text, "letter": row.channel == Channel.LETTER}


def batch_letters(request, pk: int):
    batch = _batch(request, pk)

    try:
        pdf, _pages = letters_pdf(batch)
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
        return redirect("batch_summary", pk=batch.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="relances-{batch.pk}.pdf"'
    return response


def call_new(request):
    """Rel Tph: the call is logged (outcome, promise date, note) against the documents."""
    company = company_of(request)
    documents = list(_selected_documents(request, company))
    if not documents:
        raise Http404

    customers = {d.customer_id for d in documents}
    form = CallForm(request.POST or None)
    if request.method == "POST":
        require_role(request, Role.COLLECTOR)
        if len(customers) > 1:
            messages.error(
                request, _("Un appel concerne un seul client : sélectionnez ses pièces.")
            )
        elif form.is_valid():
            try:
                log_call_for(company, documents, form.cleaned_data, request.user)
            except ValidationError as exc:
                form.add_refusal(exc)
            else:
                messages.success(request, _("Appel enregistré."))
                return redirect("customer_detail", pk=documents[0].customer_id)
    return render(
        request,
        "web/call_form.html",
        {
            "section": "worklist",
            "documents": documents,
            "form": form,
            "several_customers": len(customers) > 1,
            "ids": ",".join(str(d.pk) for d in documents),
            "can_send": can_send(request),
        },
    )
