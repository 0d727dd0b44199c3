"""gzip for the site's public text files: its scripts and style sheet (the lesson player's
libraries are 570 kB as sent uncompressed, a few seconds of a phone's connection), the app's
manifest, icons in SVG, subtitles and HLS playlists.

Only these kinds are compressed, never HTML or JSON: pages and API answers carry CSRF tokens and
personal data next to what the visitor typed, which compression over TLS would leak (BREACH).
Range requests and conditional answers (206, 304) are left as they are; a compressed answer
varies on Accept-Encoding and its ETag becomes weak (the bytes differ, the file does not), so
revalidation still ends in 304.
"""

from __future__ import annotations

import gzip
from functools import lru_cache

from flask import Flask, Response, request

COMPRESSIBLE = frozenset(
    {
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/manifest+json",
        "image/svg+xml",
        "text/vtt",
        "application/vnd.apple.mpegurl",
    }
)
MIN_BYTES = 1024
LEVEL = 6


def accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


@lru_cache(maxsize=32)
def _gzipped(data: bytes) -> bytes:
    # mtime=0: the same file gives the same bytes (and stays cacheable by its ETag).
    return gzip.compress(data, compresslevel=LEVEL, mtime=0)


def compress(response: Response) -> Response:
    if (
        request.method != "GET"
        or response.status_code != 200
        or response.mimetype not in COMPRESSIBLE
        or (response.is_streamed and not response.direct_passthrough)
        or "Content-Encoding" in response.headers
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not accepts_gzip():
        return response
    response.direct_passthrough = False  # a file (send_file): read it into the answer
    data = response.get_data()
    if len(data) < MIN_BYTES:
        return response
    response.set_data(_gzipped(data))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
