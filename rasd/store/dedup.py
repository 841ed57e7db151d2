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
   same happening as an existing cluster: both :func:`clusterable` (a stated day, a place
   at town, district or governorate level) and every rule of :data:`SAME_EVENT_RULES`,
   or a reprint of the cluster's first report (every rule of :data:`REPRINT_RULES`: the
   same sentence or nearly, published within a day, nothing stated contradicting).
"""
from __future__ import annotations

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode, urlsplit

from rasd.geo.gazetteer import haversine_km

__all__ = ["url_key", "content_hash", "signature", "band_keys", "similarity",
           "EventKey", "compatible", "clusterable", "SAME_EVENT_RULES", "REPRINT_RULES", "same_by_place",
           "same_by_text", "same_text", "same_figures", "close_publication", "days_agree", "places_agree",
           "text_jaccard", "sentence_features", "TEXT_SHINGLE_WORDS", "MIN_TEXT_SHINGLES",
           "SAME_TEXT_JACCARD", "PUBLICATION_WINDOW_DAYS", "same_type", "same_day",
           "same_acled_family", "same_place", "compatible_actors", "haversine_km", "NUM_PERM",
           "BANDS", "ROWS", "SHINGLE_WORDS", "NEAR_DUP_THRESHOLD", "SAME_PLACE_KM", "DATE_WINDOW_DAYS"]

NUM_PERM = 60            # MinHash permutations
BANDS, ROWS = 20, 3      # LSH: a pair at Jaccard 0.4 / 0.5 / 0.6 becomes a candidate with p = 0.73 / 0.93 / 0.99
SHINGLE_WORDS = 5        # words per shingle
NEAR_DUP_THRESHOLD = 0.5  # estimated Jaccard of shingle sets for a syndicated copy (docs/store.md)
SAME_PLACE_KM = 2.0      # two town-level points this close, with no id or name to compare, are one town
DATE_WINDOW_DAYS = 0     # stated days this far apart are the same day (0: the same day)
# reprints of one wire item (REPRINT_RULES): sentences compared as sets of word shingles
TEXT_SHINGLE_WORDS = 3        # words per sentence shingle
MIN_TEXT_SHINGLES = 4         # a sentence of fewer shingles (under 6 words) is not matched on its text
SAME_TEXT_JACCARD = 0.6       # shingle Jaccard of two reprinted sentences (docs/store.md)
PUBLICATION_WINDOW_DAYS = 1   # publication days this far apart may carry one wire item

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
#
# Two reports are one de-duplicated event when every rule of SAME_EVENT_RULES allows it.
# Only a report with a known day and a known place at town, district or governorate level
# is clustered at all (:func:`clusterable`); any other report is an event of its own.

TOWN_PLACES = frozenset({"point", "neighbourhood", "neighborhood", "town", "city", "village"})
DISTRICT_PLACES = frozenset({"district", "subdistrict"})
GOVERNORATE_PLACES = frozenset({"governorate"})
LEVEL_TOWN, LEVEL_DISTRICT, LEVEL_GOVERNORATE = "town", "district", "governorate"
# sub-event labels that only say people were attacked or died: they fit any sub-event of
# their ACLED event type
GENERIC_SUB_EVENTS = frozenset({None, "Attack", "Other"})


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


def place_level(precision: str | None) -> str | None:
    """The level a place is known at (town, district, governorate), or None: a region, a
    country or no place is not a place two reports can be matched on."""
    precision = (precision or "").lower()
    if precision in TOWN_PLACES:
        return LEVEL_TOWN
    if precision in DISTRICT_PLACES:
        return LEVEL_DISTRICT
    if precision in GOVERNORATE_PLACES:
        return LEVEL_GOVERNORATE
    return None


def _folded_name(row: dict[str, Any]) -> str | None:
    name = row.get("location_name") or row.get("location_name_ar")
    if not name or not name.strip():
        return None
    from rasd.text import fold
    return " ".join(fold(name).lower().split())


def _lower(value: str | None) -> str | None:
    return value.strip().lower() if value and value.strip() else None


@dataclass(slots=True)
class EventKey:
    """What decides whether two reports describe the same happening, precomputed from a
    report or cluster row (the day as an ordinal, the place as a level and identity)."""
    plover_type: str
    day: int | None          # the stated day (day-precise date), else None
    acled_type: str | None   # ACLED event type: the family of its sub-events
    acled_sub: str | None
    actor1: tuple | None     # (specific id, country, sector); None when unknown
    actor2: tuple | None
    country: str | None
    admin1: str | None       # lower-cased
    level: str | None        # LEVEL_TOWN, LEVEL_DISTRICT, LEVEL_GOVERNORATE or None
    place_id: int | None     # geonameid
    place_name: str | None   # folded, lower-cased place name
    lat: float | None
    lon: float | None
    battle: bool             # ACLED "Battles": the two sides may be named in either order
    published: int | None = None   # publication day (a cluster: its earliest, published_min)
    shingles: frozenset[int] = frozenset()  # TEXT_SHINGLE_WORDS-word shingles of the sentence
    figures: frozenset[str] = frozenset()   # the numbers the sentence gives

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "EventKey":
        precision = (row.get("date_precision") or "").lower()
        day = _ordinal(row.get("date")) if precision == "day" else None
        level = place_level(row.get("location_precision"))
        acled_type = row.get("acled_event_type")
        return cls(row["plover_type"], day, acled_type, row.get("acled_sub_event_type"),
                   _actor_key(row.get("actor1_id"), row.get("actor1_country"), row.get("actor1_sector")),
                   _actor_key(row.get("actor2_id"), row.get("actor2_country"), row.get("actor2_sector")),
                   row.get("country"), _lower(row.get("admin1")), level,
                   row.get("geonameid") if level else None,
                   _folded_name(row) if level else None,
                   row.get("lat"), row.get("lon"), acled_type == "Battles",
                   _ordinal(row.get("published") or row.get("published_min")),
                   *sentence_features(row.get("sentence")))


def clusterable(key: EventKey) -> bool:
    """A report that can join or be joined by another: a stated day and a place known at
    town, district or governorate level. Anything vaguer is an event of its own (a coder
    cannot tell two such reports are one happening)."""
    return key.day is not None and key.level is not None


# ---------------------------------------------------------------- rules: may a and b be one?

def same_type(a: EventKey, b: EventKey) -> bool:
    return a.plover_type == b.plover_type


def same_day(a: EventKey, b: EventKey) -> bool:
    """Both state a day, and the days are at most DATE_WINDOW_DAYS apart."""
    return a.day is not None and b.day is not None and abs(a.day - b.day) <= DATE_WINDOW_DAYS


def same_acled_family(a: EventKey, b: EventKey) -> bool:
    """The same ACLED event type (the family of its sub-events: Battles, Explosions/Remote
    violence, Violence against civilians…) and sub-events that do not contradict: the same,
    or one of them only saying that people were attacked or died (``Attack``, ``Other``,
    none). A shelling and an air strike are two events."""
    if a.acled_type != b.acled_type:
        return False
    return a.acled_sub == b.acled_sub or a.acled_sub in GENERIC_SUB_EVENTS or b.acled_sub in GENERIC_SUB_EVENTS


def same_place(a: EventKey, b: EventKey) -> bool:
    """One known place at one level: the same town (or district), never two towns however
    close; a governorate only with a governorate-level report of the same governorate.
    The same town is the same gazetteer id when both have one, else the same folded name
    (in the same governorate when both give it), else points at most SAME_PLACE_KM apart."""
    if a.level is None or a.level != b.level:
        return False
    if a.country and b.country and a.country != b.country:
        return False
    if a.level == LEVEL_GOVERNORATE:
        return bool(a.admin1 or a.place_name) and (a.admin1 or a.place_name) == (b.admin1 or b.place_name)
    if a.place_id is not None and b.place_id is not None:
        return a.place_id == b.place_id
    if a.place_name and b.place_name:
        return a.place_name == b.place_name and not (a.admin1 and b.admin1 and a.admin1 != b.admin1)
    if a.lat is not None and b.lat is not None:
        return haversine_km(a.lat, a.lon, b.lat, b.lon) <= SAME_PLACE_KM
    return False


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


def compatible_actors(a: EventKey, b: EventKey) -> bool:
    """Side by side (and crossed for ACLED Battles, whose sides are named in either order)
    each pair of actors is compatible (:func:`actors_compatible`)."""
    if _roles_compatible(a.actor1, a.actor2, b.actor1, b.actor2):
        return True
    return (a.battle or b.battle) and _roles_compatible(a.actor2, a.actor1, b.actor1, b.actor2)


def _roles_compatible(a1: tuple | None, a2: tuple | None, b1: tuple | None, b2: tuple | None) -> bool:
    return actors_compatible(a1, b1)[0] and actors_compatible(a2, b2)[0]


SAME_EVENT_RULES: tuple[Callable[[EventKey, EventKey], bool], ...] = (
    same_type, same_day, same_acled_family, same_place, compatible_actors,
)


# ---------------------------------------------------------------- reprints of one wire item
#
# A report whose sentence is (nearly) the sentence of a cluster's first report, published
# within a day of it, is the same agency item reprinted: one event even without a stated
# day or a town, as long as nothing the two state contradicts.

def sentence_features(sentence: str | None) -> tuple[frozenset[int], frozenset[str]]:
    """(shingles, figures) of a sentence: CRC-32 hashes of its TEXT_SHINGLE_WORDS-word
    shingles of folded words (stable across processes, unlike ``hash``), and the numbers it
    gives (folded digits). Empty for no sentence."""
    if not sentence:
        return frozenset(), frozenset()
    return _sentence_features(sentence)


@lru_cache(maxsize=65536)
def _sentence_features(sentence: str) -> tuple[frozenset[int], frozenset[str]]:
    words = folded_words(sentence)
    n = TEXT_SHINGLE_WORDS
    shingles = frozenset(zlib.crc32(" ".join(words[i:i + n]).encode("utf-8"))
                         for i in range(len(words) - n + 1))
    return shingles, frozenset(w for w in words if w.isdigit())


def text_jaccard(a: EventKey, b: EventKey) -> float:
    """Jaccard similarity of the two sentences' shingle sets (0.0 when either is empty)."""
    if not a.shingles or not b.shingles:
        return 0.0
    return len(a.shingles & b.shingles) / len(a.shingles | b.shingles)


