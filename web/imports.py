"""Upload screen: one file in, the errors table or the counts out."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from receivables.imports import ImportRejected, RowError, import_file
from receivables.imports.columns import KINDS
from receivables.imports.layout import mapping_note
from receivables.imports.service import file_format
from receivables.models import Role

from . import pending_imports
from .company import company_of, require_role
from .screens.refresh import start_refresh

KIND_LABELS = {
    "customers": _("Clients"),
    "invoices": _("Factures et avoirs"),
    "quotes": _("Devis"),
    "payments": _("Règlements"),
    "lifecycle": _("Statuts de facturation électronique (cycle de vie)"),
}


def import_view(request):
    require_role(request, Role.COLLECTOR)
    company = company_of(request)
    context = {
        "kinds": [(k, KIND_LABELS[k]) for k in KINDS],
        "max_mb": settings.RELANCE_MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        kind = request.POST.get("kind") or None
        dry_run = context["dry_run"] = request.POST.get("dry_run") == "1"
        if kind not in (None, *KINDS):
            kind = None
        if upload is None:
            context["errors"] = [RowError(None, "", _("choisissez un fichier"))]
        elif upload.size > settings.RELANCE_MAX_UPLOAD_BYTES:
            context["errors"] = [
                RowError(
                    None,
                    "",
                    _(
                        "fichier trop gros (%(mb)s Mo au plus) : utilisez la commande « relance import »"
                    )
                    % {"mb": context["max_mb"]},
                )
            ]
        else:
            data = upload.read()
            if request.POST.get("review") and is_table(data, upload.name):
                return _to_mapping(request, company, data, upload.name)
            try:
                context["result"] = import_file(
                    company, data, upload.name, kind=kind, dry_run=dry_run
                )
                context["note"] = mapping_note(context["result"])
            except ImportRejected as exc:
                if exc.mappable and is_table(data, upload.name):
                    return _to_mapping(request, company, data, upload.name)
                context["errors"] = exc.errors
            else:
                if not dry_run:  # committed: bring the worklist up to date
                    context.update(start_refresh(company))
        if "errors" in context:
            context["filename"] = getattr(upload, "name", "")
            status = 400
    return render(request, "web/import.html", context, status=status)


def _to_mapping(request, company, data: bytes, filename: str):
    """Keep the upload and go to its mapping step (columns or words we could not read)."""
    token = pending_imports.keep(request, company.pk, data, filename)
    return redirect(reverse("import_mapping", args=[token]))


def is_table(data: bytes, filename: str) -> bool:
    return file_format(data, filename) in ("csv", "xlsx")
