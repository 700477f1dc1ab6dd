"""The bytes of an e-mail as they go on the wire, written directly.

Hand-written for speed, against our own guide: Django's `message()` builds an email.message
tree (about 1.1 ms for a reminder) that the stdlib then flattens line by line (0.8 ms),
folding and encoding each header through `email.header` (which is slow). Here a part is a few
joins around C encoders (binascii): about a tenth of the CPU. Kept to what Django's messages
need (text parts, base64 parts, multiparts, headers); tests/reminders/test_email_wire.py
parses these bytes and Django's with the stdlib and compares them.

Choices:
- Text parts always in quoted-printable: 7-bit, so no relay has to re-encode them (which
  would break a DKIM signature) and no server needs 8BITMIME; lines of at most 76 octets;
  a line starting "From " is written "=46rom " so no mbox delivery turns it into ">From ".
  A line starting with "." is doubled by smtplib (SMTP transparency, RFC 5321 4.5.2).
- Boundaries are "=_" and 128 random bits: "=_" occurs neither in quoted-printable nor in
  base64, nor at the start of a header line.
- Header values with CR or LF are refused (BadHeaderError), as Django does.
"""

import binascii
import os
import re
import time
from email.utils import encode_rfc2231, formatdate, quote
from functools import lru_cache

from django.conf import settings
from django.core.mail.message import (
    ADDRESS_HEADERS,
    BadHeaderError,
    forbid_multi_line_headers,
    sanitize_address,
)

CRLF = b"\r\n"
LINE = 78  # the length a header line should keep to (RFC 5322 2.1.1)
_CONTINUATION = ("%8", "%9", "%A", "%B")  # a UTF-8 octet that goes on a character
_FROM_LINE = re.compile(rb"^From [^\n]*", re.MULTILINE)
# A dot-atom address with an ASCII domain: `sanitize_address` gives it back unchanged.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9-]{1,63}"
PLAIN_ADDRESS = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})*")


def envelope_address(addr, encoding: str) -> str:
    """Django's `sanitize_address` (about 0.1 ms: a full RFC 5322 parse), skipped for plain
    addresses and cached for the others (the sender is the same for every message)."""
    if isinstance(addr, str) and PLAIN_ADDRESS.fullmatch(addr):
        return addr
    return _sanitized(addr, encoding)


@lru_cache(maxsize=1024)
def _sanitized(addr, encoding: str) -> str:
    return sanitize_address(addr, encoding)


def header(name: str, value) -> bytes:
    """One header, encoded as Django would (addresses) or in RFC 2047 words, folded."""
    value = str(value)  # may be lazy
    if name.lower() in ADDRESS_HEADERS:
        return _fold(name, _address_value(name, value))
    _refuse_newlines(name, value)
    if not _plain(name, value):
        value = " ".join(_encoded_words(value))
    return _fold(name, value)


@lru_cache(maxsize=1024)
def _address_value(name: str, value: str) -> str:
    # Django's own encoding of address headers; its folds ("\n ") are undone, refolded below
    return forbid_multi_line_headers(name, value, "utf-8")[1].replace("\n", "")


def _refuse_newlines(name: str, value: str) -> None:
    if "\n" in value or "\r" in value:
        raise BadHeaderError(
            f"Header values can't contain newlines (got {value!r} for header {name!r})"
        )


def _plain(name: str, value: str) -> bool:
    """Can be written as it is: printable ASCII, nothing a reader would decode, no word
    too long to fold."""
    if not (value.isascii() and value.isprintable()) or "=?" in value:
        return False
    room = LINE - len(name) - 2
    return len(value) <= room or max(map(len, value.split(" "))) <= room


