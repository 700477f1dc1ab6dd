"""%LIEN_PORTAIL%: the customer's personal link to the portal.

The portal lives floors above (portal/); it registers here how a link is made
(`register`), like the channels register their transports: reminders never import it.
A link is issued only for a reminder that is written to go out (`issue=True`: the letters
of a batch, an e-mail worded by the worker); a preview shows a placeholder, so reading a
preview creates nothing. Without a portal (or with it switched off) the value is empty.
"""

from collections.abc import Callable
from html import escape

from django.utils.translation import gettext as _

from receivables.models import Company, Customer
from receivables.qrcodes import qr_png

from .keywords import Block

_maker: list[Callable[..., str]] = []


def register(maker: Callable[..., str]) -> None:
    """`maker(company, customer, issue=bool) -> url` ("" when the company has no portal)."""
    _maker[:] = [maker]


def portal_link(company: Company, customer: Customer, *, issue: bool) -> str:
    if not _maker:
        return ""
    return _maker[0](company, customer, issue=issue)


def qr_data_uri(url: str) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(qr_png(url.encode())).decode()


def link_block(url: str, *, printed: bool) -> Block:
    """The link as text, and in HTML as a link (a letter: with its QR code to scan)."""
    if not url:
        return Block("", "")
    if "://" not in url:  # a preview's placeholder
        return Block(url, escape(url))
    html = f'<a href="{escape(url)}">{escape(url)}</a>'
    if printed:  # floated beside the words by the letter's style sheet (channels/letter)
        alt = escape(_("QR code du lien vers votre espace client"))
        img = f'<img class="portal-qr" src="{qr_data_uri(url)}" alt="{alt}" width="60" height="60">'
        html = img + html
    return Block(url, html)
