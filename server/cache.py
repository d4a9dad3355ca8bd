"""A small thread-safe LRU of answers. The dataset is immutable between builds, and the dataset
version is part of every key, so entries never need invalidating: they only age out."""
from __future__ import annotations

import threading
from collections import OrderedDict


class AnswerCache:
    def __init__(self, capacity: int):
        self.capacity = capacity
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        return None

    def put(self, key, value) -> None:
        if self.capacity <= 0:
            return
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.capacity:
                self.entries.popitem(last=False)
