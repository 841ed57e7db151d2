"""Reading the TSV word lists under ``rasd/data`` and the users' own (one reader for every stage)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from rasd.errors import DataFileError
from rasd.text.normalize import fold

__all__ = ["Row", "read_tsv", "variants", "alternation"]


@dataclass(frozen=True, slots=True)
class Row:
    """One data line: its cells by column name and where it came from (for errors)."""
    cells: dict[str, str]
    where: str

    def __getitem__(self, column: str) -> str:
        return self.cells[column]

    def int(self, column: str, *, default: int | None = None) -> int | None:
        raw = self.cells.get(column, "")
        if raw == "":
            if default is None:
                return None
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise DataFileError(f"not an integer: {raw!r}", where=f"{self.where}:{column}") from exc


def read_tsv(relpath: str | Path, required: tuple[str, ...]) -> list[Row]:
    """The data rows of ``rasd/data/<relpath>``, or of a user's file given as a ``Path``.

    Lines starting with ``#`` and empty lines are skipped; the first other line is the
    header. Every row must have a value for each column in ``required``.

    Raises:
        DataFileError: the file lacks a required column, or a row lacks a required cell.
    """
    if isinstance(relpath, Path):
        try:
            text = relpath.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(f"cannot read: {exc}", where=str(relpath)) from exc
    else:
        text = files("rasd.data").joinpath(relpath).read_text("utf-8")
    header: list[str] | None = None
    rows: list[Row] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = [c.strip() for c in cells]
            missing = [c for c in required if c not in header]
            if missing:
                raise DataFileError(f"missing column(s) {missing}", where=f"{relpath}:{lineno}")
            continue
        row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        for column in required:
            if not row[column]:
                raise DataFileError("empty cell", where=f"{relpath}:{lineno}:{column}")
        rows.append(Row(row, f"{relpath}:{lineno}"))
    return rows


def variants(cell: str) -> list[str]:
    """The ``|``-separated variants of a pattern cell, folded, inner spaces collapsed."""
    out = []
    for raw in cell.split("|"):
        key = " ".join(fold(raw.strip()).split())
        if key:
            out.append(key)
    return out


def alternation(keys: list[str] | set[str]) -> str:
    """A regex alternation of folded phrases, longest first, spaces matching any run of space."""
    ordered = sorted(set(keys), key=lambda k: (-len(k), k))
    return "|".join(r"\s+".join(re.escape(part) for part in key.split(" ")) for key in ordered)
