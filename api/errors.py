"""One error body for every failure: {"error": code, "message": text, "details": [...]}."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


class ApiError(Exception):
    """Raised by endpoints; becomes the error body with its status."""

    def __init__(self, status: int, message: str, details: list | None = None, code: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.details = details or []


class RateLimited(ApiError):
    def __init__(self, retry_after: int):
        super().__init__(
            429,
            _("Trop de requêtes : réessayez dans %(s)s s.") % {"s": retry_after},
        )
        self.retry_after = retry_after


def not_found(what: str, key: Any) -> ApiError:
    return ApiError(404, _("%(what)s « %(key)s » introuvable.") % {"what": what, "key": key})


def body(api: NinjaAPI, request, status: int, code: str, message: str, details=None):
    payload = {"error": code, "message": str(message), "details": details or []}
    return api.create_response(request, payload, status=status)


def _pydantic_details(errors: list[dict]) -> list[dict]:
    # Keep what a client needs to find the field: where, what is wrong; for a batch,
    # the item's index and field as the domain errors give them.
    details = []
    for e in errors:
        loc = list(e.get("loc", ()))
        detail = {
            "loc": [str(p) for p in loc],
            "message": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        if "items" in loc and loc.index("items") + 1 < len(loc):
            at = loc.index("items") + 1
            if isinstance(loc[at], int):
                detail["index"] = loc[at]
                detail["field"] = ".".join(str(p) for p in loc[at + 1 :])
        details.append(detail)
    return details


def _django_details(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"loc": [field], "message": str(m)}
            for field, errs in exc.message_dict.items()
            for m in errs
        ]
    return [{"loc": [], "message": str(m)} for m in exc.messages]


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request, exc: ApiError):
        response = body(api, request, exc.status, exc.code, exc.message, exc.details)
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(NinjaValidationError)
    def _invalid(request, exc):
        return body(
            api,
            request,
            422,
            "invalid",
            _("Les données envoyées ne sont pas valides."),
            _pydantic_details(exc.errors),
        )

    @api.exception_handler(DjangoValidationError)
    def _rejected(request, exc):
        return body(api, request, 422, "invalid", " ".join(exc.messages), _django_details(exc))

    @api.exception_handler(AuthenticationError)
    def _unauthorized(request, exc):
        response = body(
            api,
            request,
            401,
            "unauthorized",
            _("Jeton d'API manquant ou invalide (en-tête « Authorization: Bearer … »)."),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Throttled)
    def _throttled(request, exc):
        return body(api, request, 429, "rate_limited", _("Trop de requêtes."))

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        message = exc.message
        if exc.status_code == 400:  # ninja's "Cannot parse request body"
            message = _("Corps de requête illisible : du JSON est attendu (%(m)s).") % {
                "m": message
            }
        return body(api, request, exc.status_code, CODES.get(exc.status_code, "error"), message)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return body(api, request, 404, "not_found", _("Introuvable."))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return body(api, request, 403, "forbidden", str(exc) or _("Action non permise."))

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request, exc):
        return body(api, request, 413, "too_large", _("Requête trop volumineuse."))

    @api.exception_handler(IntegrityError)
    def _conflict(request, exc):
        return body(
            api,
            request,
            409,
            "conflict",
            _("La modification entre en conflit avec les données existantes."),
        )

    @api.exception_handler(Exception)
    def _server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return body(
            api, request, 500, "server_error", _("Erreur interne ; elle a été journalisée.")
        )
