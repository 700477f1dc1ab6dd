"""HTML as plain text, for the text part of a message whose template has only HTML
(letters) and for editing such a message: blocks become paragraphs, table cells are
kept apart, keywords and words are left as they are."""

import re
from html import unescape

_INVISIBLE = re.compile(r"<(style|script|head|title)\b.*?</\1\s*>", re.S | re.I)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_BLOCK = re.compile(
    r"</?(p|div|h[1-6]|table|thead|tbody|tfoot|tr|ul|ol|li|blockquote|section|header|footer)"
    r"\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]+>")
_NEXT_CELL = re.compile(r"</t[dh]>\s*(?=<t[dh]\b)", re.I)
_NEXT_ROW = re.compile(r"</tr>\s*<tr\b[^>]*>", re.I)


def html_to_text(html: str) -> str:
    """HTML as text (keywords kept): blocks become paragraphs, a table's rows lines."""
    text = _INVISIBLE.sub("", html or "")
    text = re.sub(r"\s+", " ", text)  # the source's own line breaks mean nothing in HTML
    text = _BREAK.sub("\n", text)
    text = _NEXT_CELL.sub(" · ", text)
    text = _NEXT_ROW.sub("\n", text)  # a table's rows on lines of their own
    text = _BLOCK.sub("\n\n", text)
    text = unescape(_TAG.sub("", text))
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
