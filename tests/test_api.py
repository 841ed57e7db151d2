"""The HTTP API: filters, pagination, GeoJSON, errors, size limits, the write token,
security headers and escaping in the HTML pages. Runs in-process with httpx."""
from __future__ import annotations

import json

import httpx
import pytest
from fastapi.testclient import TestClient

from rasd.api import ApiSettings, create_app
from rasd.api.security import token_ok
from rasd.cli.serve_cmd import settings_for
from test_web_fixtures import ARTICLES, EXTRA_ARTICLES, LiveServer, build_record, seeded_store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return seeded_store(str(tmp_path_factory.mktemp("api") / "events.sqlite"))


@pytest.fixture(scope="module")
def client(store):
    with TestClient(create_app(ApiSettings(token="s3cret-token"), store=store)) as c:
        yield c


def error_of(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return body["error"]


# ---- reading ----

def test_events_page_has_total_and_rows(client):
    r = client.get("/api/events")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 4 and body["limit"] == 100 and body["offset"] == 0
    dates = [e["date"] for e in body["events"]]
    assert dates == sorted(dates, reverse=True)
    hama = next(e for e in body["events"] if e["location_name"] == "Kafr Nabudah")
    assert hama["plover_type"] == "ASSAULT" and hama["fatalities"] == 4
    assert hama["actor1_name"] == "Syrian Army" and hama["admin1"] == "Hama"
    assert "hama-shelling" in hama["document_ids"]


@pytest.mark.parametrize("params, locations", [
    ({"type": "PROTEST"}, {"Taiz"}),
    ({"type": "assault"}, {"Kafr Nabudah", "Daraa"}),
    ({"country": "IRQ"}, {"Mosul"}),
    ({"admin1": "Hama"}, {"Kafr Nabudah"}),
    ({"since": "2024-04-01", "until": "2024-05-19"}, {"Mosul", "Taiz"}),
    ({"text": "الكهرباء"}, {"Taiz"}),
    ({"actor": "Iraqi Security Forces"}, {"Mosul"}),
    ({"near": "35.5,36.5,30"}, {"Kafr Nabudah"}),
])
def test_filters(client, params, locations):
    body = client.get("/api/events", params=params).json()
    assert {e["location_name"] for e in body["events"]} == locations
    assert body["total"] == len(locations)


def test_pagination_keeps_total(client):
    first = client.get("/api/events", params={"limit": 2}).json()
    second = client.get("/api/events", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == 4
    ids = [e["id"] for e in first["events"] + second["events"]]
    assert len(set(ids)) == 4


def test_page_size_is_capped(client):
    from rasd.api.queries import MAX_GEOJSON_PAGE, MAX_PAGE

    assert client.get("/api/events", params={"limit": MAX_PAGE}).json()["limit"] == MAX_PAGE
    r = client.get("/api/events", params={"limit": MAX_PAGE + 1})
    assert r.status_code == 422 and error_of(r)["code"] == "invalid_request"
    assert str(MAX_PAGE) in error_of(r)["message"]
    # the map's GeoJSON pages may be larger, up to their own cap
    geo = client.get("/api/events", params={"limit": 3000, "format": "geojson"})
    assert geo.status_code == 200 and geo.json()["limit"] == 3000
    r = client.get("/api/events", params={"limit": MAX_GEOJSON_PAGE + 1, "format": "geojson"})
    assert r.status_code == 422 and error_of(r)["code"] == "invalid_request"


def test_internal_queries_stay_unlimited(store):
    from rasd.store import EventQuery

    assert len(store.query_events(EventQuery(limit=None))) == store.count_events(EventQuery()) == 4


def test_geojson(client):
    r = client.get("/api/events", params={"format": "geojson", "country": "SYR"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    body = r.json()
    assert body["type"] == "FeatureCollection" and body["total"] == 2
    coords = sorted(tuple(f["geometry"]["coordinates"]) for f in body["features"])
    assert coords == [(36.1, 32.62), (36.47, 35.46)]  # [lon, lat]
    assert all("lat" not in f["properties"] and f["properties"]["plover_type"] == "ASSAULT"
               for f in body["features"])


def test_geojson_properties_are_the_json_rows_less_the_point(client):
    page = client.get("/api/events", params={"limit": 50}).json()["events"]
    geo = client.get("/api/events", params={"limit": 50, "format": "geojson"}).json()["features"]
    located = [e for e in page if e["lat"] is not None and e["lon"] is not None]
    assert len(geo) == len(located) >= 3
    for event, feature in zip(located, geo):
        assert feature["id"] == event["id"]
        assert feature["geometry"] == {"type": "Point", "coordinates": [event["lon"], event["lat"]]}
        assert feature["properties"] == {k: v for k, v in event.items() if k not in ("lat", "lon")}
        assert list(feature["properties"]) == [k for k in event if k not in ("lat", "lon")]


def test_responses_encode_as_the_standard_library_would():
    from datetime import date

    from rasd.api.routes import dumps
    content = {"total": 2, "events": [{"sentence": "قصف مدفعي على ريف إدلب", "lat": 35.93, "lon": 36.63,
                                        "fatalities": None, "flagged": False, "day": date(2024, 3, 1),
                                        "sources": ["sana", "enab"]}],
               "by_year": {2024: 1}, "big": 2 ** 70}
    expected = json.dumps(content, ensure_ascii=False, separators=(",", ":"), default=str)
    assert json.loads(dumps(content)) == json.loads(expected)
    assert "قصف مدفعي".encode() in dumps(content)  # UTF-8, not \u escapes


def test_event_detail_has_reports_with_spans(client):
    event_id = client.get("/api/events", params={"admin1": "Hama"}).json()["events"][0]["id"]
    r = client.get(f"/api/events/{event_id}")
    assert r.status_code == 200
    event = r.json()
    report = event["reports"][0]
    text = ARTICLES[0]["text"]
    assert report["document_id"] == "hama-shelling"
    assert text[report["span"][0]:report["span"][1]] == report["sentence"]
    assert report["record"]["trigger"] == "قصف مدفعي"


def test_document_detail_is_the_contract_record(client):
    r = client.get("/api/documents/taiz-protest")
    assert r.status_code == 200
    record = r.json()
    text = record["document"]["text"]
    assert text == ARTICLES[2]["text"]
    ev = record["events"][0]
    assert text[ev["trigger_span"][0]:ev["trigger_span"][1]] == "تظاهر"
    assert all(text[e["span"][0]:e["span"][1]] == e["text"] for e in record["entities"])


def test_stats_actors_timeline(client):
    stats = client.get("/api/stats").json()
    assert stats["documents"] == 4 and stats["events"] == 4
    assert stats["by_type"]["ASSAULT"] == 2
    actors = client.get("/api/actors").json()["actors"]
    assert "Syrian Army" in {a["name"] for a in actors}
    days = client.get("/api/timeline", params={"type": "ASSAULT"}).json()["days"]
    assert days == [{"date": "2024-03-11", "counts": {"ASSAULT": 1}},
                    {"date": "2024-05-20", "counts": {"ASSAULT": 1}}]


# ---- errors ----

@pytest.mark.parametrize("path, status, code", [
    ("/api/events/no-such-event", 404, "not_found"),
    ("/api/documents/no-such-doc", 404, "not_found"),
    ("/api/nothing-here", 404, "not_found"),
    ("/api/events?since=yesterday", 400, "bad_date"),
    ("/api/events?until=2024-13-01", 400, "bad_date"),
    ("/api/events?since=2024-02-30", 400, "bad_filter"),
    ("/api/events?near=36,37", 400, "bad_near"),
    ("/api/events?near=95,37,10", 400, "bad_near"),
    ("/api/events?order=random", 400, "bad_order"),
    ("/api/events?limit=0", 422, "invalid_request"),
    ("/api/events?limit=abc", 422, "invalid_request"),
    ("/api/events?format=xml", 422, "invalid_request"),
])
def test_errors_are_json(client, path, status, code):
    r = client.get(path)
    assert r.status_code == status
    assert error_of(r)["code"] == code


def test_extract_body_validation(client):
    r = client.post("/api/extract", json={"title": "بلا نص"})
    assert r.status_code == 422 and "exactly one" in error_of(r)["message"]
    r = client.post("/api/extract", json={"text": "نص", "html": "<p>نص</p>"})
    assert r.status_code == 422
    r = client.post("/api/extract", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    r = client.post("/api/extract", json={"text": "   "})
    assert r.status_code == 400 and error_of(r)["code"] == "empty"


def test_body_too_large_by_content_length(client):
    big = json.dumps({"text": "ا" * (1_100_000)})  # > 2 MB in UTF-8
    r = client.post("/api/extract", content=big.encode(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and error_of(r)["code"] == "too_large"


def test_body_too_large_while_reading(client):
    def chunks():  # no Content-Length: chunked transfer
        yield b'{"text": "'
        for _ in range(40):
            yield ("ب" * 40_000).encode()
        yield b'"}'
    r = client.post("/api/extract", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and error_of(r)["code"] == "too_large"


# ---- writes and the token ----

def fake_job(payload: dict) -> dict:
    """Runs in an extraction worker: a hand-built record (the write tests are about the
    write path, not extraction)."""
    record = build_record(EXTRA_ARTICLES[0])
    content = payload["content"]
    record["document"]["text"] += "\n" + (content.decode("utf-8") if isinstance(content, bytes) else content)
    record["document"]["id"] = payload.get("id") or "posted"
    record["document"]["title"] = payload.get("title")
    record["document"]["url"] = None  # one URL for every post would make them duplicates
    return record


def sleepy_job(payload: dict) -> dict:
    """Runs in an extraction worker: sleeps as many seconds as the title says."""
    import time

    time.sleep(float(payload.get("title") or 0))
    return {"slept": payload.get("title"), "id": payload.get("id")}


@pytest.fixture()
def fake_extraction(monkeypatch, client):
    """Every app (the module's client and those made in the test) extracts with fake_job."""
    import rasd.api.app as app_module
    from rasd.api.workers import ExtractionPool

    pool = ExtractionPool(1, 30, job=fake_job, warm=None)
    real = client.app.state.extraction  # app.state keeps its values outside __dict__: no monkeypatch
    client.app.state.extraction = pool
    monkeypatch.setattr(app_module, "ExtractionPool", lambda *args, **kwargs: pool)
    yield pool
    client.app.state.extraction = real
    pool.close()


def test_post_document_needs_the_token(client, fake_extraction):
    body = {"text": "وأعلن الجيش استعادة السيطرة على الطريق.", "id": "posted-1", "title": "خبر"}
    r = client.post("/api/documents", json=body)
    assert r.status_code == 401 and error_of(r)["code"] == "unauthorized"
    assert r.headers["www-authenticate"] == "Bearer"
    r = client.post("/api/documents", json=body, headers={"Authorization": "Bearer wrong-token!"})
    assert r.status_code == 401
    r = client.post("/api/documents", json=body, headers={"Authorization": "Basic s3cret-token"})
    assert r.status_code == 401
    r = client.post("/api/documents", json=body, headers={"Authorization": "Bearer s3cret-token"})
    assert r.status_code == 201, r.text
    assert r.json() == {"document_id": "posted-1", "status": "new", "reports_added": 1, "new_events": 1,
                        "events_added": 1}
    again = client.post("/api/documents", json=body, headers={"Authorization": "Bearer s3cret-token"})
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert client.get("/api/documents/posted-1").json()["document"]["title"] == "خبر"


def test_read_only_server_refuses_writes(store, fake_extraction):
    with TestClient(create_app(ApiSettings(read_only=True), store=store)) as c:
        r = c.post("/api/documents", json={"text": "نص الخبر", "id": "ro-1"})
        assert r.status_code == 403 and error_of(r)["code"] == "read_only"
        assert c.get("/api/events").status_code == 200


def test_tokenless_writes_only_from_loopback(store, fake_extraction):
    app = create_app(ApiSettings(), store=store)
    with TestClient(app) as c:  # TestClient's peer is "testclient", not loopback
        r = c.post("/api/documents", json={"text": "وقالت مصادر طبية إن الجرحى نقلوا إلى المستشفى.", "id": "remote-1"})
        assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    with LiveServer(app) as server:  # a real loopback connection
        r = httpx.post(server.url + "/api/documents", json={"text": "وشهدت المنطقة هدوءاً حذراً صباح اليوم التالي.", "id": "local-1"})
        # accepted (the store may call it a near-duplicate of the earlier post)
        assert r.status_code in (200, 201) and r.json()["status"] in ("new", "duplicate"), r.text


def test_serve_without_token_on_public_address_is_read_only(monkeypatch):
    monkeypatch.delenv("RASD_API_TOKEN", raising=False)
    assert settings_for("0.0.0.0").read_only
    assert settings_for("192.168.1.20").read_only
    assert not settings_for("127.0.0.1").read_only
    assert not settings_for("::1").read_only
    assert not settings_for("localhost").read_only
    monkeypatch.setenv("RASD_API_TOKEN", "tok")
    public = settings_for("0.0.0.0")
    assert not public.read_only and public.token == "tok"


def test_token_check():
    assert token_ok("Bearer abc", "abc") and token_ok("bearer abc", "abc")
    assert not token_ok(None, "abc") and not token_ok("Bearer abcd", "abc")
    assert not token_ok("Bearer ", "abc") and not token_ok("abc", "abc")


# ---- headers, CORS, escaping ----

def test_security_headers(client):
    for path in ("/", "/api/events", "/api/nothing", "/static/web/map.js"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_no_cors_unless_configured(client, store):
    r = client.get("/api/events", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    app = create_app(ApiSettings(cors_origins=("https://partner.example",)), store=store)
    with TestClient(app) as c:
        ok = c.get("/api/events", headers={"Origin": "https://partner.example"})
        assert ok.headers["access-control-allow-origin"] == "https://partner.example"
        other = c.get("/api/events", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_article_page_escapes_hostile_text(client):
    r = client.get("/documents/xss-probe")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1" in html  # the title, as text
    assert "<b>مصدر</b>" not in html and "&lt;b&gt;مصدر&lt;/b&gt;" in html
    assert 'href="javascript:' not in html
    # the embedded record is JSON with <, > escaped, so it cannot close its script element
    embedded = html.split('id="record">', 1)[1].split("</script>", 1)[0]
    assert "<" not in embedded and json.loads(embedded)["document"]["id"] == "xss-probe"


def test_pages_render(client):
    for path in ("/", "/extract", "/docs", "/documents/hama-shelling"):
        r = client.get(path)
        assert r.status_code == 200 and "<html" in r.text, path
    event_id = client.get("/api/events", params={"admin1": "Hama"}).json()["events"][0]["id"]
    page = client.get(f"/events/{event_id}")
    assert page.status_code == 200 and "قصف مدفعي لقوات النظام" in page.text
    missing = client.get("/documents/nope")
    assert missing.status_code == 404 and "nope" in missing.text
    assert client.get("/static/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/markercluster/leaflet.markercluster.js").status_code == 200


def test_openapi_lists_the_endpoints(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/events", "/api/events/{event_id}", "/api/documents/{doc_id}",
                 "/api/extract", "/api/documents", "/api/stats", "/api/actors"):
        assert path in paths
    assert "post" in paths["/api/documents"]


# ---- real extraction ----

def test_extract_runs_the_pipeline_and_stores_nothing(client):
    from test_web_fixtures import PASTED_ARTICLE, pipeline_or_skip

    pipeline_or_skip()
    before = client.get("/api/stats").json()["documents"]
    r = client.post("/api/extract", json={"text": PASTED_ARTICLE, "published": "2024-07-04",
                                          "title": "قصف على ريف حماة", "id": "pasted"})
    assert r.status_code == 200, r.text
    record = r.json()
    text = record["document"]["text"]
    assert record["document"]["id"] == "pasted" and record["document"]["published"] == "2024-07-04"
    assert any(e["plover"]["type"] == "ASSAULT" for e in record["events"])
    for ev in record["events"]:
        assert text[ev["span"][0]:ev["span"][1]] == ev["sentence"]
    assert client.get("/api/stats").json()["documents"] == before


def test_extract_accepts_html(client):
    from test_web_fixtures import PASTED_ARTICLE, pipeline_or_skip

    pipeline_or_skip()
    html = ("<html><head><title>قصف على ريف حماة</title></head><body><article><p>"
            + PASTED_ARTICLE.replace("\n", "</p><p>") + "</p></article></body></html>")
    r = client.post("/api/extract", json={"html": html, "published": "2024-07-04"})
    assert r.status_code == 200, r.text
    assert "<p>" not in r.json()["document"]["text"]
    assert "كفرنبودة" in r.json()["document"]["text"]


def test_csp_allows_the_configured_tile_server_only():
    from rasd.api.security import content_security_policy

    assert "img-src 'self' data:;" in content_security_policy(None) + ";"
    csp = content_security_policy("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tile.example.org" in csp
    assert "https://tiles.example.net" in content_security_policy("https://tiles.example.net/{z}/{x}/{y}.png")
    assert "javascript" not in content_security_policy("javascript:alert(1)")


def test_timeline_without_an_aggregate_query_scans_the_events(store):
    class PublicOnly:  # the store's public methods only: no SQL aggregate can be built
        def __init__(self, inner):
            self.query_events = inner.query_events

    app = create_app(ApiSettings(), store=PublicOnly(store))
    with TestClient(app) as c:
        body = c.get("/api/timeline", params={"country": "SYR"}).json()
    assert body["truncated"] is False and body["events"] == 2
    assert body["days"] == [{"date": "2024-03-11", "counts": {"ASSAULT": 1}},
                            {"date": "2024-05-20", "counts": {"ASSAULT": 1}}]


def test_rasd_serve_command(tmp_path):
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from test_web_fixtures import free_port

    db = tmp_path / "serve.sqlite"
    seeded_store(str(db)).close()
    port = free_port()
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root))
    env.pop("RASD_API_TOKEN", None)
    cmd = [sys.executable, "-c", "import sys; from rasd.cli import main; sys.argv[0] = 'rasd'; main()",
           "serve", "--db", str(db), "--port", str(port), "--read-only", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                stats = httpx.get(base + "/api/stats", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "rasd serve did not start"
                time.sleep(0.2)
        assert stats.status_code == 200 and stats.json()["documents"] == 4
        r = httpx.post(base + "/api/documents", json={"text": "نص", "id": "x"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "read_only"
        assert httpx.get(base + "/docs").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_unexpected_errors_are_json(store, monkeypatch):
    app = create_app(ApiSettings(), store=store)
    monkeypatch.setattr(store, "stats", lambda: 1 / 0)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/stats")
    assert r.status_code == 500 and error_of(r) == {"code": "internal_error", "message": "internal server error"}


def test_method_not_allowed_is_json(client):
    r = client.delete("/api/events")
    assert r.status_code == 405 and error_of(r)["code"] == "method_not_allowed"


def test_synthetic_records_obey_the_contract(tmp_path):
    from rasd.api.synthetic import synthetic_records
    from rasd.store import open_store

    records = list(synthetic_records(20, seed=7, events=3, jitter=1.0, filler=20))
    for record in records:
        text = record["document"]["text"]
        for ent in record["entities"]:
            assert text[ent["span"][0]:ent["span"][1]] == ent["text"]
        for ev in record["events"]:
            assert text[ev["span"][0]:ev["span"][1]] == ev["sentence"]
            assert text[ev["trigger_span"][0]:ev["trigger_span"][1]] == ev["trigger"]
            assert text[ev["location"]["span"][0]:ev["location"]["span"][1]] == ev["location"]["name_ar"]
    store = open_store(str(tmp_path / "syn.sqlite"))
    results = store.add_records(records)
    assert all(r.status == "new" for r in results)
    assert store.stats()["documents"] == 20


def test_extract_takes_json_or_a_file_upload_only(client):
    from test_web_fixtures import PASTED_ARTICLE, pipeline_or_skip

    # raw text/plain or text/html bodies are what a cross-site form can send: refused
    for media in ("application/xml", "text/plain", "text/html", "application/x-www-form-urlencoded"):
        r = client.post("/api/extract", content="<p>x</p>".encode(), headers={"content-type": media})
        assert r.status_code == 415 and error_of(r)["code"] == "unsupported_media_type", media
    r = client.post("/api/extract", content=b'{"text": "x"}')  # no Content-Type at all
    assert r.status_code == 415
    r = client.post("/api/extract", files={"file": ("a.txt", b"", "text/plain")})
    assert r.status_code == 400 and error_of(r)["code"] == "empty"
    r = client.post("/api/extract", files={"file": ("a.txt", b"x", "text/plain")}, data={"colour": "red"})
    assert r.status_code == 422 and "colour" in error_of(r)["message"]
    pipeline_or_skip()
    r = client.post("/api/extract", files={"file": ("article.txt", PASTED_ARTICLE.encode("windows-1256"), "text/plain")},
                    data={"published": "2024-07-04", "id": "raw-1"})
    assert r.status_code == 200, r.text
    assert r.json()["document"]["id"] == "raw-1" and r.json()["document"]["published"] == "2024-07-04"
    assert "كفرنبودة" in r.json()["document"]["text"]
    page = f"<html><body><article><p>{PASTED_ARTICLE}</p></article></body></html>"
    r = client.post("/api/extract", files={"file": ("page.html", page.encode(), "text/html")})
    assert r.status_code == 200 and "كفرنبودة" in r.json()["document"]["text"]


def test_unauthorised_write_is_refused_before_the_body_is_read(client):
    r = client.post("/api/documents", content=b"{not even json", headers={"content-type": "application/json"})
    assert r.status_code == 401


def test_tile_url_reaches_the_map_and_the_csp(store):
    tiles = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    with TestClient(create_app(ApiSettings(tile_url=tiles), store=store)) as c:
        r = c.get("/")
    assert f'data-tiles="{tiles}"' in r.text
    assert "img-src 'self' data: https://*.tiles.example.org" in r.headers["content-security-policy"]


def test_fields_trim_the_rows(client):
    body = client.get("/api/events", params={"fields": "plover_type,date", "country": "IRQ"}).json()
    assert body["events"] == [{"id": body["events"][0]["id"], "plover_type": "COERCE", "date": "2024-04-02"}]
    geo = client.get("/api/events", params={"fields": "date", "format": "geojson", "country": "IRQ"}).json()
    assert geo["features"][0]["geometry"]["coordinates"] == [43.13, 36.34]
    assert set(geo["features"][0]["properties"]) == {"id", "date"}


@pytest.mark.postgres
def test_api_on_postgresql(pg_database):
    from rasd.store import open_store

    store = open_store(pg_database)
    for article in ARTICLES:
        assert store.add_record(build_record(article)).status == "new"
    with TestClient(create_app(ApiSettings(), store=store)) as c:
        body = c.get("/api/events", params={"type": "ASSAULT", "limit": 1}).json()
        assert body["total"] == 2 and len(body["events"]) == 1
        assert c.get("/api/events", params={"near": "35.5,36.5,30"}).json()["total"] == 1
        assert c.get("/api/events", params={"text": "الكهرباء"}).json()["events"][0]["location_name"] == "Taiz"
        days = c.get("/api/timeline", params={"country": "SYR"}).json()["days"]
        assert [d["date"] for d in days] == ["2024-03-11", "2024-05-20"]
        event_id = c.get("/api/events", params={"country": "IRQ"}).json()["events"][0]["id"]
        assert c.get(f"/api/events/{event_id}").json()["reports"][0]["document_id"] == "mosul-arrests"
        assert "&lt;script&gt;" in c.get("/documents/xss-probe").text
    store.close()


# ---- the write guard: Host, Origin, Content-Type ----

TOKEN = {"Authorization": "Bearer s3cret-token"}


def test_dns_rebinding_host_is_refused_for_writes(client, fake_extraction):
    body = {"text": "وأعلن الجيش سيطرته على التلة.", "id": "rebind-1"}
    for path in ("/api/documents", "/api/extract"):
        r = client.post(path, json=body, headers={**TOKEN, "Host": "evil.example"})
        assert r.status_code == 403 and error_of(r)["code"] == "bad_host", path
        assert "evil.example" in error_of(r)["message"]
    assert client.get("/api/stats", headers={"Host": "evil.example"}).status_code == 200  # reads stay open
    assert client.get("/api/documents/rebind-1").status_code == 404


def test_loopback_server_accepts_its_loopback_names_only(store, fake_extraction):
    app = create_app(ApiSettings(), store=store)
    with LiveServer(app) as server:
        body = {"text": "وقصفت المدفعية أطراف البلدة.", "id": "names-1"}
        for host in ("localhost", f"localhost:{server.port}", f"127.0.0.1:{server.port}"):
            r = httpx.post(server.url + "/api/extract", json=body, headers={"Host": host})
            assert r.status_code == 200, (host, r.text)
        for host in ("evil.example", f"evil.example:{server.port}", "127.0.0.1.nip.io"):
            r = httpx.post(server.url + "/api/documents", json=body, headers={"Host": host})
            assert r.status_code == 403 and r.json()["error"]["code"] == "bad_host", host


def test_allowed_hosts_admit_the_name_behind_a_proxy(store, fake_extraction):
    app = create_app(ApiSettings(token="t", allowed_hosts=("rasd.example.org",)), store=store)
    with TestClient(app) as c:
        headers = {"Authorization": "Bearer t", "Host": "rasd.example.org"}
        r = c.post("/api/documents", json={"text": "نص الخبر الأول", "id": "proxy-1"}, headers=headers)
        assert r.status_code == 201, r.text
        r = c.post("/api/documents", json={"text": "نص الخبر الثاني", "id": "proxy-2"},
                   headers={**headers, "Host": "other.example.org"})
        assert r.status_code == 403


@pytest.mark.parametrize("headers, code", [
    ({"Origin": "https://evil.example"}, "cross_origin"),
    ({"Origin": "null"}, "cross_origin"),
    ({"Origin": "http://testserver.evil.example"}, "cross_origin"),
    ({"Sec-Fetch-Site": "cross-site"}, "cross_origin"),
])
def test_cross_site_writes_are_refused(client, fake_extraction, headers, code):
    r = client.post("/api/documents", json={"text": "نص", "id": "xs-1"}, headers={**TOKEN, **headers})
    assert r.status_code == 403 and error_of(r)["code"] == code


def test_cross_site_form_post_is_refused(client, fake_extraction):
    """What a hostile page's <form enctype="text/plain"> sends: its Origin, text/plain."""
    form = {"Origin": "https://evil.example", "Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"}
    r = client.post("/api/documents", content='{"text": "نص", "id": "form-1"}', headers=form)
    assert r.status_code == 403 and error_of(r)["code"] == "cross_origin"
    # the same body from this server's own page (same origin) but as text/plain: 415
    r = client.post("/api/documents", content='{"text": "نص", "id": "form-1"}',
                    headers={**TOKEN, "Origin": "http://testserver", "Content-Type": "text/plain"})
    assert r.status_code == 415
    assert client.get("/api/documents/form-1").status_code == 404


def test_same_origin_and_configured_origins_may_write(store, fake_extraction):
    app = create_app(ApiSettings(token="t", cors_origins=("https://partner.example",)), store=store)
    with TestClient(app) as c:
        auth = {"Authorization": "Bearer t"}
        r = c.post("/api/documents", json={"text": "خبر من الصفحة نفسها", "id": "same-1"},
                   headers={**auth, "Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"})
        assert r.status_code == 201, r.text
        r = c.post("/api/documents", json={"text": "خبر من موقع شريك", "id": "partner-1"},
                   headers={**auth, "Origin": "https://partner.example"})
        assert r.status_code == 201, r.text
        assert r.headers["access-control-allow-origin"] == "https://partner.example"


def test_non_ascii_token_is_compared_as_utf8_bytes(store, fake_extraction):
    token = "مفتاح-سرّي-٢٠٢٤"
    app = create_app(ApiSettings(token=token), store=store)
    with TestClient(app) as c:
        good = {"Authorization": b"Bearer " + token.encode("utf-8")}
        r = c.post("/api/documents", json={"text": "خبر بمفتاح عربي", "id": "utf8-token"}, headers=good)
        assert r.status_code == 201, r.text
        wrong = {"Authorization": b"Bearer " + (token + "x").encode("utf-8")}
        assert c.post("/api/documents", json={"text": "خبر", "id": "t2"}, headers=wrong).status_code == 401
        latin1 = {"Authorization": b"Bearer " + token.encode("utf-8").decode("latin-1").encode("utf-8")}
        assert c.post("/api/documents", json={"text": "خبر", "id": "t3"}, headers=latin1).status_code == 401
    assert token_ok("Bearer " + token, token)  # a str header that never went through the wire


def test_ids_with_a_slash_are_reachable(client, store):
    record = build_record(EXTRA_ARTICLES[0])
    record["document"]["id"] = "wire/2024/07 #5?"
    record["document"]["text"] += "\nنسخة للاختبار."
    record["document"]["url"] = None
    assert store.add_record(record).status == "new"
    client.app.state.count_cache.clear()
    from urllib.parse import quote

    for path in (f"/api/documents/{quote('wire/2024/07 #5?', safe='')}",
                 f"/api/documents/{quote('wire/2024/07 #5?', safe='/')}",
                 f"/documents/{quote('wire/2024/07 #5?', safe='')}"):
        r = client.get(path)
        assert r.status_code == 200, path
    assert client.get("/api/documents/" + quote("wire/2024/07 #5?", safe="")).json()["document"]["id"] == "wire/2024/07 #5?"
    assert client.get("/api/documents/wire/2024").status_code == 404


# ---- extraction off the event loop ----

@pytest.fixture()
def sleepy_server(store):
    """A real loopback server whose two extraction workers sleep on request."""
    from rasd.api.workers import ExtractionPool

    app = create_app(ApiSettings(extract_workers=2, extract_timeout_s=3), store=store)
    app.state.extraction.close()
    app.state.extraction = ExtractionPool(2, 3.0, job=sleepy_job, warm=None)
    with LiveServer(app) as server:
        # start both workers (a cold worker's start-up is not part of these timings)
        with httpx.Client(timeout=60) as warm:
            import concurrent.futures as cf
            with cf.ThreadPoolExecutor(2) as ex:
                list(ex.map(lambda i: warm.post(server.url + "/api/extract", json={"text": "x", "title": "0.5"}), range(2)))
        yield server, app.state.extraction
    app.state.extraction.close()


def test_busy_pool_answers_503_at_once_and_reads_stay_fast(sleepy_server):
    import concurrent.futures as cf
    import time

    server, pool = sleepy_server
    url = server.url + "/api/extract"
    with cf.ThreadPoolExecutor(3) as ex:
        slow = [ex.submit(httpx.post, url, json={"text": "x", "title": "2"}, timeout=30) for _ in range(2)]
        deadline = time.monotonic() + 5
        while pool.busy_slots() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        started = time.monotonic()
        busy = httpx.post(url, json={"text": "x", "title": "0"}, timeout=30)
        assert time.monotonic() - started < 1.0
        assert busy.status_code == 503 and busy.json()["error"]["code"] == "busy"
        assert busy.headers["retry-after"] == "2"
        started = time.monotonic()
        assert httpx.get(server.url + "/api/stats", timeout=30).status_code == 200
        assert time.monotonic() - started < 1.0  # the event loop is not held by the extractions
        assert [f.result().status_code for f in slow] == [200, 200]


def test_a_slow_request_does_not_delay_another(sleepy_server):
    import concurrent.futures as cf
    import time

    server, _pool = sleepy_server
    url = server.url + "/api/extract"
    with cf.ThreadPoolExecutor(2) as ex:
        slow = ex.submit(httpx.post, url, json={"text": "x", "title": "2.5"}, timeout=30)
        time.sleep(0.3)
        started = time.monotonic()
        fast = httpx.post(url, json={"text": "x", "title": "0", "id": "fast"}, timeout=30)
        assert fast.status_code == 200 and fast.json()["id"] == "fast"
        assert time.monotonic() - started < 1.5
        assert slow.result().status_code == 200


def test_time_limit_kills_the_worker_and_the_slot_recovers(sleepy_server):
    server, pool = sleepy_server
    url = server.url + "/api/extract"
    r = httpx.post(url, json={"text": "x", "title": "60"}, timeout=30)
    assert r.status_code == 422 and r.json()["error"]["code"] == "time_limit"
    assert "3 s" in r.json()["error"]["message"]
    results = [httpx.post(url, json={"text": "x", "title": "0", "id": str(i)}, timeout=60).status_code
               for i in range(3)]
    assert results == [200, 200, 200]


def test_input_errors_from_the_worker_keep_their_codes(client):
    from test_web_fixtures import pipeline_or_skip

    pipeline_or_skip()
    r = client.post("/api/extract", json={"text": "This page is in English only, about the weather."})
    assert r.status_code == 400 and error_of(r)["code"] == "input_E108"


def test_post_document_counts_reports_and_new_events(tmp_path, fake_extraction):
    """``reports_added`` counts the document's reports, ``new_events`` the de-duplicated
    events they started; ``events_added`` is the deprecated name of ``reports_added``."""
    from rasd.store import open_store

    store = open_store(str(tmp_path / "fresh.sqlite"))
    auth = {"Authorization": "Bearer s3cret-token"}
    with TestClient(create_app(ApiSettings(token="s3cret-token"), store=store)) as c:
        first = c.post("/api/documents", json={"text": "وأعلن الجيش استعادة السيطرة على الطريق.", "id": "report-1"},
                       headers=auth)
        second = c.post("/api/documents", json={"text": "وقال مصدر عسكري إن المعارك توقفت مساء.", "id": "report-2"},
                        headers=auth)
        again = c.post("/api/documents", json={"text": "وأعلن الجيش استعادة السيطرة على الطريق.", "id": "report-1"},
                       headers=auth)
        stats = c.get("/api/stats").json()
        schema = c.get("/openapi.json").json()["components"]["schemas"]["IngestOut"]["properties"]
    assert first.status_code == second.status_code == 201
    assert first.json() == {"document_id": "report-1", "status": "new", "reports_added": 1, "new_events": 1,
                            "events_added": 1}
    # a near-copy of the first document (fake_job extracts the same event): its report
    # joins the stored event
    assert (second.json()["reports_added"], second.json()["new_events"]) == (1, 0)
    assert second.json()["events_added"] == second.json()["reports_added"]
    assert (stats["reports"], stats["deduplicated_events"]) == (2, 1)
    assert again.status_code == 200
    assert {k: again.json()[k] for k in ("status", "reports_added", "new_events")} == \
        {"status": "duplicate", "reports_added": 0, "new_events": 0}
    assert schema["events_added"].get("deprecated") is True and "deprecated" not in schema["reports_added"]
    store.close()
