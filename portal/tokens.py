"""Personal links: a random token per link (192 bits), only its SHA-256 stored.

- `issue_token` gives a new link for a reminder going out and renews the customer's live links
  (each expires `link_days` after the last reminder); `link_for` is what %LIEN_PORTAIL%
  calls (registered in reminders.links by portal.apps).
- `resolve` finds the live link of a token, comparing hashes in constant time; a wrong,
  expired or revoked token, or a portal switched off, are all just None.
- `revoke` ends every link of a customer (the customer file's button).
- A document is named in the portal's URLs by a reference derived from the link's hash
  (`doc_ref`): no customer or invoice id ever appears, and a reference is worthless
  without its token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from receivables.models import Company, Customer
from reminders.links import PLACEHOLDER
from reminders.outbox_sql import insert

from .models import PortalLink, PortalSettings

TOKEN_BYTES = 24  # 192 bits; token_urlsafe gives 32 characters
PLACEHOLDER_TOKEN = "…"
URL_MARKER = "0token0marker0"  # stands for a token in a reversed URL, then replaced


def settings_for(company: Company) -> PortalSettings:
    found = PortalSettings.objects.filter(company=company).first()
    return found or PortalSettings.objects.get_or_create(company=company)[0]


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def url_of(token: str) -> str:
    return settings.RELANCE_PUBLIC_URL.rstrip("/") + reverse("portal", args=[token])


def issue_token(company: Company, customer: Customer, days: int | None = None) -> str:
    """A new token for `customer` (returned once, never stored), and every live link of the
    customer renewed for the company's period (`days`, when the caller has read it)."""
    days = settings_for(company).link_days if days is None else days
    expires = timezone.now() + timedelta(days=days)
    live(customer).update(expires_at=expires)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    PortalLink.objects.create(
        company=company, customer=customer, token_hash=hash_of(token), expires_at=expires
    )
    return token


def link_for(company: Company, customer: Customer, *, issue: bool) -> str:
    """%LIEN_PORTAIL%'s value: a fresh link for a reminder going out, a placeholder in a
    preview, "" when the company switched its portal off."""
    portal = settings_for(company)
    if not portal.enabled:
        return ""
    if not issue:
        return str(PLACEHOLDER)
    return url_of(issue_token(company, customer, portal.link_days))


class ChunkLinks:
    """The links of a chunk of e-mails a worker words at once (`reminders.links.issuer`):
    the company's settings read once, each token made in memory, and `save` writes them
    in one INSERT after one UPDATE renewing the customers' live links, committed with the
    words that carry them. Same links, same renewal as `issue_token`, without three
    statements and a commit per message."""

    def __init__(self, company: Company):
        self.company = company
        self.portal = settings_for(company)
        self.expires = timezone.now() + timedelta(days=self.portal.link_days)
        self.rows: list[PortalLink] = []
        self._url = ""  # the portal's URL with a marker token: reverse() once per chunk

    def url(self, customer: Customer) -> str:
        if not self.portal.enabled:
            return ""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self.rows.append(
            PortalLink(
                company=self.company,
                customer=customer,
                token_hash=hash_of(token),
                expires_at=self.expires,
            )
        )
        if not self._url:
            self._url = url_of(URL_MARKER)
        head, _marker, tail = self._url.rpartition(URL_MARKER)
        return head + token + tail

    def save(self) -> None:
        if not self.rows:
            return
        customers = {row.customer_id for row in self.rows}
        PortalLink.objects.filter(
            customer_id__in=customers, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).update(expires_at=self.expires)
        insert(PortalLink, self.rows)  # bulk_create compiles SQL per row
        self.rows = []


def live(customer: Customer):
    return PortalLink.objects.filter(
        customer=customer, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def resolve(token: str) -> PortalLink | None:
    """The live link of `token`, or None whatever the reason (nothing is told apart)."""
    if not token or len(token) > 100:
        return None
    digest = hash_of(token)
    link = (
        PortalLink.objects.select_related("company", "customer").filter(token_hash=digest).first()
    )
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    if link.revoked_at is not None or link.expires_at <= timezone.now():
        return None
    if link.customer.company_id != link.company_id or not settings_for(link.company).enabled:
        return None
    PortalLink.objects.filter(pk=link.pk).update(last_seen_at=timezone.now())
    return link


def revoke(company: Company, customer: Customer) -> int:
    """End every link of the customer now; the next reminder gives a new one."""
    return PortalLink.objects.filter(
        company=company, customer=customer, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def doc_ref(link: PortalLink, document_id: int) -> str:
    """A document's name in this link's URLs: 16 hex characters of an HMAC keyed by the
    link's hash (stable for the link, meaningless for any other)."""
    mac = hmac.new(link.token_hash.encode(), f"document:{document_id}".encode(), "sha256")
    return mac.hexdigest()[:16]
