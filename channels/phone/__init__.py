"""Phone (kind `phone`): a person calls, then logs the call; nothing to deliver."""

from .transport import PhoneChannel

__all__ = ["PhoneChannel"]
