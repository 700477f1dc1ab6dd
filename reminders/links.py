"""%LIEN_PORTAIL%: the customer's personal link to the portal.

The portal lives floors above (portal/); it registers here how a link is made
(`register`), like the channels register their transports: reminders never import it.
A link is issued only for a reminder that is written to go out (`issue=True`: the letters
of a batch, an e-mail worded by the worker); a preview shows a placeholder, so reading a
preview creates nothing. Without a portal (or with it switched off) the value is empty.
"""

from collections.abc import Callable
from html import escape
from typing import Protocol

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from receivables.models import Company, Customer
from receivables.qrcodes import PRINT_SCALE, qr_png

from .keywords import Block

_maker: list[Callable[..., str]] = []
_issuer: list[Callable[[Company], "Issuer"]] = []

# what a preview shows instead of a link (a maker returns it when not issuing)
PLACEHOLDER = gettext_lazy("(lien personnel, créé à l'envoi)")
KEYWORD = "%LIEN_PORTAIL%"


def placeholder_to_keyword(words: str) -> str:
    """An edited preview that kept the placeholder asks for the link: the keyword again,
    so that the message going out gets a real one (reminders.editing)."""
    for language in ("fr", "en"):
        with translation.override(language):
            words = words.replace(str(PLACEHOLDER), KEYWORD)
    return words


class Issuer(Protocol):
    """Links for a chunk of e-mails being worded: `url(customer)` gives each at once, and
    `save()` writes them all, inside the transaction that stores the words carrying them."""

    def url(self, customer: Customer) -> str: ...

    def save(self) -> None: ...


def register(maker: Callable[..., str], issuer: Callable[[Company], Issuer] | None = None) -> None:
    """`maker(company, customer, issue=bool) -> url` ("" when the company has no portal);
    `issuer(company)`: the same links made for many reminders at once."""
    _maker[:] = [maker]
    _issuer[:] = [issuer] if issuer else []


def issuer(company: Company) -> Issuer | None:
    """An `Issuer` for the company's next chunk, or None (links made one by one)."""
    return _issuer[0](company) if _issuer else None


def portal_link(
    company: Company, customer: Customer, *, issue: bool, issuer: Issuer | None = None
) -> str:
    """The link for a message; through `issuer` when one is issuing a chunk's links."""
    if issue and issuer is not None:
        return issuer.url(customer)
    if not _maker:
        return ""
    return _maker[0](company, customer, issue=issue)


def add_link_for_edit(
    values: dict, company: Company, customer: Customer, words: str, *, printed: bool
) -> None:
    """An edit that asks for the link (the keyword, or the preview's placeholder) of a
    message whose template did not: the link is made now, the message is going out."""
    current = values.get("LIEN_PORTAIL")
    if not getattr(current, "text", current) and KEYWORD in placeholder_to_keyword(words):
        values["LIEN_PORTAIL"] = link_block(portal_link(company, customer, issue=True),
                                            printed=printed)  # fmt: skip


def qr_data_uri(url: str) -> str:
    """The link's QR code for a printed letter (sized and drawn sharp by its style sheet)."""
    import base64

    png = qr_png(url.encode(), scale=PRINT_SCALE)
    return "data:image/png;base64," + base64.b64encode(png).decode()


def link_block(url: str, *, printed: bool) -> Block:
    """The link as text, and in HTML as a link (a letter: with its QR code to scan)."""
    if not url:
        return Block("", "")
    if "://" not in url:  # a preview's placeholder
        return Block(url, escape(url))
    html = f'<a href="{escape(url)}">{escape(url)}</a>'
    if printed:  # floated beside the words by the letter's style sheet (channels/letter)
        alt = escape(_("QR code du lien vers votre espace client"))
        img = (
            f'<img class="portal-qr" src="{qr_data_uri(url)}" alt="{alt}" width="60" height="60"'
            ' style="image-rendering:pixelated">'
        )  # one pixel a module: sharp on screen too
        html = img + html
    return Block(url, html)
