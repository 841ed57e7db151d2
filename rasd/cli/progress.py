"""The progress line of `rasd ingest`, on standard error.

With the input's size known (files on disk) the line gives the bytes done of the total, the
percentage and an ETA; without it (standard input, a pipe) the documents and the rate only:

    1,200 documents · 2.1 MB of 8.4 MB (25%) · 41.3 documents/s · ETA 2:31 · new 1,180 · duplicate 12 · failed 8
    1,200 documents · 41.3 documents/s · new 1,180 · duplicate 12 · failed 8

On a terminal the line is rewritten in place at most :data:`TTY_INTERVAL` seconds apart;
into a file or a pipe a new line is written at most every :data:`LOG_INTERVAL` seconds.
"""
from __future__ import annotations

import time
from typing import Any, TextIO

__all__ = ["progress_line", "ProgressPrinter", "TTY_INTERVAL", "LOG_INTERVAL"]

TTY_INTERVAL = 0.25  # seconds between redraws on a terminal
LOG_INTERVAL = 10.0  # seconds between lines into a log file


def progress_line(summary: Any) -> str:
    """One line for a running :class:`rasd.batch.IngestSummary`."""
    parts = [f"{summary.read:,} documents"]
    total = summary.input_bytes
    if total is not None:
        share = summary.bytes_read / total if total else 1.0
        parts.append(f"{format_bytes(summary.bytes_read)} of {format_bytes(total)} ({share:.0%})")
    parts.append(f"{summary.docs_per_second:,.1f} documents/s")
    if total is not None:
        parts.append(f"ETA {format_duration(summary.eta)}")
    parts.append(f"new {summary.new:,} · duplicate {summary.duplicate:,} · failed {summary.failed:,}")
    return " · ".join(parts)


def format_bytes(n: int) -> str:
    """``n`` bytes in decimal units: 512 B, 2.1 kB, 8.4 MB, 1.2 GB."""
    if n < 1000:
        return f"{n} B"
    for unit in ("kB", "MB", "GB", "TB"):
        n /= 1000
        if n < 1000 or unit == "TB":
            return f"{n:,.1f} {unit}"
    raise AssertionError("unreachable")


def format_duration(seconds: float | None) -> str:
    """``M:SS`` or ``H:MM:SS``; ``--:--`` when not known yet."""
    if seconds is None:
        return "--:--"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressPrinter:
    """Writes :func:`progress_line` to ``stream``, throttled: in place on a terminal
    (``tty``), as separate lines otherwise. Use as a context manager; :meth:`update` is
    the ``progress`` callback of :func:`rasd.batch.run_ingest`."""

    def __init__(self, stream: TextIO, *, tty: bool, width: int | None = None) -> None:
        self.stream = stream
        self.tty = tty
        self.width = width
        self.interval = TTY_INTERVAL if tty else LOG_INTERVAL
        self._last: float | None = None
        self._summary: Any = None
        self._drawn = False

    def __enter__(self) -> "ProgressPrinter":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._drawn and self.tty:
            self._draw(self._summary)  # the final state stays on screen, above the summary
            self.stream.write("\n")
            self.stream.flush()

    def update(self, summary: Any) -> None:
        self._summary = summary
        now = time.monotonic()
        if self._last is not None and now - self._last < self.interval:
            return
        self._last = now
        self._draw(summary)

    def _draw(self, summary: Any) -> None:
        line = progress_line(summary)
        if self.tty:
            if self.width:
                line = line[:self.width - 1]
            self.stream.write("\r" + line + "\x1b[K")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self._drawn = True
