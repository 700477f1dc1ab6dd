"""The HTML a company writes in its templates, cleaned with an allowlist (nh3, i.e. ammonia).

A template's HTML is printed into letters (WeasyPrint) and sent in e-mails, so it must not
make the server or a mail client fetch, read or run anything. It is cleaned when a
template is saved (`Template.clean`, so the screens, the admin, the API and imports alike)
and again when it is worded (a template stored before this rule, or written to the
database directly, is cleaned all the same). Our own HTML — the documents table, the
payment code, the letter's layout — is added after the cleaning and never goes through it.

Kept: text, paragraphs, emphasis, headings, lists, tables, `class`, inline styles of plain
layout properties (no `url()`), links to http(s), mailto and tel, images given inline as
data:image/png, jpeg or gif. Removed: scripts and style sheets with their content, <link>,
<base>, <meta>, forms, frames, objects, SVG, comments, event handlers (on*), `rel`,
`download`, relative URLs and every other URL a renderer or mail client would fetch.
%KEYWORDS% are plain text and stay as written.
"""

import re
from functools import lru_cache
from html.parser import HTMLParser

import nh3

TAGS = (nh3.ALLOWED_TAGS - {"area", "map"}) | {"tfoot"}

_CELL = {"align", "valign", "colspan", "rowspan", "width", "height"}
ATTRIBUTES = {
    "*": {"class", "style", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "table": {"align", "width", "cellpadding", "cellspacing", "border"},
    "td": _CELL,
    "th": _CELL | {"scope"},
    "tr": {"align", "valign"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "li": {"value"},
}

# Layout only: nothing here takes an image or a URL (background, list-style, content,
# cursor, border-image, mask... are not listed, so they are dropped).
STYLE_PROPERTIES = frozenset(
    {
        "color",
        "background-color",
        "font",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "font-variant",
        "letter-spacing",
        "line-height",
        "text-align",
        "text-decoration",
        "text-indent",
        "text-transform",
        "vertical-align",
        "white-space",
        "word-spacing",
        "display",
        "width",
        "min-width",
        "max-width",
        "height",
        "min-height",
        "max-height",
        "border-collapse",
        "border-spacing",
        "break-before",
        "break-after",
        "break-inside",
        "page-break-before",
        "page-break-after",
        "page-break-inside",
    }
    | {
        f"{box}{side}{part}"
        for box in ("margin", "padding", "border")
        for side in ("", "-top", "-right", "-bottom", "-left")
        for part in (("", "-color", "-style", "-width") if box == "border" else ("",))
    }
)

LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:")
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=\s]+", re.I)
_FETCHES = re.compile(r"url\s*\(|image-set|@|expression", re.I)
_HIDES = re.compile(r"\\|/\*")  # a CSS escape (u\72l) or comment could hide the above


def _attribute(tag: str, name: str, value: str) -> str | None:
    if name == "href":
        return value if value.strip().lower().startswith(LINK_SCHEMES) else None
    if name == "src":
        return value if _IMAGE_DATA.fullmatch(value.strip()) else None
    if name == "style":
        if _HIDES.search(value):
            return None
        return ";".join(d for d in value.split(";") if not _FETCHES.search(d)) or None
    return value


@lru_cache(maxsize=512)  # a batch words the same few templates thousands of times
def clean_html(html: str) -> str:
    """`html` with only what the allowlist above keeps."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        attribute_filter=_attribute,
        link_rel=None,
        url_schemes={"http", "https", "mailto", "tel", "data"},
        url_relative="deny",
        filter_style_properties=STYLE_PROPERTIES,
        strip_comments=True,
    )


class _Markup(HTMLParser):
    """The tags and attribute names an HTML text uses."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.add(f"<{tag}>")
        self.found.update(name for name, _value in attrs)

    handle_startendtag = handle_starttag


def removed_markup(before: str, after: str) -> list[str]:
    """What the cleaning took away, to tell the person who wrote it: ['<script>', 'onclick']."""
    return sorted(_Markup(before or "").found - _Markup(after or "").found)