def same_text(a: EventKey, b: EventKey) -> bool:
    """The same sentence after folding, or nearly: both of at least MIN_TEXT_SHINGLES
    shingles, sharing at least SAME_TEXT_JACCARD of them (a reprint with a dateline, a word
    changed or a clause trimmed)."""
    return (len(a.shingles) >= MIN_TEXT_SHINGLES and len(b.shingles) >= MIN_TEXT_SHINGLES
            and text_jaccard(a, b) >= SAME_TEXT_JACCARD)


def same_figures(a: EventKey, b: EventKey) -> bool:
    """The sentences give the same numbers: a reprint keeps its figures, while one
    template sentence with another toll or another count is another item."""
    return a.figures == b.figures


def close_publication(a: EventKey, b: EventKey) -> bool:
    """Both publication days known and at most PUBLICATION_WINDOW_DAYS apart (a paper
    reprints an agency item the day it is sent or the next)."""
    return (a.published is not None and b.published is not None
            and abs(a.published - b.published) <= PUBLICATION_WINDOW_DAYS)


def days_agree(a: EventKey, b: EventKey) -> bool:
    """Stated days never contradict: when both state a day, the same day (same_day); a
    report that states none contradicts nothing."""
    return a.day is None or b.day is None or same_day(a, b)


def _governorate(key: EventKey) -> str | None:
    if key.level == LEVEL_GOVERNORATE:
        return key.admin1 or key.place_name
    return key.admin1


