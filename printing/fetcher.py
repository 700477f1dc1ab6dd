"""The one URL fetcher of every PDF we render: data: URIs and the files the caller names.

WeasyPrint's default fetcher opens whatever the HTML names — file:, http(s):, ftp: — from
<img>, <link>, CSS url(), @import and @font-face, and embeds <link rel=attachment> /
<a rel=attachment> targets in the PDF. Letters carry HTML a company admin wrote, so a
default fetcher would hand them the server's files and make it request any address.
This one serves `data:` URIs and, by exact path, the few files the caller allows (our
own static files, the company's stored logo); it refuses everything else. Imported
lazily by printing.pdf (importing WeasyPrint loads Pango).
"""

import io
import mimetypes
import os
from collections.abc import Iterable
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse


class RefusedURL(ValueError):
    """WeasyPrint logs it ('Failed to load …') and renders on without the resource."""


def _real(path: str) -> str:
    return os.path.realpath(path)


class SafeFetcher(URLFetcher):
    def __init__(self, files: Iterable[str] = ()):
        # data: only for the parent; no redirects, and a short timeout had anything slipped
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False)
        self.files = frozenset(_real(str(path)) for path in files)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return _grey_qr(super().fetch(url, headers))
        if scheme == "file":
            parts = urlsplit(url)
            path = _real(url2pathname(parts.path)) if parts.netloc in ("", "localhost") else ""
            if path in self.files:
                kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                with open(path, "rb") as fh:
                    return URLFetcherResponse(url, fh.read(), {"Content-Type": kind})
        raise RefusedURL(f"not allowed in a PDF: {url[:120]}")


def _grey_qr(response: URLFetcherResponse) -> URLFetcherResponse:
    """A 1-bit grey PNG (our QR codes, receivables.qrcodes) handed over as 8-bit grey.

    WeasyPrint turns a 1-bit image into RGB and encodes it twice (when it loads it and
    when it writes the PDF); an 8-bit grey PNG it keeps as it is and encodes once, with a
    third of the bytes."""
    data = response.read()
    grey_bits = data.startswith(_PNG) and data[24:26] == b"\x01\x00"  # IHDR: depth 1, grey
    # A transparent colour, a picture far larger than a QR code (an admin's template may
    # carry any data: URI) or a broken one: left to WeasyPrint as it came.
    small = int.from_bytes(data[16:20], "big") * int.from_bytes(data[20:24], "big") <= _AT_MOST
    if grey_bits and small and b"tRNS" not in data:
        data = _eight_bits(data)
    return URLFetcherResponse(response.url, data, response.headers, response.status)


def _eight_bits(data: bytes) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    try:
        Image.open(io.BytesIO(data)).convert("L").save(out, "PNG", compress_level=1)
    except (OSError, ValueError):  # not a PNG Pillow can read: WeasyPrint will say so
        return data
    return out.getvalue()


_PNG = b"\x89PNG\r\n\x1a\n"
_AT_MOST = 1_000_000  # pixels; our QR codes have about 40,000
