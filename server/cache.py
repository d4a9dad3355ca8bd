"""Caches of what is derived from a dataset version: a small thread-safe LRU bounded in bytes, and a
per-version memo whose value is computed once. The dataset is immutable between builds, and the
dataset version is part of every key, so entries never need invalidating: they only age out."""
from __future__ import annotations

import functools
import sys
import threading
from collections import OrderedDict
from typing import Callable, TypeVar

T = TypeVar("T")

# What an entry costs beyond its payload (key tuple, answer object, dict slot): a rough, fixed charge,
# so that many tiny answers are bounded too.
ENTRY_OVERHEAD = 512


def size_of(value) -> int:
    """The payload bytes of a cached value: an answer's body, bytes, or a str's encoded size."""
    body = getattr(value, "body", value)
    if isinstance(body, (bytes, bytearray)):
        return len(body)
    if isinstance(body, str):
        return len(body.encode("utf-8"))
    return sys.getsizeof(body)


class ByteCache:
    """LRU of at most `capacity` bytes; a value larger than `max_entry` is never kept."""

    def __init__(self, capacity: int, max_entry: int):
        self.capacity = capacity
        self.max_entry = min(max_entry, capacity)
        self.entries: OrderedDict = OrderedDict()
        self.sizes: dict = {}
        self.bytes = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        return None

    def put(self, key, value) -> bool:
        """Keep `value` (True), or not when it is over the entry limit (False)."""
        size = size_of(value) + ENTRY_OVERHEAD + len(repr(key))
        if size > self.max_entry:
            return False
        with self.lock:
            if key in self.entries:
                self.bytes -= self.sizes[key]
            self.entries[key] = value
            self.sizes[key] = size
            self.entries.move_to_end(key)
            self.bytes += size
            while self.bytes > self.capacity:
                old, _ = self.entries.popitem(last=False)
                self.bytes -= self.sizes.pop(old)
        return True

    def __len__(self) -> int:
        return len(self.entries)


def computed_once(maxsize: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Memoise a function on its first argument (a key naming a dataset version), like lru_cache, except
    that a caller arriving while that value is being computed waits for it rather than computing it
    again: at 100x a version's tables take a second or more, and a page arriving while a warmer
    (Site.warmers) computes one would otherwise pay for it a second time, the two sharing the GIL.
    Further arguments (the snapshot to read) are not part of the key."""
    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        done: OrderedDict = OrderedDict()
        computing: dict = {}
        lock = threading.Lock()

        @functools.wraps(function)
        def memoised(key, *args):
            with lock:
                if key in done:
                    done.move_to_end(key)
                    return done[key]
                mine = computing.setdefault(key, threading.Lock())
            with mine:
                with lock:
                    if key in done:
                        return done[key]
                value = function(key, *args)
                with lock:
                    done[key] = value
                    computing.pop(key, None)
                    while len(done) > maxsize:
                        done.popitem(last=False)
            return value

        memoised.cached = lambda: list(done)            # type: ignore[attr-defined]
        memoised.cache_clear = done.clear               # type: ignore[attr-defined]
        return memoised
    return decorate
