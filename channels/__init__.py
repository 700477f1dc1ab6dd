"""Transports, one folder per channel, each a small class with `send()`.

A channel knows nothing of the outbox: it is handed a finished message and either
delivers it or raises `DeliveryError`, which says whether trying again could help.
"""

from .base import DeliveryError

__all__ = ["DeliveryError"]
