"""The one place that turns HTML into PDF (WeasyPrint). Callers pass finished HTML.

Render many letters as ONE document when you can: WeasyPrint's start-up cost per
document dominates (about 0.4 s each). Inside a document the cost is per box and per
line of text, about 1 ms each: the letter layout (channels/letter) is kept lean for that
(a letter with its documents table and payment QR code: ~60 ms of CPU, the table a third).
Measured 2026-11-23 on the shared 2-core box (load 5-6 from other jobs), bench/send.py
--emails 0: 1,000 letters at 13.0 letters per CPU-second, 11.4 letters/s end to end
(was 7.2 and 4.3); 300 letters back to back with the old layout: 9.0-9.7 vs 5.9-6.0 per
CPU-second. On a quiet machine expect about twice the wall-clock rate of one core.

A long run is cut into parts of at most PART_SIZE letters, rendered side by side (one
process per core) and joined in order: wall time shrinks with the cores, and memory
stays bounded (one document of 1,000 letters held about 1.4 GB).
"""

import gc
import io
import math
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PART_SIZE = 250  # at most this many sections per document
MIN_PART = 50  # below this, another process costs more (~1 s to start) than it saves


@contextmanager
def fewer_collections():
    """WeasyPrint makes objects by the million for a long document (a box per element and
    per line); with Python's default thresholds the cyclic garbage collector ran all the
    time, a fifth of the CPU of a run of letters (46 -> 38 ms a letter). Reference
    counting still frees what is dropped; only the search for cycles waits longer."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def html_to_pdf(html: str, files: Iterable[str] = ()) -> bytes:
    """`html` as PDF; it may load `data:` URIs and the `files` named (exact paths) only."""
    with fewer_collections():
        return html_to_document(html, files).write_pdf()


def html_to_document(html: str, files: Iterable[str] = ()):
    """A rendered WeasyPrint document, for callers that need its page count.

    Every PDF goes through here: the fetcher serves `data:` URIs and the `files` named,
    nothing else (printing.fetcher), there is no base URL for a relative path to lean
    on, and no attachment survives: <link rel=attachment> and <a rel=attachment> would
    embed their target in the PDF."""
    from weasyprint import HTML  # imported lazily: it loads Pango

    from .fetcher import SafeFetcher

    with fewer_collections():
        document = HTML(string=html, base_url=None, url_fetcher=SafeFetcher(files)).render()
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document


def part_count(sections: int, cores: int | None = None) -> int:
    """How many documents to render `sections` sections (letters) as."""
    cores = cores or os.cpu_count() or 1
    return max(1, math.ceil(sections / PART_SIZE), min(cores, sections // MIN_PART))


def sections_to_pdf(
    head: str, sections: list[str], tail: str, files: Iterable[str] = ()
) -> tuple[bytes, int]:
    """head + sections + tail as ONE PDF: (bytes, page count). Many sections are cut into
    parts (see part_count) rendered in parallel, then joined in order. `files`: as for
    html_to_pdf."""
    files = tuple(files)
    n = part_count(len(sections))
    size = math.ceil(len(sections) / n)
    htmls = [head + "".join(sections[i : i + size]) + tail for i in range(0, len(sections), size)]
    if len(htmls) == 1:
        return _render(htmls[0], files)
    # spawn, not fork: a fresh interpreter shares no database connection or Pango state
    context = multiprocessing.get_context("spawn")
    workers = min(len(htmls), os.cpu_count() or 1)
    if multiprocessing.current_process().daemon:
        workers = 1  # a daemonic process may not start children
    if workers == 1:  # one core: parts in turn, for the memory bound alone
        parts = [_render(html, files) for html in htmls]
    else:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            parts = list(pool.map(_render, htmls, [files] * len(htmls)))
    return join_pdfs([pdf for pdf, _pages in parts]), sum(pages for _pdf, pages in parts)


def _render(html: str, files: tuple[str, ...]) -> tuple[bytes, int]:
    with fewer_collections():
        document = html_to_document(html, files)
        return document.write_pdf(), len(document.pages)


def join_pdfs(pdfs: list[bytes]) -> bytes:
    """The PDFs one after the other, as one. pikepdf (qpdf) copies 1,000 letter pages
    in about 0.2 s of CPU where pypdf took 1 s: on a long run that is serial time."""
    import pikepdf

    out = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(pdf)) for pdf in pdfs]  # open until saved
    for source in sources:
        out.pages.extend(source.pages)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
