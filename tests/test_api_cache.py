"""Totals of ``GET /api/events`` (and the map's and stats' counts) are cached per filter
and write generation: served from the cache they equal a fresh count, and any write
to the store, by this server or not, makes them count again. So are the rendered pages
of ``GET /api/events``: the same bytes as without the cache, and read again after a write."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from rasd.api import ApiSettings, create_app
from rasd.api.cache import GenerationCache
from rasd.api.synthetic import synthetic_records
from rasd.store import EventQuery, open_store


def _records(count: int, seed: int) -> list[dict]:
    records = list(synthetic_records(count, seed=seed, events=2, days=60, jitter=1.5, filler=8))
    for i, record in enumerate(records):
        record["document"]["id"] = f"cache-{seed}-{i}"
        record["document"]["url"] = f"https://news.example/cache-{seed}-{i}"
    return records


@pytest.fixture()
def store(store_url):
    """60 documents on SQLite, and on PostgreSQL when a server is given (conftest)."""
    s = open_store(store_url)
    s.add_records(_records(60, seed=1))
    yield s
    s.close()


@pytest.fixture()
def client(store):
    with TestClient(create_app(ApiSettings(), store=store)) as c:
        yield c


PAGES = [{"limit": 5}, {"limit": 5, "offset": 10}, {"type": "ASSAULT", "limit": 3},
         {"text": "قصف", "limit": 2}, {"actor": "Syrian Army", "limit": 2, "offset": 2},
         {"near": "35.93,36.63,80", "limit": 1}]


def _total(client, params: dict) -> int:
    r = client.get("/api/events", params=params)
    assert r.status_code == 200, r.text
    return r.json()["total"]


def _fresh(store, params: dict) -> int:
    query = {k: v for k, v in params.items() if k not in ("limit", "offset")}
    if "near" in query:
        query["near"] = tuple(float(v) for v in query["near"].split(","))
    return store.count_events(EventQuery(**query))


@pytest.mark.parametrize("params", PAGES)
def test_cached_totals_equal_fresh_counts(client, store, params):
    first, second = _total(client, params), _total(client, params)  # the second from the cache
    assert first == second == _fresh(store, params) > 0


def test_a_write_outside_the_server_invalidates_the_totals(client, store):
    before = {i: _total(client, p) for i, p in enumerate(PAGES)}
    map_before = client.get("/api/map").json()["total"]
    stats_before = client.get("/api/stats").json()["deduplicated_events"]
    generation = store.generation()
    store.add_records(_records(20, seed=1000))  # straight to the store: the server is not told
    assert store.generation() > generation
    after = {i: _total(client, p) for i, p in enumerate(PAGES)}
    assert after == {i: _fresh(store, p) for i, p in enumerate(PAGES)}
    assert after[0] > before[0]
    assert client.get("/api/map").json()["total"] > map_before
    assert client.get("/api/stats").json()["deduplicated_events"] == store.stats()["deduplicated_events"] > stats_before


def test_the_cache_only_answers_for_its_generation():
    cache = GenerationCache(size=4)
    cache.put("k", 7, 120)
    assert cache.get("k", 7) == 120
    assert cache.get("k", 8) is None
    assert cache.get("k", 7) is None  # an entry of an older generation is dropped when seen


def test_the_cache_keeps_the_most_recently_used_entries():
    cache = GenerationCache(size=3)
    for key in "abc":
        cache.put(key, 1, key.upper())
    assert cache.get("a", 1) == "A"  # now the most recently used
    cache.put("d", 1, "D")
    assert len(cache) == 3
    assert cache.get("b", 1) is None
    assert [cache.get(k, 1) for k in "acd"] == ["A", "C", "D"]


# Realistic requests of the map and the table: GeoJSON for markers (all fields, or the
# map's eight), pages deep in a filter, every filter kind, other orders.
PAGE_REQUESTS = [
    {"format": "geojson", "limit": 500}, {"country": "SYR", "type": "ASSAULT", "format": "geojson", "limit": 200},
    {"format": "geojson", "limit": 300, "fields": "plover_type,date,actor1_name,actor2_name,location_name,admin1,country,fatalities"},
    {"near": "35.93,36.63,80", "format": "geojson", "limit": 100, "order": "fatalities_desc"},
    {"near": "35.93,36.63,40", "limit": 20}, {"near": "36.34,43.13,150", "limit": 10, "offset": 5},
    {"country": "IRQ", "limit": 5, "offset": 10}, {"text": "قصف", "limit": 5},
    {"actor": "الحوثي", "limit": 5}, {"admin1": "Idlib", "type": "ASSAULT", "limit": 5},
    {"since": "2024-01-10", "until": "2024-02-10", "limit": 50, "order": "date_asc"},
    {"flagged": "true", "located": "true", "limit": 50, "fields": "date,lat,lon"},
]


@pytest.fixture()
def uncached(store):
    with TestClient(create_app(ApiSettings(page_cache_mb=0), store=store)) as c:
        yield c


def _responses(client) -> list[tuple[int, str, bytes]]:
    out = []
    for params in PAGE_REQUESTS:
        r = client.get("/api/events", params=params)
        assert r.status_code == 200, (params, r.text)
        out.append((r.status_code, r.headers["content-type"], r.content))
    return out


def test_cached_pages_are_the_uncached_bytes(client, uncached):
    assert client.app.state.page_cache is not None and uncached.app.state.page_cache is None
    reference = _responses(uncached)
    assert _responses(client) == reference  # rendered, then kept
    assert len(client.app.state.page_cache) == len(PAGE_REQUESTS)
    assert _responses(client) == reference  # from the cache
    geojson = [body for _, kind, body in reference if kind == "application/geo+json"]
    assert len(geojson) == 4 and all(b'"Feature"' in body for body in geojson)
    assert all(b'"events":[{' in body for _, kind, body in reference if kind == "application/json")


def test_a_write_outside_the_server_renders_the_pages_again(client, uncached, store):
    before = _responses(client)
    store.add_records(_records(20, seed=2000))
    after = _responses(client)
    assert after == _responses(uncached)
    assert after[0] != before[0]  # the newest events lead the first page now


def test_the_page_cache_is_bounded_by_bytes():
    cache = GenerationCache(size=100, max_bytes=1000)
    for key in "abcd":
        cache.put(key, 1, bytes(240))
    assert cache.nbytes == 960 and len(cache) == 4
    cache.put("e", 1, bytes(240))  # over the budget: the least recently used goes
    assert cache.get("a", 1) is None and cache.nbytes == 960
    cache.put("huge", 1, bytes(251))  # over a quarter of the budget: not kept
    assert cache.get("huge", 1) is None and cache.nbytes == 960
    cache.put("b", 1, b"x")  # replaced
    assert cache.get("b", 1) == b"x" and cache.nbytes == 721
    assert cache.get("c", 2) is None and cache.nbytes == 481  # another generation: dropped


def test_the_page_cache_size_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("RASD_PAGE_CACHE_MB", "0")
    assert ApiSettings.from_env().page_cache_mb == 0
    monkeypatch.setenv("RASD_PAGE_CACHE_MB", "8")
    assert ApiSettings.from_env().page_cache_mb == 8
    monkeypatch.setenv("RASD_PAGE_CACHE_MB", "-1")
    with pytest.raises(ValueError):
        ApiSettings.from_env()
