"""« Réponses » : the customers' replies waiting for a person, one-click outcomes, their
attachments; and the reply mailbox's settings with its « Tester » button. The use cases
live in inbox (handling, fetch); this module turns requests into calls."""

from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from inbox.fetch import test_connection
from inbox.handling import handle
from inbox.models import InboundAttachment, InboundMessage, Mailbox
from receivables.amountfield import AmountError, read_amount
from receivables.models import Role
from web.company import company_of, require_role

from .common import CheckboxesFirst, can, can_send
from .dates import DayDateField


@require_GET
def reply_list(request):
    rows = (
        InboundMessage.objects.for_company(company_of(request))
        .to_handle()
        .select_related("customer", "reminder")
        .prefetch_related("files", "reminder__links__document")
        .order_by("received_at", "pk")
    )
    return render(
        request,
        "web/replies.html",
        {"section": "replies", "rows": rows[:200], "can_act": can_send(request)},
    )


def _date(value: str) -> date | None:
    """Typed day first (jj/mm/aaaa) as every date of the screens, or ISO."""
    return DayDateField(required=False).clean(value.strip()) if value.strip() else None


def _amount(value: str) -> Decimal | None:
    """« 1 234,56 » or « 1234.56 » in French: the one amount rule (receivables.amountfield)."""
    try:
        return read_amount(value) if value.strip() else None
    except AmountError as exc:
        raise ValidationError(str(exc)) from None


@require_POST
def reply_handle(request, pk: int):
    require_role(request, Role.COLLECTOR)
    company = company_of(request)
    message = get_object_or_404(InboundMessage.objects.for_company(company), pk=pk)
    data = request.POST
    try:
        paid_on = _date(data.get("paid_on", ""))
        promise_date = _date(data.get("promise_date", ""))
        paid_amount = _amount(data.get("paid_amount", ""))
        done = handle(
            message,
            data.get("outcome", ""),
            user=request.user,
            promise_date=promise_date,
            dispute_reason=data.get("dispute_reason", ""),
            paid_on=paid_on,
            paid_amount=paid_amount,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("replies")
    if done:
        who = message.customer.name if message.customer else message.sender
        messages.success(
            request,
            _("Réponse de %(c)s : %(o)s.") % {"c": who, "o": message.get_outcome_display()},
        )
    else:
        messages.error(request, _("Cette réponse était déjà traitée : rien n'a été changé."))
    return redirect("replies")


@require_GET
def reply_file(request, pk: int):
    company = company_of(request)
    att = get_object_or_404(InboundAttachment, pk=pk, message__company=company)
    if not att.file:
        raise Http404
    # A stranger's file: downloaded, never typed from its name (an .html or .svg would
    # otherwise be served as a page of ours).
    return FileResponse(
        att.file.open("rb"),
        as_attachment=True,
        filename=att.filename,
        content_type="application/octet-stream",
    )


class MailboxForm(CheckboxesFirst, forms.ModelForm):
    password = forms.CharField(
        label=gettext_lazy("mot de passe"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Stocké chiffré. Laissez vide pour garder celui enregistré."),
    )

    class Meta:
        model = Mailbox
        fields = ["host", "port", "security", "login", "folder", "after_read", "done_folder"]
        fields += ["enabled"]

    def save(self, commit=True):
        box = super().save(commit=False)
        if self.cleaned_data.get("password"):
            box.password = self.cleaned_data["password"]
        if commit:
            box.save()
        return box


def mailbox_settings(request):
    company = company_of(request)
    box = Mailbox.objects.for_company(company).first() or Mailbox(company=company)
    form = MailboxForm(instance=box)
    answer = None
    if request.method == "POST":
        require_role(request, Role.ADMIN)
        form = MailboxForm(request.POST, instance=box)
        if form.is_valid():
            box = form.save()
            if request.POST.get("action") == "test":
                answer = test_connection(box)
            else:
                messages.success(request, _("Boîte de réponses enregistrée."))
                return redirect("settings_mailbox")
    return render(
        request,
        "web/settings_mailbox.html",
        {
            "section": "settings",
            "tab": "mailbox",
            "is_admin": can(request, Role.ADMIN),
            "form": form,
            "box": box if box.pk else None,
            "answer": answer,
        },
    )
