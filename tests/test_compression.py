"""gzip for the public text files (webapp/compression.py): the scripts and style sheet, subtitles
and playlists are compressed for a browser that accepts it, revalidate to 304, and pages (which
carry CSRF tokens and personal data) never are."""

from __future__ import annotations

import gzip
from pathlib import Path

import webapp

STATIC = Path(webapp.__file__).resolve().parent / "static"
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_the_player_library_is_sent_compressed_and_revalidates(client):
    plain = (STATIC / "vendor" / "hls.light.min.js").read_bytes()
    answer = client.get("/static/vendor/hls.light.min.js", headers=GZIP)
    assert answer.status_code == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in answer.headers["Vary"]
    assert gzip.decompress(answer.data) == plain
    assert int(answer.headers["Content-Length"]) == len(answer.data) < len(plain) / 2
    etag = answer.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/static/vendor/hls.light.min.js", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304


def test_a_browser_that_does_not_accept_gzip_gets_the_file_as_it_is(client):
    answer = client.get("/static/site.css", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in answer.headers
    assert answer.data == (STATIC / "site.css").read_bytes()
    assert "Accept-Encoding" in answer.headers["Vary"]


def test_range_requests_and_head_are_answered_uncompressed(client):
    part = client.get("/static/site.js", headers={**GZIP, "Range": "bytes=0-99"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert part.data == (STATIC / "site.js").read_bytes()[:100]
    assert "Content-Encoding" not in client.head("/static/site.js", headers=GZIP).headers


def test_pages_are_never_compressed(client):
    # Compressing a page with a CSRF token next to what the visitor typed would leak the token
    # over TLS (BREACH).
    answer = client.get("/search?q=" + "太极" * 200, headers=GZIP)
    assert answer.mimetype == "text/html"
    assert "Content-Encoding" not in answer.headers
    assert "Content-Encoding" not in client.get("/", headers=GZIP).headers