def places_agree(a: EventKey, b: EventKey) -> bool:
    """Known places never contradict: never two countries, never two towns (or two
    districts, or two governorates: same_place at one level), and a place at one level
    inside the other's governorate when both name one. A report with no known place
    contradicts nothing, and gains no place by the match (the cluster keeps its own)."""
    if a.country and b.country and a.country != b.country:
        return False
    if a.level is None or b.level is None:
        return True
    if a.level == b.level:
        return same_place(a, b)
    ga, gb = _governorate(a), _governorate(b)
    return not (ga and gb and ga != gb)


REPRINT_RULES: tuple[Callable[[EventKey, EventKey], bool], ...] = (
    same_type, same_acled_family, same_text, same_figures, close_publication, days_agree,
    places_agree, compatible_actors,
)


def same_by_place(report: EventKey, cluster: EventKey) -> bool:
    """Both clusterable (a stated day, a known place) and every rule of SAME_EVENT_RULES."""
    return clusterable(report) and clusterable(cluster) and all(rule(report, cluster) for rule in SAME_EVENT_RULES)


def same_by_text(report: EventKey, cluster: EventKey) -> bool:
    """A reprint of the cluster's first report: every rule of REPRINT_RULES."""
    return all(rule(report, cluster) for rule in REPRINT_RULES)


def compatible(report: EventKey, cluster: EventKey) -> bool:
    """Does ``report`` describe the same happening as ``cluster``? The same stated day and
    place (same_by_place) or a reprint of the same text (same_by_text); docs/store.md."""
    return same_by_place(report, cluster) or same_by_text(report, cluster)
