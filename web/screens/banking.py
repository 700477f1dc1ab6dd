"""Screens: upload a statement, see what matched, confirm or reject proposals. Thin: the
work is in services."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from banking import services
from banking.models import LineStatus, Statement, StatementLine
from receivables.models import Role
from web.company import company_of, require_role


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Relevé (CAMT.053, OFX ou MT940)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,.ofx,.qfx,.sta,.mt940,.txt"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.RELANCE_MAX_UPLOAD_BYTES:
            raise ValidationError(_("Fichier trop volumineux."))
        return upload


def statements(request):
    company = company_of(request)
    form = UploadForm()
    if request.method == "POST":
        require_role(request, Role.COLLECTOR)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.import_statement(
                    company, upload.read(), upload.name, request.user
                )
            except services.StatementError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, result.summary())
                if result.statement is not None:
                    return redirect("banking:statement", pk=result.statement.pk)
                return redirect("banking:statements")
    rows = (
        Statement.objects.for_company(company)
        .annotate(
            n_lines=Count("lines"),
            n_matched=Count("lines", filter=Q(lines__status=LineStatus.MATCHED)),
            n_proposed=Count("lines", filter=Q(lines__status=LineStatus.PROPOSED)),
            n_unmatched=Count("lines", filter=Q(lines__status=LineStatus.UNMATCHED)),
        )
        .order_by("-imported_at", "-pk")[:100]
    )
    return render(request, "banking/statements.html", {"form": form, "statements": rows})


def statement(request, pk: int):
    company = company_of(request)
    stmt = get_object_or_404(Statement.objects.for_company(company), pk=pk)
    lines = (
        StatementLine.objects.for_company(company)
        .filter(statement=stmt)
        .select_related("customer", "payment")
        .prefetch_related("proposals__invoice__customer", "payment__allocations__invoice")
    )
    groups = {status: [] for status in LineStatus.values}
    for line in lines:
        groups[line.status].append(line)
    return render(
        request,
        "banking/statement.html",
        {
            "statement": stmt,
            "matched": groups[LineStatus.MATCHED],
            "proposed": groups[LineStatus.PROPOSED],
            "unmatched": groups[LineStatus.UNMATCHED],
            "debits": groups[LineStatus.DEBIT],
        },
    )


def _line_action(request, pk: int, action):
    company = company_of(request)
    require_role(request, Role.COLLECTOR)
    line = get_object_or_404(StatementLine.objects.for_company(company), pk=pk)
    try:
        action(company, line)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("banking:statement", pk=line.statement_id)


@require_POST
def confirm(request, pk: int):
    def act(company, line):
        invoice_id = request.POST.get("invoice", "")
        if not invoice_id.isdigit():
            raise ValidationError(_("Choisissez une facture."))
        services.confirm(company, line.pk, int(invoice_id))
        messages.success(request, _("Règlement enregistré."))

    return _line_action(request, pk, act)


@require_POST
def reject(request, pk: int):
    def act(company, line):
        services.reject(company, line.pk)
        messages.info(request, _("Propositions rejetées : la ligne reste non rapprochée."))

    return _line_action(request, pk, act)
