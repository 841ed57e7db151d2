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
from typing import Any, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = ["url_key", "content_hash", "signature", "band_keys", "similarity",
           "EventKey", "compatible", "haversine_km", "NUM_PERM", "BANDS", "ROWS",
           "SHINGLE_WORDS", "NEAR_DUP_THRESHOLD", "DISTANCE_KM", "DATE_WINDOW_DAYS"]

NUM_PERM = 64            # MinHash permutations
BANDS, ROWS = 16, 4      # LSH: 16 bands × 4 rows; candidate probability 0.5 at Jaccard ≈ 0.5
SHINGLE_WORDS = 5        # words per shingle
NEAR_DUP_THRESHOLD = 0.6  # estimated Jaccard of shingle sets for a syndicated copy
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
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
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

@dataclass(slots=True)
class EventKey:
    """The fields that decide whether two reports describe the same happening."""
    plover_type: str
    date: str | None
    date_precision: str | None
    published: str | None          # a report's publication day (cluster: min)
    published_max: str | None
    actor1: tuple[str | None, str | None, str | None]   # (id, country, sector)
    actor2: tuple[str | None, str | None, str | None]
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    precision: str | None

    @classmethod
    def from_row(cls, row: Any) -> "EventKey":
        get = row.get if isinstance(row, dict) else (lambda k: getattr(row, k))
        published = get("published_min") if _has(row, "published_min") else get("published")
        published_max = get("published_max") if _has(row, "published_max") else published
        return cls(get("plover_type"), get("date"), get("date_precision"), published,
                   published_max,
                   (get("actor1_id"), get("actor1_country"), get("actor1_sector")),
                   (get("actor2_id"), get("actor2_country"), get("actor2_sector")),
                   get("country"), get("admin1"), get("lat"), get("lon"),
                   get("location_precision"))


def _has(row: Any, key: str) -> bool:
    return key in row if isinstance(row, dict) else hasattr(row, key)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _unknown_actor(actor: tuple[str | None, str | None, str | None]) -> bool:
    return not any(actor)


def actors_compatible(a: tuple, b: tuple) -> tuple[bool, bool]:
    """(compatible, strong): same id, or same country and sector, or one unknown.
    ``strong`` is True when both are known and agree."""
    if _unknown_actor(a) or _unknown_actor(b):
        return True, False
    if a[0] and b[0]:
        if a[0] == b[0]:
            return True, True
    if a[1] == b[1] and a[2] == b[2] and (a[1] or a[2]):
        return True, True
    return False, False


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def dates_compatible(a: EventKey, b: EventKey) -> bool:
    """Day- or week-precise dates within DATE_WINDOW_DAYS (a week: 7 days); otherwise
    (a date unknown or only a month/year) the reports must share a publication day."""
    da, db = _day(a.date), _day(b.date)
    fine = ("day", "week")
    if da and db and a.date_precision in fine and b.date_precision in fine:
        window = 7 if "week" in (a.date_precision, b.date_precision) else DATE_WINDOW_DAYS
        return abs((da - db).days) <= window
    pa_min, pa_max = _day(a.published), _day(a.published_max) or _day(a.published)
    pb_min, pb_max = _day(b.published), _day(b.published_max) or _day(b.published)
    if not (pa_min and pb_min):
        return False
    return pa_min <= pb_max and pb_min <= pa_max  # share a publication day


def places_compatible(a: EventKey, b: EventKey) -> tuple[bool, bool]:
    """(compatible, known): precise places within DISTANCE_KM; a governorate/region-level
    place matches any place in the same admin1; a missing or country-level place matches a
    place in the same country (``known`` False: the caller then asks for agreeing actors)."""
    a_prec = (a.precision or "unknown").lower()
    b_prec = (b.precision or "unknown").lower()
    if a.country and b.country and a.country != b.country:
        return False, False
    a_precise = a_prec in PRECISE_PLACES and a.lat is not None and a.lon is not None
    b_precise = b_prec in PRECISE_PLACES and b.lat is not None and b.lon is not None
    if a_precise and b_precise:
        return haversine_km(a.lat, a.lon, b.lat, b.lon) <= DISTANCE_KM, True
    a_coarse = a_prec in COARSE_PLACES or a_precise
    b_coarse = b_prec in COARSE_PLACES or b_precise
    if a_coarse and b_coarse:
        if a.admin1 and b.admin1:
            return _norm(a.admin1) == _norm(b.admin1), True
        if a.lat is not None and b.lat is not None:
            return haversine_km(a.lat, a.lon, b.lat, b.lon) <= DISTANCE_KM, True
    # one side country-level or unknown
    return True, False


def _norm(value: str) -> str:
    return value.strip().lower()


def compatible(report: EventKey, cluster: EventKey) -> bool:
    """Does ``report`` describe the same happening as ``cluster``? (same PLOVER type,
    compatible actors, places and dates; see docs/store.md)."""
    if report.plover_type != cluster.plover_type:
        return False
    ok1, strong1 = actors_compatible(report.actor1, cluster.actor1)
    if not ok1:
        return False
    ok2, strong2 = actors_compatible(report.actor2, cluster.actor2)
    if not ok2:
        return False
    if not dates_compatible(report, cluster):
        return False
    place_ok, place_known = places_compatible(report, cluster)
    if not place_ok:
        return False
    if not place_known:
        # no place to compare: at least one actor must be known on both sides and agree
        return strong1 or strong2
    return True


def shingle_words(texts: Iterable[str]) -> list[list[str]]:
    return [folded_words(t) for t in texts]
