"""The port between the outbox and the channels: what the core hands a transport, what a
transport may answer, and where the core finds the transport of a channel kind.

The core names no channel module. A channel is a folder `channels/<name>/` with its
transport class, registered in ONE place, `settings.RELANCE_CHANNELS` (kind -> dotted
path), and looked up here at each use, so that a test (or a site) can plug in another.
A transport imports this module (channels -> reminders), never the reverse.

The shapes a transport is handed:
- e-mail kinds (`email`, `firm_email`): `send(Email)`, then `close()` once the worker is
  done (one connection for many messages); raises DeliveryError.
- `letter`: `layout(Letter) -> html` (one letter's page, also the preview) and
  `send(list[Letter]) -> (pdf bytes, page count)`: one PDF a person prints and posts.
- `phone`: `send(Call)` once a person has made the call (nothing leaves).
"""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """Sending failed. `permanent`: retrying the same message cannot succeed (e.g. SMTP 5xx);
    otherwise it may (4xx, connection lost). `uncertain`: the whole message reached the
    server but its answer was lost, so it may have been accepted: never retried, a person
    decides. `str(error)` is the server's words."""

    def __init__(self, message: str, *, permanent: bool, uncertain: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.uncertain = uncertain


@dataclass
class Email:
    from_email: str
    to: list[str]
    subject: str
    text: str
    html: str = ""
    message_id: str = ""
    reply_to: list[str] = field(default_factory=list)
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


@dataclass
class Letterhead:
    name: str
    address_lines: list[str]
    contact: str = ""
    legal: str = ""
    footer: str = ""
    logo_path: str = ""  # a stored file: the PDF renderer is allowed this one by name

    @property
    def logo_url(self) -> str:
        return Path(self.logo_path).as_uri() if self.logo_path else ""

    # Line lists print as one pre-line block each: far cheaper than a box per line.
    @property
    def address_text(self) -> str:
        return "\n".join(self.address_lines)

    @property
    def contact_text(self) -> str:
        return "\n".join(p for p in (self.contact, self.legal) if p)


@dataclass
class Letter:
    head: Letterhead
    recipient: list[str]
    place_date: str
    subject: str
    body_html: str  # already substituted and escaped by the caller
    reference: str = ""
    extra: dict = field(default_factory=dict)
    continued: str = ""  # atop the letter's later pages: whose letter, what it is about

    @property
    def recipient_text(self) -> str:
        return "\n".join(self.recipient)


@dataclass
class Call:
    customer: str
    outcome: str
    promise_date: date | None = None
    dispute_reason: str = ""


class EmailTransport(Protocol):
    def send(self, email: Email) -> None: ...

    def close(self) -> None: ...


class LetterTransport(Protocol):
    def layout(self, letter: Letter) -> str: ...

    def send(self, letters: list[Letter]) -> tuple[bytes, int]: ...


class CallTransport(Protocol):
    def send(self, call: Call) -> None: ...


def transport_class(kind: str) -> type:
    """The transport class registered for a channel kind (read at each call)."""
    kind = str(kind)  # a Channel member names itself by its value
    registry = getattr(settings, "RELANCE_CHANNELS", {})
    try:
        path = registry[kind]
    except KeyError:
        raise ImproperlyConfigured(
            f"RELANCE_CHANNELS has no transport for the channel {kind!r}"
        ) from None
    try:
        return import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"RELANCE_CHANNELS[{kind!r}] = {path!r}: {exc}") from exc


def transport(kind: str, *args, **kwargs):
    """A new transport for a channel kind, built with the given arguments."""
    return transport_class(kind)(*args, **kwargs)
