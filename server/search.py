"""The search index of the dataset version a request sees (graph/search_index.py writes it).

One reader per version, opened from that version's build directory on first use: a reload that
swaps in a new build (a new version) gets a new reader, and an old reader is dropped once newer ones
have replaced it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from alliance_kg.graph.search_index import FILE_NAME, SearchIndex
from alliance_kg.server.app import site

_KEEP = 3    # versions kept open: the current one, and those still finishing requests after a reload
_readers: OrderedDict[tuple[str, str], SearchIndex] = OrderedDict()
_lock = threading.Lock()


class SearchUnavailable(Exception):
    """The build has no search index (built before there was one): the views answer 503."""


def index(dataset=None) -> SearchIndex:
    """The reader of the request's version (or of `dataset`, a PublishedDataset)."""
    dataset = dataset or site().dataset
    key = (str(dataset.directory), dataset.version)
    with _lock:
        reader = _readers.get(key)
        if reader is None:
            try:
                reader = _readers[key] = SearchIndex(dataset.directory / FILE_NAME)
            except FileNotFoundError as e:
                raise SearchUnavailable(str(e)) from None
            while len(_readers) > _KEEP:
                _readers.popitem(last=False)
        return reader
