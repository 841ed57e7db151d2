"""De-duplication: the same document twice, syndicated copies, the same event twice.

Three levels, each documented with its thresholds in ``docs/store.md``:

1. **Exact duplicates** (not stored again): the same document id, the same normalised URL
   (:func:`url_key`), or the same normalised text (:func:`content_hash`: folded with
   :func:`rasd.text.fold`, punctuation and spacing squeezed out).
2. **Near duplicates** (stored, linked with ``near_duplicate_of``): MinHash
   (``datasketch``, :data:`NUM_PERM` permutations) over word shingles of
   :data:`SHINGLE_WORDS` folded words; LSH with :data:`BANDS` bands of :data:`ROWS`
   rows finds candidates, and a candidate whose estimated Jaccard similarity is at least
   :data:`NEAR_DUP_THRESHOLD` is a copy.
3. **Event clusters**: :func:`compatible` says whether a new event report describes the
   same happening as an existing cluster.
"""
from __future__ import annotations

import hashlib
import math
import re
import struct
import zlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = ["url_key", "content_hash", "signature", "band_keys", "similarity",
           "EventKey", "compatible", "haversine_km", "NUM_PERM", "BANDS", "ROWS",
           "SHINGLE_WORDS", "NEAR_DUP_THRESHOLD", "DISTANCE_KM", "DATE_WINDOW_DAYS"]

NUM_PERM = 60            # MinHash permutations
BANDS, ROWS = 20, 3      # LSH: a pair at Jaccard 0.4 / 0.5 / 0.6 becomes a candidate with p = 0.73 / 0.93 / 0.99
SHINGLE_WORDS = 5        # words per shingle
NEAR_DUP_THRESHOLD = 0.5  # estimated Jaccard of shingle sets for a syndicated copy (docs/store.md)
DISTANCE_KM = 25.0       # two precise places this close are the same place
DATE_WINDOW_DAYS = 1     # two day-precise dates this close are the same day of fighting

WORD = re.compile(r"\w+")
# Tracking parameters that do not change which article a URL points to.
_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$|ref$|source$|share$|amp$)")

PRECISE_PLACES = frozenset({"point", "neighbourhood", "neighborhood", "town", "city", "village",
                            "district", "subdistrict"})
COARSE_PLACES = frozenset({"governorate", "region"})


def url_key(url: str | None) -> str | None:
    """A hash of the URL with scheme, ``www.``, fragment, tracking parameters and a
    trailing slash removed, so ``http://www.x.com/a/?utm_source=t`` ≡ ``https://x.com/a``."""
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # not parseable (a broken IPv6 host, a bad port): the string itself
        return hashlib.sha1(url.strip().encode("utf-8")).hexdigest()
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k.lower())))
    key = f"{host}{path}?{query}" if host else url.strip()
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def folded_words(text: str) -> list[str]:
    """The words of ``text`` folded as the extractor folds them (Arabic variants, digits),
    lower-cased."""
    from rasd.text import fold
    return WORD.findall(fold(text).lower())


def content_hash(words: list[str]) -> str:
    """Hash of the folded words: identical after spacing, punctuation and variant folding."""
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _template():
    from datasketch import MinHash
    # seeded permutations, built once and shared: creating them is the slow part
    return MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32")


def signature(words: list[str]) -> bytes | None:
    """MinHash signature (datasketch, affine32 scheme) of the SHINGLE_WORDS-word shingles,
    as NUM_PERM little-endian uint32; None for a text shorter than one shingle.

    Each word is hashed once (CRC-32) and the shingle hashes are combined with numpy,
    which is several times faster than hashing every shingle string.
    """
    if len(words) < SHINGLE_WORDS:
        return None
    import numpy as np
    from datasketch import MinHash
    hashes = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64,
                         count=len(words))
    n = len(hashes) - SHINGLE_WORDS + 1
    combined = hashes[:n].copy()
    for k in range(1, SHINGLE_WORDS):
        combined = (combined * np.uint64(1000003) ^ hashes[k:k + n]) & np.uint64(0xFFFFFFFF)
    mh = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int, permutations=_template().permutations,
                 scheme="affine32")
    mh.update_batch(np.unique(combined).tolist())
    return mh.hashvalues.astype("<u4").tobytes()


