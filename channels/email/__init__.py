"""E-mail (kinds `email` and `firm_email`): Django's mail backend and its EMAIL_* settings."""

from .transport import EmailChannel

__all__ = ["EmailChannel"]
