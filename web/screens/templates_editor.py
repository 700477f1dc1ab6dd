"""Settings › message templates: list, edit with the keyword list and a live preview
(htmx) of the words on a real document of the company."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dunning.models import Level, PolicyKind
from receivables.models import Document, DocumentState, Role
from reminders.keywords import KEYWORDS, build_values, substitute, unknown_keywords
from reminders.models import Template
from reminders.rendering import Message, Renderer
from reminders.sanitize import clean_html, removed_markup
from web.company import company_of, require_role

from .setup import _ctx


class TemplateForm(forms.ModelForm):
    class Meta:
        model = Template
        fields = ["level", "channel", "language", "subject", "body_text", "body_html"]
        widgets = {
            "body_text": forms.Textarea(attrs={"rows": 10}),
            "body_html": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.company = company
        self.fields["level"].queryset = Level.objects.filter(
            policy__company=company
        ).select_related("policy")
        self.fields["level"].label_from_instance = lambda lv: (
            f"{lv.policy.name} · {lv.rank}. {lv.name}"
        )


def _kind_of(company, level_id) -> str:
    """The kind of document a template speaks of: its level's procedure's (a quote
    template previewed on an invoice read « Notre devis FA-0016 »)."""
    level = Level.objects.filter(policy__company=company, pk=level_id).first() if level_id else None
    return level.policy.kind if level else PolicyKind.INVOICE


def _sample_documents(company, kind: str):
    return (
        Document.objects.for_company(company)
        .filter(kind=kind, state__in=[DocumentState.OPEN, DocumentState.EXPIRED])
        .select_related("customer")
        .order_by("-to_remind", "due_date")
    )


# procedure → level → channel → language, each group contiguous for {% regroup %}
_GROUPED = (
    "level__policy__kind",
    "level__policy__name",
    "level__policy_id",
    "level__rank",
    "level_id",
    "channel",
    "language",
)


def template_list(request):
    company = company_of(request)
    templates = (
        Template.objects.for_company(company)
        .select_related("level", "level__policy")
        .order_by(*_GROUPED)
    )
    return render(
        request, "web/settings_templates.html", _ctx(request, "templates", templates=templates)
    )


def template_edit(request, pk: int | None = None):
    company = company_of(request)
    template = (
        get_object_or_404(Template.objects.for_company(company), pk=pk)
        if pk
        else Template(company=company)
    )
    form = TemplateForm(instance=template, company=company)
    if request.method == "POST":
        require_role(request, Role.ADMIN)
        form = TemplateForm(request.POST, instance=template, company=company)
        if form.is_valid():
            template = form.save()
            messages.success(request, _("Modèle enregistré."))
            removed = removed_markup(request.POST.get("body_html", ""), template.body_html)
            if removed:
                messages.warning(
                    request,
                    _("Retiré du HTML (non permis dans une lettre ou un e-mail) : %(items)s.")
                    % {"items": ", ".join(removed)},
                )
            return redirect("settings_template", pk=template.pk)
    level_id = (request.POST or {}).get("level") or template.level_id
    documents = _sample_documents(company, _kind_of(company, level_id))
    return render(
        request,
        "web/settings_template_edit.html",
        _ctx(
            request,
            "templates",
            form=form,
            template=template,
            keywords=sorted(KEYWORDS.items()),
            documents=documents[:30],
            preview=_preview(company, request.POST or None, template, documents),
        ),
    )


def _preview(company, data, template, documents) -> dict | None:
    """The words as they would read for one real document (nothing is saved or sent)."""
    data = data or {}
    doc_id = data.get("document")
    doc = None
    if doc_id and str(doc_id).isdigit():
        doc = documents.filter(pk=doc_id).select_related("customer").first()
    doc = doc or documents.first()
    if doc is None:
        return None
    level_id = data.get("level") or template.level_id
    level = Level.objects.filter(policy__company=company, pk=level_id).first() if level_id else None
    language = data.get("language") or template.language or "fr"
    subject = data.get("subject", template.subject or "")
    body_text = data.get("body_text", template.body_text or "")
    body_html = data.get("body_html", template.body_html or "")
    renderer = Renderer(company, company.today())
    renderer.preload([doc])
    msg = Message(
        customer=doc.customer,
        documents=[doc],
        level=level,
        channel=data.get("channel") or template.channel or "email",
        language=language,
    )
    values = build_values(renderer.context(msg))
    unknown = unknown_keywords(subject + " " + body_text + " " + body_html)
    return {
        "document": doc,
        "subject": substitute(subject, values, one_line=True),
        "body_text": substitute(body_text, values),
        "body_html": substitute(clean_html(body_html), values, html=True),
        "unknown": ["%" + k + "%" for k in unknown],
    }


@require_POST
def template_preview(request):
    """htmx: re-render the preview box from the form as typed."""
    company = company_of(request)
    template = Template(company=company)
    documents = _sample_documents(company, _kind_of(company, request.POST.get("level")))
    preview = _preview(company, request.POST, template, documents)
    # Another level may speak of another kind of document (a quote, an invoice): the list
    # of sample documents is then drawn again beside the form (htmx out-of-band swap).
    shown = request.POST.get("document", "")
    changed = not (shown.isdigit() and documents.filter(pk=shown).exists())
    return render(
        request,
        "web/template_preview.html",
        {"preview": preview, "samples_changed": changed, "documents": documents[:30]},
    )
