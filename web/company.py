"""The current user's company: every screen scopes its queries with it."""

from django.core.exceptions import PermissionDenied

from receivables.models import Company, Role

ROLE_RANK = {Role.VIEWER: 0, Role.COLLECTOR: 1, Role.ADMIN: 2}


def company_of(request) -> Company:
    membership = getattr(request.user, "membership", None)
    if membership is None:
        raise PermissionDenied("Ce compte n'est rattaché à aucune société.")
    return membership.company


def require_role(request, role: str) -> None:
    membership = getattr(request.user, "membership", None)
    if membership is None or ROLE_RANK[membership.role] < ROLE_RANK[role]:
        raise PermissionDenied("Votre rôle ne permet pas cette action.")
