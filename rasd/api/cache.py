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
    kept; the least recently used goes first. With ``max_bytes``, the values are bytes
    (rendered responses) and their lengths together stay within it: the least recently
    used go first, and a value longer than a quarter of it is not kept at all."""

    def __init__(self, size: int = 2048, *, max_bytes: int | None = None) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        if max_bytes is not None and max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        self.size, self.max_bytes = size, max_bytes
        self._data: OrderedDict[Any, tuple[int, Any]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    @property
    def nbytes(self) -> int:
        """The total length of the values kept (0 without ``max_bytes``)."""
        return self._bytes

    def _weight(self, value: Any) -> int:
        return len(value) if self.max_bytes is not None else 0

    def _drop(self, key: Any) -> None:
        self._bytes -= self._weight(self._data.pop(key)[1])

    def get(self, key: Any, generation: int) -> Any:
        """The value stored for ``key`` under ``generation``, or None."""
        with self._lock:
            hit = self._data.get(key)
            if hit is None:
                return None
            if hit[0] != generation:
                self._drop(key)
                return None
            self._data.move_to_end(key)
            return hit[1]

    def put(self, key: Any, generation: int, value: Any) -> None:
        weight = self._weight(value)
        if self.max_bytes is not None and weight > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._data:
                self._drop(key)
            self._data[key] = (generation, value)
            self._bytes += weight
            while len(self._data) > self.size or self.max_bytes is not None and self._bytes > self.max_bytes:
                self._drop(next(iter(self._data)))

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0
