"""A small thread-safe LRU bounded in bytes. The dataset is immutable between builds, and the dataset
version is part of every key, so entries never need invalidating: they only age out."""
from __future__ import annotations

import sys
import threading
from collections import OrderedDict

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
