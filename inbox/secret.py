"""The mailbox password, stored encrypted (Fernet: AES + HMAC) under a key derived from
RELANCE_MAILBOX_KEY, or from SECRET_KEY when that is not set. Changing the key makes
stored passwords unreadable: the settings screen then asks for the password again.

Other stored secrets (the payment provider's keys, banking/online/) use the same mechanism
under their own `purpose`, so one key never opens another's secrets."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet(purpose: str) -> Fernet:
    secret = settings.RELANCE_MAILBOX_KEY or settings.SECRET_KEY
    digest = hashlib.sha256(f"relance-{purpose}:".encode() + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(password: str, *, purpose: str = "mailbox") -> str:
    return _fernet(purpose).encrypt(password.encode()).decode() if password else ""


def decrypt(token: str, *, purpose: str = "mailbox") -> str:
    """'' when nothing is stored or the key changed since (the password must be re-entered)."""
    if not token:
        return ""
    try:
        return _fernet(purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