def band_keys(sig: bytes) -> list[int]:
    """One signed 64-bit key per LSH band (the band number is part of the key)."""
    keys = []
    width = ROWS * 4
    for band in range(BANDS):
        digest = hashlib.blake2b(bytes([band]) + sig[band * width:(band + 1) * width],
                                 digest_size=8).digest()
        keys.append(struct.unpack("<q", digest)[0])
    return keys


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal MinHash values)."""
    import numpy as np
    va = np.frombuffer(a, dtype="<u4")
    vb = np.frombuffer(b, dtype="<u4")
    if len(va) != len(vb):
        return 0.0
    return float((va == vb).mean())


# --- event clustering -------------------------------------------------------------

_DATE_WINDOWS = {"day": DATE_WINDOW_DAYS, "week": 7}
PLACE_PRECISE, PLACE_COARSE, PLACE_NONE = 0, 1, 2


def _ordinal(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


GENERIC_ACTOR_KINDS = frozenset({"generic", "title", "demonym"})


@lru_cache(maxsize=1)
def generic_actor_ids() -> frozenset[str]:
    """Ids of the actor dictionary's common nouns, titles and demonyms (``army``,
    ``civilians``, ``title-minister``): they name a kind of actor, not one actor, so two
    reports sharing one are not evidence of one happening."""
    from importlib.resources import files
    ids: set[str] = set()
    folder = files("rasd.data").joinpath("actors")
    if not folder.is_dir():
        return frozenset()
    for entry in folder.iterdir():
        if not entry.name.endswith(".tsv"):
            continue
        header: list[str] | None = None
        for line in entry.read_text("utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                continue
            row = dict(zip(header, cells))
            if row.get("kind") in GENERIC_ACTOR_KINDS and row.get("id"):
                ids.add(row["id"])
    return frozenset(ids)


def is_specific(actor_id: str | None) -> bool:
    """A named actor (a state, an organisation, a person), not a kind of actor."""
    return bool(actor_id) and not actor_id.startswith("title-") and actor_id not in generic_actor_ids()


def _actor_key(id_: str | None, country: str | None, sector: str | None) -> tuple | None:
    # (id if it names one actor, country, sector)
    if not (id_ or country or sector):
        return None
    return (id_ if is_specific(id_) else None, country, sector)


@dataclass(slots=True)
class EventKey:
    """What decides whether two reports describe the same happening, precomputed from a
    report or cluster row (dates as ordinals, the place as a precision class)."""
    plover_type: str
    day: int | None          # a day- or week-precise date, else None
    window: int              # its tolerance in days
    pub_min: int | None      # publication days (a cluster: the range of its reports)
    pub_max: int | None
    actor1: tuple | None     # (id, country, sector); None when unknown
    actor2: tuple | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    place: int               # 0 precise with coordinates, 1 governorate/region, 2 unknown
    battle: bool             # ACLED "Battles": the two sides may be named in either order

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "EventKey":
        precision = (row.get("date_precision") or "").lower()
        day = _ordinal(row.get("date")) if precision in _DATE_WINDOWS else None
        pub_min = _ordinal(row.get("published_min", row.get("published")))
        pub_max = _ordinal(row.get("published_max", row.get("published"))) or pub_min
        place_precision = (row.get("location_precision") or "").lower()
        has_point = row.get("lat") is not None and row.get("lon") is not None
        if place_precision in PRECISE_PLACES and has_point:
            place = PLACE_PRECISE
        elif place_precision in COARSE_PLACES:
            place = PLACE_COARSE
        else:
            place = PLACE_NONE
        admin1 = row.get("admin1")
        return cls(row["plover_type"], day, _DATE_WINDOWS.get(precision, 0), pub_min, pub_max,
                   _actor_key(row.get("actor1_id"), row.get("actor1_country"), row.get("actor1_sector")),
                   _actor_key(row.get("actor2_id"), row.get("actor2_country"), row.get("actor2_sector")),
                   row.get("country"), admin1.strip().lower() if admin1 else None,
                   row.get("lat"), row.get("lon"), place,
                   row.get("acled_event_type") == "Battles")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


_MAX_DEGREES = DISTANCE_KM / 111.0 + 0.01  # no two points this far apart in latitude are within DISTANCE_KM


def _near(a: EventKey, b: EventKey) -> bool:
    if abs(a.lat - b.lat) > _MAX_DEGREES:
        return False
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= DISTANCE_KM


def actors_compatible(a: tuple | None, b: tuple | None) -> tuple[bool, bool]:
    """(compatible, strong) for two (specific id, country, sector) actors.

    Compatible: one is unknown, or they have the same specific id, or neither their
    countries nor their sectors contradict (a value missing on one side contradicts
    nothing; two different named actors of one country and sector are compatible).
    Strong: the same named actor (specific id).
    """
    if a is None or b is None:
        return True, False
    if a[0] and a[0] == b[0]:
        return True, True
    if (a[1] and b[1] and a[1] != b[1]) or (a[2] and b[2] and a[2] != b[2]):
        return False, False
    return True, False


def dates_compatible(a: EventKey, b: EventKey) -> bool:
    """Day-precise dates at most DATE_WINDOW_DAYS apart (a week-precise one: 7 days);
    otherwise (a date unknown, or only a month or year) a shared publication day."""
    if a.day is not None and b.day is not None:
        return abs(a.day - b.day) <= max(a.window, b.window)
    if a.pub_min is None or b.pub_min is None:
        return False
    return a.pub_min <= b.pub_max and b.pub_min <= a.pub_max


def places_compatible(a: EventKey, b: EventKey) -> tuple[bool, bool]:
    """(compatible, known): precise places at most DISTANCE_KM apart; a governorate or
    region matches a place of the same admin1; an unknown or country-level place matches
    any place of the same country, but is not ``known``."""
    if a.country and b.country and a.country != b.country:
        return False, False
    if a.place == PLACE_PRECISE and b.place == PLACE_PRECISE:
        return _near(a, b), True
    if a.place != PLACE_NONE and b.place != PLACE_NONE:
        if a.admin1 and b.admin1:
            return a.admin1 == b.admin1, True
        if a.lat is not None and b.lat is not None:
            return _near(a, b), True
    return True, False


def compatible(report: EventKey, cluster: EventKey) -> bool:
    """Does ``report`` describe the same happening as ``cluster``? The same PLOVER type,
    compatible dates, places and actors, and, when no place can be compared, at least one
    actor known on both sides and agreeing (docs/store.md)."""
    if report.plover_type != cluster.plover_type:
        return False
    if not dates_compatible(report, cluster):
        return False
    place_ok, place_known = places_compatible(report, cluster)
    if not place_ok:
        return False
    strong = _roles_compatible(report.actor1, report.actor2, cluster.actor1, cluster.actor2)
    if strong is None and (report.battle or cluster.battle):
        strong = _roles_compatible(report.actor2, report.actor1, cluster.actor1, cluster.actor2)
    if strong is None:
        return False
    return place_known or strong


def _roles_compatible(a1: tuple | None, a2: tuple | None, b1: tuple | None,
                      b2: tuple | None) -> bool | None:
    """None when incompatible, else whether an actor agrees strongly."""
    ok1, strong1 = actors_compatible(a1, b1)
    if not ok1:
        return None
    ok2, strong2 = actors_compatible(a2, b2)
    if not ok2:
        return None
    return strong1 or strong2
