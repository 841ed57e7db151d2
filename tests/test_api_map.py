"""The map's API: /api/map (points, or counts in squares when too many), the ``located``
filter, /api/countries, Arabic governorate and actor names in the filters, and
POST /api/sample. Runs in-process with httpx on a seeded store."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from rasd.api import ApiSettings, create_app
from test_web_fixtures import LOCATED, map_store

TOKEN = {"Authorization": "Bearer map-token"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return map_store(str(tmp_path_factory.mktemp("map") / "events.sqlite"))


@pytest.fixture(scope="module")
def client(store):
    with TestClient(create_app(ApiSettings(token="map-token"), store=store)) as c:
        yield c


@pytest.fixture(scope="module")
def small_client(store):
    """A server that sends at most two points one by one, then counts in squares."""
    with TestClient(create_app(ApiSettings(map_points=2), store=store)) as c:
        yield c


def ids(client, path: str, **params) -> set[str]:
    body = client.get(path, params={"limit": 500, **params}).json()
    return {e["id"] for e in body["events"]}


# ---- located ----

def test_located_splits_the_events(client):
    everything = ids(client, "/api/events")
    located = ids(client, "/api/events", located="true")
    unlocated = client.get("/api/events", params={"located": "false"}).json()
    assert len(everything) == LOCATED + 1 and len(located) == LOCATED
    assert unlocated["total"] == 1
    assert [e["location_name"] for e in unlocated["events"]] == [None]
    assert unlocated["events"][0]["document_ids"] == ["sirte-clashes"]
    assert located | {unlocated["events"][0]["id"]} == everything


# ---- /api/map ----

def test_map_sends_every_located_event_as_a_point(client):
    body = client.get("/api/map").json()
    assert body["type"] == "FeatureCollection" and body["aggregated"] is False
    assert (body["total"], body["located"], body["unlocated"], body["in_view"]) == (LOCATED + 1, LOCATED, 1, LOCATED)
    assert {f["id"] for f in body["features"]} == ids(client, "/api/events", located="true")
    aleppo = next(f for f in body["features"] if f["properties"]["location_name"] == "Aleppo")
    assert aleppo["geometry"]["coordinates"] == [37.16, 36.2]


@pytest.mark.parametrize("zoom", [0, 3, 6, 12])
def test_map_squares_count_every_located_event(small_client, zoom):
    body = small_client.get("/api/map", params={"zoom": zoom}).json()
    assert body["aggregated"] is True and body["in_view"] == LOCATED
    assert sum(f["properties"]["count"] for f in body["features"]) == LOCATED
    for f in body["features"]:
        props = f["properties"]
        assert sum(props["types"].values()) == props["count"]
        south, west, north, east = props["bounds"]
        lon, lat = f["geometry"]["coordinates"]
        assert south <= lat <= north and west <= lon <= east


def test_map_squares_follow_the_filters(small_client):
    body = small_client.get("/api/map", params={"type": "ASSAULT", "zoom": 8}).json()
    assert body["aggregated"] is True and body["located"] == 3  # Kafr Nabudah, Daraa, Aleppo
    assert sum(f["properties"]["count"] for f in body["features"]) == 3
    assert {t for f in body["features"] for t in f["properties"]["types"]} == {"ASSAULT"}


def test_map_view_box(client):
    body = client.get("/api/map", params={"bbox": "35,32,38,37"}).json()  # western Syria
    assert body["in_view"] == 3 and body["located"] == LOCATED
    assert {f["properties"]["location_name"] for f in body["features"]} == {"Kafr Nabudah", "Daraa", "Aleppo"}
    world = client.get("/api/map", params={"bbox": "-400,-100,400,100"}).json()
    assert world["in_view"] == LOCATED
    bad = client.get("/api/map", params={"bbox": "40,30,35,35"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_bbox"


def test_map_of_the_unlocated_draws_nothing(client):
    body = client.get("/api/map", params={"located": "false"}).json()
    assert body["features"] == [] and body["unlocated"] == 1 and body["located"] == 0


# ---- /api/countries ----

def test_countries_have_english_and_arabic_names(client):
    rows = {r["iso3"]: r for r in client.get("/api/countries").json()["countries"]}
    assert {"SYR", "IRQ", "YEM"} <= set(rows)
    assert (rows["SYR"]["name"], rows["SYR"]["name_ar"]) == ("Syria", "سوريا")
    assert (rows["IRQ"]["name"], rows["IRQ"]["name_ar"]) == ("Iraq", "العراق")
    assert rows["SYR"]["events"] == 3
    for code, row in rows.items():
        assert row["name"] and row["name_ar"], code


def test_country_filter_takes_a_name(client):
    assert ids(client, "/api/events", country="سوريا") == ids(client, "/api/events", country="SYR")
    assert ids(client, "/api/events", country="Iraq") == ids(client, "/api/events", country="IRQ")


# ---- Arabic names in the filters ----

@pytest.mark.parametrize("arabic, english", [("حلب", "Aleppo"), ("حماة", "Hama"), ("نينوى", "Nineveh")])
def test_arabic_governorate_finds_the_english_one(client, arabic, english):
    found = ids(client, "/api/events", admin1=arabic)
    assert found and found == ids(client, "/api/events", admin1=english)
    body = client.get("/api/map", params={"admin1": arabic}).json()
    assert {f["id"] for f in body["features"]} == found


def test_arabic_actor_name_finds_the_dictionary_actor(client):
    found = ids(client, "/api/events", actor="الجيش السوري")
    assert found == ids(client, "/api/events", actor="Syria Military")
    assert len(found) == 1
    event = client.get("/api/events", params={"actor": "الجيش السوري"}).json()["events"][0]
    assert event["location_name"] == "Aleppo"


def test_arabic_actor_combines_with_the_other_filters(client):
    """The alternatives of an Arabic name are one condition: ANDed with the rest."""
    assert ids(client, "/api/events", actor="الجيش السوري", located="false") == set()
    assert ids(client, "/api/events", actor="الجيش السوري", country="IRQ") == set()
    assert ids(client, "/api/events", actor="الجيش السوري", type="ASSAULT", admin1="حلب") == \
        ids(client, "/api/events", actor="Syria Military")
    body = client.get("/api/map", params={"actor": "الجيش السوري"}).json()
    assert (body["located"], body["unlocated"]) == (1, 0)


def test_arabic_place_in_text_and_admin1_agree(client):
    assert ids(client, "/api/events", admin1="حلب") == ids(client, "/api/events", text="حلب")


# ---- POST /api/sample ----

@pytest.fixture()
def empty_client(tmp_path):
    from rasd.store import open_store

    store = open_store(str(tmp_path / "empty.sqlite"))
    with TestClient(create_app(ApiSettings(token="map-token"), store=store)) as c:
        yield c
    store.close()


def test_sample_fills_an_empty_store(empty_client):
    from test_web_fixtures import pipeline_or_skip

    pipeline_or_skip()
    assert empty_client.get("/api/map").json()["total"] == 0
    r = empty_client.post("/api/sample", json={}, headers=TOKEN)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "new" and r.json()["events_added"] >= 1
    body = empty_client.get("/api/map").json()
    assert body["located"] >= 1 and len(body["features"]) == body["located"]
    assert empty_client.get("/api/stats").json()["documents"] == 1
    again = empty_client.post("/api/sample", json={}, headers=TOKEN)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"


@pytest.mark.parametrize("headers, status, code", [
    ({}, 401, "unauthorized"),
    ({**TOKEN, "Origin": "https://evil.example"}, 403, "cross_origin"),
    ({**TOKEN, "Host": "evil.example"}, 403, "bad_host"),
    ({**TOKEN, "Content-Type": "text/plain"}, 415, "unsupported_media_type"),
])
def test_sample_obeys_the_write_rules(empty_client, headers, status, code):
    if headers.get("Content-Type") == "text/plain":
        r = empty_client.post("/api/sample", content="{}", headers=headers)
    else:
        r = empty_client.post("/api/sample", json={}, headers=headers)
    assert r.status_code == status and r.json()["error"]["code"] == code
    assert empty_client.get("/api/stats").json()["documents"] == 0


def test_sample_refused_by_a_read_only_server(store):
    with TestClient(create_app(ApiSettings(read_only=True), store=store)) as c:
        r = c.post("/api/sample", json={})
        assert r.status_code == 403 and r.json()["error"]["code"] == "read_only"
