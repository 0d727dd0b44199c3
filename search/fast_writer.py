"""Two faster parts for whoosh's index writer; the files written are byte for byte the same.

Building the 630,000-course index is whoosh's Python code handling about 110 postings a
course, and profiling it showed two places where the time went on bookkeeping:

- Sorting runs. A writer keeps postings in memory up to `limitmb`, then sorts them and writes
  them to a temporary run file, and at the end merges the runs. Whoosh pickles each posting
  with its own `pickle.dump` call and reads each back with its own `pickle.load`: at this
  scale, writing and reading runs cost as much as analysing the text. `ChunkedPostingPool`
  writes and reads each run in chunks of postings; sorting and merging are unchanged.
- Flushing a segment. For every posting written, whoosh looks up its document's field length
  with a column read (and, for fields without lengths, a `stat` of a file that does not
  exist). `FlushCodec` reads each field's lengths into memory once.

Whoosh's SegmentWriter creates its pool by name, in every process of a multiprocess writer,
so the pool is installed by replacing that name when this module is imported (the child
processes import it too: the codec they are given is defined here).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from itertools import islice

import whoosh.writing
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length

RUN_CHUNK = 10_000  # postings per pickle in a run file

_LENGTH_OF_BYTE = tuple(byte_to_length(b) for b in range(256))


class FlushCodec(W3Codec):
    """W3Codec whose per-document reader (used by the writer while it flushes) keeps each
    field's length bytes in memory."""

    def per_document_reader(self, storage, segment) -> W3PerDocReader:
        """A per-document reader that reads each field's lengths once."""
        return _LengthsInMemory(storage, segment)


class _LengthsInMemory(W3PerDocReader):
    def __init__(self, storage, segment) -> None:
        super().__init__(storage, segment)
        self._length_bytes: dict[str, bytes | None] = {}

    def _lengths_of(self, fieldname: str) -> bytes | None:
        if fieldname not in self._length_bytes:
            column = _lenfield(fieldname)
            raw = None
            if self.has_column(column):
                colfile, offset, length = self._get_column_file(column)
                try:
                    raw = bytes(colfile.get(offset, length))
                finally:
                    colfile.close()
                # The column stops at the last document with a length; the rest are 0.
                raw += bytes(max(0, self._doccount - len(raw)))
            self._length_bytes[fieldname] = raw
        return self._length_bytes[fieldname]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        """The field length of a document, as whoosh's reader gives it (None when 0)."""
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        lengths = self._lengths_of(fieldname)
        if lengths is None:
            return default
        lbyte = lengths[docnum] if docnum < len(lengths) else 0
        return _LENGTH_OF_BYTE[lbyte] if lbyte else None


class ChunkedPostingPool(whoosh.writing.PostingPool):
    """Whoosh's posting pool, writing and reading its sorted runs a chunk at a time."""

    def _write_run(self, f, items: Iterable) -> None:
        items = iter(items)
        while chunk := list(islice(items, RUN_CHUNK)):
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


if whoosh.writing.PostingPool.__name__ == "PostingPool":
    whoosh.writing.PostingPool = ChunkedPostingPool
