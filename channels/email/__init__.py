from .transport import Email, EmailChannel

__all__ = ["Email", "EmailChannel"]
