from .transport import Call, PhoneChannel

__all__ = ["Call", "PhoneChannel"]
