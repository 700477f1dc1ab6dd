"""The REST API: one NinjaAPI, token-authenticated, mounted at /api/.

Django Ninja rather than DRF: request and response bodies are typed pydantic schemas
that validate input and generate the OpenAPI document from the same code; it is a thin
layer over plain functions (our services), lighter than DRF's serializers/viewsets.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from . import errors
from .auth import TokenAuth
from .routes import batches, calls, data, dunning, lifecycle, me, reckoning, reminders, worklist

api = NinjaAPI(
    title="Relance API",
    version="1",
    description=(
        "Relance's REST API: push customers, invoices, quotes and payments from your "
        "invoicing tool and the e-invoicing lifecycle statuses of your invoices, run the daily scan, read the worklist, preview and send reminder "
        "batches, log phone calls. Authenticate with `Authorization: Bearer <token>` "
        "(create one with `relance api-token USER` or in the admin). Every error has the "
        'body `{"error": code, "message": text, "details": [...]}`.'
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
api.add_router("", me.router)
api.add_router("", data.router)
api.add_router("", lifecycle.router)
api.add_router("", worklist.router)
api.add_router("", dunning.router)
api.add_router("", batches.router)
api.add_router("", reminders.router)
api.add_router("", calls.router)
api.add_router("", reckoning.router)


def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/ answer with the API's error body, not an HTML page."""
    body = {"error": "not_found", "message": _("Cette adresse d'API n'existe pas."), "details": []}
    return JsonResponse(body, status=404)
