"""Who is asking, and how often: the portal's rate limits, counted in the cache.

Per client address (every portal request, and stricter for tokens that lead nowhere) and
per link. The address is handed in by the face, which reads it from the request as every
counter by address does (web.client.client_address).
"""

import hashlib

from django.core.cache import cache

WINDOW = 600  # seconds
PER_ADDRESS = 300  # portal requests per address per window
MISSES_PER_ADDRESS = 20  # tokens that lead nowhere, per address per window
PER_LINK = 120  # requests per link per window
POSTS_PER_LINK = 20  # actions (forms sent) per link per window


def _key(kind: str, value: str) -> str:
    return f"portal:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _count(key: str) -> int:
    if cache.add(key, 1, WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW)
        return 1


def _over(key: str, limit: int) -> bool:
    return (cache.get(key) or 0) >= limit


def refused(address: str, token: str, *, post: bool) -> bool:
    """Count this request; True when the address or the link asked too often."""
    if _over(_key("miss", address), MISSES_PER_ADDRESS):
        return True
    if _count(_key("addr", address)) > PER_ADDRESS:
        return True
    if _count(_key("link", token)) > PER_LINK:
        return True
    return post and _count(_key("post", token)) > POSTS_PER_LINK


def missed(address: str) -> None:
    """A token that led nowhere: counted against the address."""
    _count(_key("miss", address))
