"""Creating, checking and revoking API tokens: the only place token secrets are handled."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken

TOKEN_PREFIX = "rlc_"
# Writing last_used_at on every call would turn each read into a write: once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    pass


def hash_token(raw: str) -> str:
    # A 256-bit random secret needs no slow hash (nothing to brute-force), like GitHub's tokens.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_token(user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`, scoped to the user's company. Returns (row, secret)."""
    membership = getattr(user, "membership", None)
    if membership is None:
        raise TokenError(_("%(user)s n'est rattaché à aucune société.") % {"user": user})
    if not user.is_active:
        raise TokenError(_("Le compte %(user)s est désactivé.") % {"user": user})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        company=membership.company,
        name=name,
        prefix=raw[:12],
        key_hash=hash_token(raw),
    )
    return token, raw


def check_token(raw: str, *, now=None) -> ApiToken | None:
    """The live token matching `raw`, or None (unknown, revoked, user gone or moved)."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user__membership", "company")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    membership = getattr(token.user, "membership", None)
    # A user moved to another company must not keep access to the old one.
    if membership is None or membership.company_id != token.company_id:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def revoke(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
