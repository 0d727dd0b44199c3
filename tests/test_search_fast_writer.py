"""The writer's faster parts (search/fast_writer.py) write exactly what whoosh writes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import whoosh.writing
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.qparser import QueryParser

from search.documents import build_document
from search.fast_writer import ChunkedPostingPool, FlushCodec
from search.schema import build_schema


def _courses() -> list[dict]:
    """Courses with every kind of field: long and empty texts, repeated providers, English."""
    rows = []
    for n in range(300):
        rows.append(
            {
                "id": n + 1,
                "title": ["太极拳入门", "Watercolour for beginners", "智能手机使用"][n % 3]
                + f" {n}",
                "subtitle": "" if n % 4 == 0 else "每天十分钟 " * (n % 7),
                "description": ("从零开始学习。" * (n % 60)) + ("photography lessons " * (n % 5)),
                "subjects": ["健康", "养生"] if n % 2 else [],
                "provider_name": f"第{n % 9}老年大学",
                "provider_id": n % 9,
                "area": "elderly",
                "format": "video",
                "level": "beginner",
                "language": "en" if n % 3 == 1 else "zh",
                "duration_minutes": n % 130,
                "is_free": n % 2 == 0,
                "published_at": datetime(2026, 1, 1, tzinfo=UTC),
                "popularity": n / 7,
            }
        )
    return rows


def _write(path: Path, codec, limitmb: int = 128) -> dict[str, str]:
    path.mkdir()
    index = whoosh_index.create_in(str(path), build_schema())
    writer = index.writer(compound=False, codec=codec, limitmb=limitmb)
    for n, course in enumerate(_courses()):
        writer.add_document(**build_document(course, [f"第{k}讲" for k in range(n % 12)]))
    runs = len(writer.pool.runs)
    writer.commit()
    (path / "runs").write_text(str(runs))
    # MAIN_<segment id>.<part>: the part names the file across the two indexes.
    return {
        file.name.split(".", 1)[1]: hashlib.sha256(file.read_bytes()).hexdigest()
        for file in path.iterdir()
        if file.name.startswith("MAIN_") and "." in file.name
    }


def test_flush_codec_writes_the_same_segment_files_as_whoosh(tmp_path):
    standard = _write(tmp_path / "standard", W3Codec())
    ours = _write(tmp_path / "ours", FlushCodec())
    # Postings, term table, field-length columns, stored fields: byte for byte the same.
    assert {"pst", "trm", "_title_len.col", "_stored.col"} <= set(standard)
    assert ours == standard


def test_an_index_written_with_the_flush_codec_searches_like_whoosh(tmp_path):
    _write(tmp_path / "standard", W3Codec())
    _write(tmp_path / "ours", FlushCodec())
    results = []
    for name in ("standard", "ours"):
        index = whoosh_index.open_dir(str(tmp_path / name))
        with index.searcher() as searcher:
            query = QueryParser("description", index.schema).parse("学习 photography")
            hits = searcher.search(query, limit=20)
            results.append([(hit["id"], round(hit.score, 9)) for hit in hits])
            assert searcher.doc_frequency("description", "photographi") > 0
    assert results[0] and results[0] == results[1]


def test_the_chunked_pool_sorts_runs_as_whoosh_does(tmp_path, monkeypatch):
    assert whoosh.writing.PostingPool is ChunkedPostingPool  # installed by the import
    # A 1 MB pool holds a few thousand postings: the 300 courses spill into several runs.
    ours = _write(tmp_path / "ours", FlushCodec(), limitmb=1)
    monkeypatch.setattr(whoosh.writing, "PostingPool", ChunkedPostingPool.__bases__[0])
    standard = _write(tmp_path / "standard", W3Codec(), limitmb=1)
    assert int((tmp_path / "ours" / "runs").read_text()) >= 2
    assert int((tmp_path / "standard" / "runs").read_text()) >= 2
    assert ours == standard
