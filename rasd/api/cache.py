"""A bounded cache of results that are exact until the store's next write."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

__all__ = ["GenerationCache"]


class GenerationCache:
    """Least-recently-used cache whose entries belong to one write generation of the store.

    The store bumps its generation in every write transaction (whichever process writes),
    so an entry stored under an older generation is never returned: a total read from
    the cache is the total the database would give now. At most ``size`` entries are
    kept; the least recently used goes first."""

    def __init__(self, size: int = 2048) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._data: OrderedDict[Any, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Any, generation: int) -> Any:
        """The value stored for ``key`` under ``generation``, or None."""
        with self._lock:
            hit = self._data.get(key)
            if hit is None:
                return None
            if hit[0] != generation:
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return hit[1]

    def put(self, key: Any, generation: int, value: Any) -> None:
        with self._lock:
            self._data[key] = (generation, value)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
