"""Upload screen: one file in, the errors table or the counts out."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from receivables.imports import ImportRejected, RowError, import_file
from receivables.imports.columns import KINDS
from receivables.models import Role

from .company import company_of, require_role
from .screens.refresh import start_refresh

KIND_LABELS = {
    "customers": _("Clients"),
    "invoices": _("Factures et avoirs"),
    "quotes": _("Devis"),
    "payments": _("Règlements"),
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
            try:
                context["result"] = import_file(
                    company, upload.read(), upload.name, kind=kind, dry_run=dry_run
                )
            except ImportRejected as exc:
                context["errors"] = exc.errors
            else:
                if not dry_run:  # committed: bring the worklist up to date
                    context.update(start_refresh(company))
        if "errors" in context:
            context["filename"] = getattr(upload, "name", "")
            status = 400
    return render(request, "web/import.html", context, status=status)