def _encoded_words(value: str) -> list[str]:
    """UTF-8 in base64 encoded words of 64 characters at most, never splitting a
    character (RFC 2047)."""
    data, words, start = value.encode(), [], 0
    while start < len(data):
        end = min(start + 39, len(data))  # 39 octets: 52 base64 characters
        while end < len(data) and data[end] & 0xC0 == 0x80:  # inside a UTF-8 sequence
            end -= 1
        words.append(f"=?utf-8?b?{binascii.b2a_base64(data[start:end], newline=False).decode()}?=")
        start = end
    return words


def _fold(name: str, value: str) -> bytes:
    """`Name: value` CRLF, folded at spaces to keep lines within 78 characters where it can."""
    line = f"{name}: {value}"
    if len(line) <= LINE:
        return line.encode("ascii") + CRLF
    lines, line = [], f"{name}:"
    for word in value.split(" "):
        if word and len(line) + 1 + len(word) > LINE and line != f"{name}:":
            lines.append(line)
            line = ""
        line += " " + word
    lines.append(line)
    return "\r\n".join(lines).encode("ascii") + CRLF


def date() -> str:
    """The Date header's value as Django writes it, formatted once per second."""
    return _date(int(time.time()), settings.EMAIL_USE_LOCALTIME)


@lru_cache(maxsize=2)
def _date(second: int, localtime: bool) -> str:
    return formatdate(second, localtime=localtime)


def text_part(text: str, subtype: str = "plain", headers: bytes = b"") -> bytes:
    head = b'Content-Type: text/%s; charset="utf-8"\r\n' % _token(subtype)
    head += b"Content-Transfer-Encoding: quoted-printable\r\n"
    return head + headers + CRLF + _quoted_printable(text)


def _quoted_printable(text: str) -> bytes:
    if "\r" in text:  # CRLF, LF or a lone CR: each is a line break, as in the stdlib
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    data = binascii.b2a_qp(text.encode(), istext=True)
    if b"From " in data:
        data = _FROM_LINE.sub(_armour_from, data)
    return data.replace(b"\n", CRLF)


def _armour_from(match: re.Match) -> bytes:
    line = match[0]
    return b"=46" + line[1:] if len(line) + 2 <= 76 else b"=46=\n" + line[1:]


def binary_part(mimetype: str, data: bytes, headers: bytes = b"") -> bytes:
    head = b"Content-Type: %s\r\nContent-Transfer-Encoding: base64\r\n" % _token(mimetype)
    return head + headers + CRLF + _base64(data)


def _base64(data: bytes) -> bytes:
    text = binascii.b2a_base64(data, newline=False)
    return CRLF.join([text[i : i + 76] for i in range(0, len(text), 76)])


def disposition(kind: str, filename: str) -> bytes:
    """Content-Disposition with the filename quoted, or in RFC 2231 when not ASCII (in
    pieces when long, RFC 2231 section 3)."""
    _refuse_newlines("Content-Disposition", filename)
    if filename.isascii():
        return _fold("Content-Disposition", f'{kind}; filename="{quote(filename)}"')
    value, params = encode_rfc2231(filename, "utf-8"), []
    while len(value) > 60:
        cut = 60  # back to a whole character: not in a %XX escape, nor before a %8X-%BX
        while "%" in value[cut - 2 : cut] or value[cut : cut + 2] in _CONTINUATION:
            cut -= 1
        params.append(f"filename*{len(params)}*={value[:cut]}")
        value = value[cut:]
    if params:
        params.append(f"filename*{len(params)}*={value}")
    else:
        params.append(f"filename*={value}")
    return _fold("Content-Disposition", "; ".join([kind, *params]))


def multipart(subtype: str, parts: list[bytes]) -> bytes:
    boundary = f"=_{os.urandom(16).hex()}"
    head = _fold("Content-Type", f'multipart/{_token(subtype).decode()}; boundary="{boundary}"')
    delimiter = f"\r\n--{boundary}\r\n".encode()
    return b"".join((head, CRLF, delimiter[2:], delimiter.join(parts), delimiter[:-2], b"--\r\n"))


def _token(value: str) -> bytes:
    _refuse_newlines("Content-Type", value)
    return value.encode("ascii")
