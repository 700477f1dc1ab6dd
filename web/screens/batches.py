"""Rel Tph / Rel mail / Rel mail+ / Rel courr: preview, send, summary, letters, calls.

The use cases live in reminders.services; this module only turns requests into calls.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dunning.models import Channel
from receivables.models import Document, Role
from web.company import company_of, require_role

from .common import can_send, reminders_installed, selected_ids


def _channel(request) -> str | None:
    data = request.POST if request.method == "POST" else request.GET
    channel = data.get("channel") or None
    return channel if channel in Channel.values else None


def _selected_documents(request, company):
    ids = selected_ids(request)
    return Document.objects.for_company(company).filter(pk__in=ids).select_related("customer")


def batch_preview(request):
    """What would be sent, per customer, with the errors (no e-mail, no address) up front."""
    company = company_of(request)
    documents = _selected_documents(request, company)
    if not documents.exists():
        messages.error(request, _("Sélectionnez au moins une pièce."))
        return redirect(request.POST.get("next") or "worklist")
    channel = _channel(request)
    if channel == Channel.PHONE:
        return redirect_to_call(documents)
    preview = None
    if reminders_installed():
        from reminders.services import preview_batch

        preview = preview_batch(company, list(documents), channel=channel, user=request.user)
    return render(
        request,
        "web/batch_preview.html",
        {
            "section": "worklist",
            "documents": documents,
            "channel": channel,
            "channel_label": Channel(channel).label if channel else _("selon le niveau"),
            "preview": preview,
            "ids": ",".join(str(d.pk) for d in documents),
            "can_send": can_send(request) and preview is not None,
            "next": request.POST.get("next", ""),
        },
    )


def redirect_to_call(documents):
    ids = ",".join(str(d.pk) for d in documents)
    from django.urls import reverse

    return redirect(reverse("call_new") + "?ids=" + ids)


@require_POST
def batch_send(request):
    company = company_of(request)
    require_role(request, Role.COLLECTOR)
    if not reminders_installed():
        raise Http404("reminders app not installed")
    from reminders.services import create_batch

    documents = list(_selected_documents(request, company))
    if not documents:
        messages.error(request, _("Sélectionnez au moins une pièce."))
        return redirect("worklist")
    batch = create_batch(company, documents, channel=_channel(request), user=request.user)
    return redirect("batch_summary", pk=batch.pk)


def batch_summary(request, pk: int):
    company = company_of(request)
    if not reminders_installed():
        raise Http404
    from django.shortcuts import get_object_or_404
    from reminders.models import Batch
    from reminders.services import batch_summary as summary_of

    batch = get_object_or_404(Batch.objects.filter(company=company), pk=pk)
    return render(
        request,
        "web/batch_summary.html",
        {"section": "worklist", "batch": batch, "summary": summary_of(batch)},
    )


def batch_letters(request, pk: int):
    company = company_of(request)
    if not reminders_installed():
        raise Http404
    from django.http import HttpResponse
    from django.shortcuts import get_object_or_404
    from reminders.models import Batch
    from reminders.services import letters_pdf

    batch = get_object_or_404(Batch.objects.filter(company=company), pk=pk)
    response = HttpResponse(letters_pdf(batch), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="relances-{batch.pk}.pdf"'
    return response


def call_new(request):
    """Rel Tph: the call is logged (outcome, promise date, note) against the documents."""
    company = company_of(request)
    documents = list(_selected_documents(request, company))
    if not documents:
        raise Http404
    from .calls import CallForm, log_call_for

    form = CallForm(request.POST or None)
    if request.method == "POST":
        require_role(request, Role.COLLECTOR)
        if not reminders_installed():
            raise Http404("reminders app not installed")
        if form.is_valid():
            log_call_for(company, documents, form.cleaned_data, request.user)
            messages.success(request, _("Appel enregistré."))
            return redirect("customer_detail", pk=documents[0].customer_id)
    return render(
        request,
        "web/call_form.html",
        {
            "section": "worklist",
            "documents": documents,
            "form": form,
            "ids": ",".join(str(d.pk) for d in documents),
            "can_send": can_send(request),
            "reminders_installed": reminders_installed(),
        },
    )
