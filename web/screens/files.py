"""Stored files (an invoice's PDF, the company's logo), served to their company's users.

There is no `/media/` route, on purpose: a stored file's path says nothing of its
company, so each file is reached through the row that owns it, looked up in the user's
company (another company's row, or a row without a file: 404). Login is required like
everywhere (relance.middleware.LoginRequiredMiddleware).
"""

import mimetypes
from pathlib import PurePosixPath

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from receivables.models import Document
from web.company import company_of

# Shown in the page (<img>): raster types only. Anything else is offered as a download,
# never rendered by the browser on our origin (an SVG or HTML file could run script).
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def _serve(field, content_type: str, *, inline: bool) -> FileResponse:
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:  # the row names a file the media folder lost
        raise Http404 from exc
    name = PurePosixPath(field.name).name
    response = FileResponse(
        handle, filename=name, as_attachment=not inline, content_type=content_type
    )
    response["Cache-Control"] = "private, max-age=300"  # the company's own files: no proxy
    return response


@require_GET
def document_pdf(request, pk: int):
    doc = get_object_or_404(Document.objects.for_company(company_of(request)), pk=pk)
    return _serve(doc.pdf, "application/pdf", inline=True)


@require_GET
def company_logo(request):
    logo = company_of(request).logo
    guessed, _encoding = mimetypes.guess_type(logo.name or "")
    if guessed in IMAGE_TYPES:
        return _serve(logo, guessed, inline=True)
    return _serve(logo, "application/octet-stream", inline=False)
