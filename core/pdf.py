"""The one PDF renderer: a template and its context in, a PDF's bytes out (WeasyPrint).

The font is named in `static/css/pdf.css` (WenQuanYi Micro Hei, Debian `fonts-wqy-microhei`:
a TrueType font that WeasyPrint subsets about four times faster than the Noto CJK collection,
DESIGN.md §5). Nothing is fetched from outside: the URL fetcher serves only our own static
files and `data:` URIs (a photo is embedded as one); anything else is refused.

Python's cyclic garbage collector is held off while a document is laid out
(`cyclic_gc_paused`): its passes over WeasyPrint's growing box tree were a quarter of a city
briefing's time (docs/performance.md).
"""

import gc
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF = "application/pdf"
# Relative URLs resolve against this; `.invalid` is reserved, and the fetcher below answers
# every request itself, so no address is ever looked up.
BASE_URL = "http://app.invalid/"


class RefusedFetch(ValueError):
    pass


def _static_path(url: str) -> Path | None:
    path = unquote(urlparse(url).path).lstrip("/")
    prefix = settings.STATIC_URL.lstrip("/")
    if not path.startswith(prefix):
        return None
    try:
        found = finders.find(path[len(prefix) :])
    except SuspiciousFileOperation:  # ../ out of the static directories
        return None
    return Path(found) if found else None


class AppFetcher(URLFetcher):
    """Our static files and data: URIs only; the network is never touched."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
        path = _static_path(url) if url.startswith(BASE_URL) else None
        if path is None or not path.is_file():
            raise RefusedFetch(f"PDF may not load {url!r}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; reference counting frees as before.

    WeasyPrint makes hundreds of thousands of objects for a long document (styles, boxes, text
    layouts), and the collector, triggered by their number, walked the whole growing heap again
    and again to find next to nothing: a city's briefing (18 pages, 3,500 table cells) spent
    1.1–1.4 s of its 4.5 s of CPU there, for the same peak memory (210 MB). What cycles the
    block leaves are collected by the next pass after it. The switch is the process's: a thread
    that finds it already off leaves it to the one that turned it off."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    with cyclic_gc_paused():
        return HTML(string=html, base_url=BASE_URL, url_fetcher=AppFetcher()).write_pdf()


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF download under a Chinese file name (RFC 5987 ``filename*``, with an ASCII
    fallback for old clients)."""
    response = HttpResponse(data, content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
