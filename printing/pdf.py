"""The one place that turns HTML into PDF (WeasyPrint). Callers pass finished HTML.

Render many letters as documents of many pages: the first document in a process costs
about 0.7 s (loading Pango), each later one a few hundredths of a second more than its
pages. Inside a document the cost is per box and per line of text, about 1 ms each: the
letter layout (channels/letter) is kept lean for that (a letter with its documents table,
reckoning and two QR codes: ~45 ms of CPU, the documents table a fifth to a third).
Measured 2026-11-23 on the shared 2-core box (load 5-6 from other jobs), bench/send.py
--emails 0: 1,000 letters at 13.0 letters per CPU-second, 11.4 letters/s end to end
(was 7.2 and 4.3); 300 letters back to back with the old layout: 9.0-9.7 vs 5.9-6.0 per
CPU-second. On a quiet machine expect about twice the wall-clock rate of one core.

A long run is cut into parts of at most PART_SIZE letters, rendered side by side (one
process per core) and joined in order: wall time shrinks with the cores, and memory
stays bounded (one document of 1,000 letters held about 1.4 GB). A part goes to the
processes as soon as its HTML is built, and is joined as soon as it comes back: the
processes load WeasyPrint (about 1 s) while the first parts are built, and the join
runs while the last parts render.
"""

import gc
import io
import itertools
import math
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PART_SIZE = 100  # at most this many sections per document
SOLO = 100  # fewer: one document here (another process costs ~1 s to start)
LAST_PART = 20  # the parts shrink to about this size toward the end (~1 s of a core)


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


def part_sizes(sections: int, cores: int | None = None) -> list[int]:
    """How many sections (letters) each document gets, in order. A few: one document,
    here. More: parts of at most PART_SIZE, each a share of what is left for the cores,
    so the last ones shrink to about LAST_PART: the processes end nearly together, a core
    idles at most while another renders one small part."""
    cores = cores or os.cpu_count() or 1
    if sections <= PART_SIZE or sections < SOLO:
        return [sections]
    sizes, left = [], sections
    while left:
        size = min(PART_SIZE, max(LAST_PART, math.ceil(left / (2 * cores))))
        size = left if left - size < LAST_PART else size  # no crumb at the end
        sizes.append(size)
        left -= size
    return sorted(sizes, reverse=True)


def sections_to_pdf(
    head: str,
    sections: Iterable[str],
    tail: str,
    files: Iterable[str] = (),
    count: int | None = None,
) -> tuple[bytes, int]:
    """head + sections + tail as ONE PDF: (bytes, page count). Many sections are cut into
    parts (see part_sizes) rendered in parallel, then joined in order. `sections` may be
    an iterator, with its `count`: each part is handed over as soon as its sections are
    built, while the other processes start. `files`: as for html_to_pdf."""
    files = tuple(files)
    if count is None:
        sections = list(sections)
        count = len(sections)
    sizes = part_sizes(count)
    htmls = _parts(head, iter(sections), tail, sizes)
    workers = min(len(sizes), os.cpu_count() or 1)
    if multiprocessing.current_process().daemon:
        workers = 1  # a daemonic process may not start children
    if workers == 1:  # one document, or one core: parts in turn, for the memory bound alone
        return _join(_render(html, files) for html in htmls)
    # spawn, not fork: a fresh interpreter shares no database connection or Pango state
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        # each submit starts a process while none is idle: both start at the first two
        # parts, and load WeasyPrint while this process builds the next parts
        futures = [pool.submit(_render, html, files) for html in htmls]
        return _join(future.result() for future in futures)


def _parts(head: str, sections: Iterator[str], tail: str, sizes: list[int]) -> Iterator[str]:
    for size in sizes:
        yield head + "".join(itertools.islice(sections, size)) + tail


def _render(html: str, files: tuple[str, ...]) -> tuple[bytes, int]:
    with fewer_collections():
        document = html_to_document(html, files)
        return document.write_pdf(), len(document.pages)


def _join(parts: Iterable[tuple[bytes, int]]) -> tuple[bytes, int]:
    """The parts (pdf, pages) as one PDF, in order: each is added as it comes, while the
    next ones still render. pikepdf (qpdf) copies 1,000 letter pages in about 0.2 s of
    CPU where pypdf took 1 s."""
    import pikepdf

    parts = iter(parts)
    first, pages = next(parts)
    out, sources = None, []  # the sources stay open until saved
    for pdf, count in parts:
        if out is None:
            out = pikepdf.new()
            sources.append(pikepdf.open(io.BytesIO(first)))
            out.pages.extend(sources[-1].pages)
        sources.append(pikepdf.open(io.BytesIO(pdf)))
        out.pages.extend(sources[-1].pages)
        pages += count
    if out is None:  # one part: as it is
        return first, pages
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue(), pages
