"""The current user's company: every screen scopes its queries with it."""

from django.core.exceptions import PermissionDenied

from receivables.models import Company, Role

ROLE_RANK = {Role.VIEWER: 0, Role.COLLECTOR: 1, Role.ADMIN: 2}


class NoCompany(PermissionDenied):
    """A login with no membership: answered by `web.screens.welcome.forbidden` with the
    first-run form (superuser, empty database) or a page saying whom to ask."""


def company_of(request) -> Company:
    membership = getattr(request.user, "membership", None)
    if membership is None:
        raise NoCompany("Ce compte n'est rattaché à aucune société.")
    return membership.company


def require_role(request, role: str) -> None:
    membership = getattr(request.user, "membership", None)
    if membership is None:
        raise NoCompany("Ce compte n'est rattaché à aucune société.")
    if ROLE_RANK[membership.role] < ROLE_RANK[role]:
        raise PermissionDenied("Votre rôle ne permet pas cette action.")
