"""The mapping step of /import/: say once what each column of a file means."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from receivables.imports import ImportRejected, import_file
from receivables.imports.columns import KINDS
from receivables.imports.layout import save_mapping
from receivables.imports.mapping_step import (
    mapping_from_form,
    open_table,
    preview,
    propose,
    step,
)
from receivables.imports.presets import PRESETS
from receivables.models import Role

from . import pending_imports
from .company import company_of, require_role
from .imports import KIND_LABELS
from .screens.refresh import start_refresh

DATE_ORDERS = [
    ("dmy", gettext_lazy("JJ/MM/AA (03/04/24 = 3 avril)")),
    ("mdy", gettext_lazy("MM/JJ/AA (03/04/24 = 4 mars)")),
]


def mapping_view(request, token: str):
    require_role(request, Role.COLLECTOR)
    company = company_of(request)
    data, filename = pending_imports.load(request, company.pk, token)
    try:
        table = open_table(data, filename)
    except ImportRejected as exc:
        return render(
            request, "web/import.html", _page(errors=exc.errors, filename=filename), status=400
        )
    if request.method != "POST":
        mapping = propose(company, table, filename)
        if not mapping.name or mapping.name in PRESETS:  # a preset stays built in
            mapping.name = filename.rsplit(".", 1)[0][:100]
        return _show(request, table, mapping, data, filename)
    mapping = mapping_from_form(request.POST, table)
    if request.POST.get("action") != "import":
        return _show(request, table, mapping, data, filename)
    try:
        result = import_file(company, data, filename, mapping=mapping)
    except ImportRejected as exc:
        return _show(request, table, mapping, data, filename, rejected=exc.errors, status=400)
    if mapping.name:
        save_mapping(company, mapping.name, table.headers, mapping)
        result.warnings.append(
            _(
                "Correspondance enregistrée sous « %(n)s » : les fichiers de ces colonnes seront lus sans question."
            )
            % {"n": mapping.name}
        )
    pending_imports.drop(request, company.pk, token)
    # committed: bring the worklist up to date, as a plain upload does
    return render(request, "web/import.html", _page(result=result, **start_refresh(company)))


def _show(request, table, mapping, data, filename, rejected=None, status=200):
    company = company_of(request)
    shown = step(table, mapping)
    sample = preview(table, mapping)
    dry, dry_errors = None, rejected
    if rejected is None and not shown.errors:
        try:
            dry = import_file(company, data, filename, mapping=mapping, dry_run=True)
        except ImportRejected as exc:
            dry_errors = exc.errors
    context = {
        "filename": filename,
        "step": shown,
        "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
        "date_orders": DATE_ORDERS,
        "preview": sample,
        "dry": dry,
        "dry_errors": dry_errors,
    }
    return render(request, "web/import_mapping.html", context, status=status)


def _page(**context):
    return {
        "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
        "max_mb": settings.RELANCE_MAX_UPLOAD_BYTES // (1024 * 1024),
        **context,
    }
