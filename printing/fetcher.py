"""The one URL fetcher of every PDF we render: data: URIs and the files the caller names.

WeasyPrint's default fetcher opens whatever the HTML names — file:, http(s):, ftp: — from
<img>, <link>, CSS url(), @import and @font-face, and embeds <link rel=attachment> /
<a rel=attachment> targets in the PDF. Letters carry HTML a company admin wrote, so a
default fetcher would hand them the server's files and make it request any address.
This one serves `data:` URIs and, by exact path, the few files the caller allows (our
own static files, the company's stored logo); it refuses everything else. Imported
lazily by printing.pdf (importing WeasyPrint loads Pango).
"""

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
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            path = _real(url2pathname(parts.path)) if parts.netloc in ("", "localhost") else ""
            if path in self.files:
                kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                with open(path, "rb") as fh:
                    return URLFetcherResponse(url, fh.read(), {"Content-Type": kind})
        raise RefusedURL(f"not allowed in a PDF: {url[:120]}")
