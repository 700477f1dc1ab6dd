"""« À vérifier » : the reminders a person must decide on, and the decisions.

Needs review (a worker died mid-send, or the server's answer was lost: it may have gone
out) and failed (not redone since). The use cases live in reminders.review; this module
turns requests into calls and says what happened.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from receivables.models import Role
from reminders import review
from reminders.models import Reminder, ReminderState
from web.company import company_of, require_role

from .common import can_send, safe_next


def _review():
    return review


def _reminder(request, pk: int):

    rows = Reminder.objects.for_company(company_of(request)).select_related("customer")
    return get_object_or_404(rows, pk=pk)


def _back(request):
    return redirect(safe_next(request, "outbox_review"))


def _numbers(reminder) -> str:
    return ", ".join(link.document.number for link in reminder.links.select_related("document"))


@require_GET
def review_list(request):
    review = _review()

    rows = (
        review.needing_decision(company_of(request))
        .select_related("customer", "batch")
        .prefetch_related("links__document", "attachments")
        .order_by("-created_at", "-pk")
    )
    batch = request.GET.get("batch", "")
    if batch.isdigit():
        rows = rows.filter(batch_id=int(batch))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/outbox_review.html",
        {
            "section": "outbox",
            "page": page,
            "uncertain": [r for r in page if r.state == ReminderState.NEEDS_REVIEW],
            "failed": [r for r in page if r.state == ReminderState.FAILED],
            "batch": int(batch) if batch.isdigit() else None,
            "can_act": can_send(request),
        },
    )


def _decide(request, pk: int, decide, done: str, with_documents: bool = False):
    """Apply one decision (a reminders.review function) and say what happened."""
    review = _review()
    require_role(request, Role.COLLECTOR)
    reminder = _reminder(request, pk)
    documents = _numbers(reminder) if with_documents else ""
    if getattr(review, decide)(reminder):
        messages.success(request, done % {"c": reminder.customer.name, "d": documents})
    else:
        messages.error(request, _("Ce rappel n'attend plus de décision : rien n'a été changé."))
    return _back(request)


@require_POST
def review_mark_sent(request, pk: int):
    done = _("Noté comme envoyé : %(c)s, pièces %(d)s (compté comme une relance).")
    return _decide(request, pk, "mark_sent", done, with_documents=True)


@require_POST
def review_retry(request, pk: int):
    """Needs review: back to the queue, sent once more. Failed: redone from today's data,
    after the customer's e-mail addresses are corrected when the form carries them."""
    review = _review()
    require_role(request, Role.COLLECTOR)
    reminder = _reminder(request, pk)
    unsure = reminder.state == "needs_review"
    emails = request.POST.get("emails")
    try:
        if emails is not None and emails.strip() != reminder.customer.emails.strip():
            review.set_emails(reminder.customer, emails)
        batch = review.retry(reminder, user=request.user)
    except (review.CannotRetry, ValidationError) as exc:
        messages.error(request, " ; ".join(getattr(exc, "messages", None) or [str(exc)]))
        return _back(request)
    name = reminder.customer.name
    if unsure:
        messages.success(
            request, _("Remis en file d'attente : le rappel à %(c)s repart une fois.") % {"c": name}
        )
    elif error := review.still_failing(batch):
        messages.error(
            request, _("Toujours impossible pour %(c)s : %(e)s") % {"c": name, "e": error}
        )
    else:
        messages.success(
            request,
            _("Rappel refait pour %(c)s (envoi n° %(b)s) : il part maintenant.")
            % {"c": name, "b": batch.pk},
        )
    return _back(request)


@require_POST
def review_cancel(request, pk: int):
    done = _("Rappel annulé : il ne partira pas ; les pièces %(d)s pourront être relancées.")
    return _decide(request, pk, "dismiss", done, with_documents=True)
