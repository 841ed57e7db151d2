"""The map page in a real browser (headless Chromium driven by Playwright): every located
event is drawn, as points or as /api/map's squares; the counts say how many are on the map
and how many have no place; Arabic filters; country names; an empty store. Skips when
Chromium or Playwright is missing."""
from __future__ import annotations

import httpx
import pytest

from rasd.api import ApiSettings, create_app
from test_web_fixtures import LOCATED, LiveServer, browser, loaded, map_store, page, wait_loaded  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return map_store(str(tmp_path_factory.mktemp("webmap") / "events.sqlite"))


@pytest.fixture(scope="module")
def server(store):
    with LiveServer(create_app(ApiSettings(), store=store)) as live:
        yield live








def drawn_points(page) -> int:
    """Events drawn one by one: single markers and the counts of marker clusters."""
    single = page.locator("path.marker").count()
    return single + sum(int(t) for t in page.locator(".marker-cluster span").all_inner_texts())


def counts(page) -> tuple[int, int]:
    return (int(page.locator("#located-count").inner_text()), int(page.locator("#unlocated-count").inner_text()))


def table_places(page) -> list[str]:
    return page.eval_on_selector_all("#events tbody tr td:nth-child(4)", "cells => cells.map(c => c.textContent)")


def test_counts_match_the_api_and_every_located_event_is_drawn(server, page):
    api = httpx.get(server.url + "/api/map").json()
    page.goto(server.url + "/")
    wait_loaded(page)
    page.wait_for_selector("path.marker, .marker-cluster")
    assert counts(page) == (api["located"], api["unlocated"]) == (LOCATED, 1)
    assert drawn_points(page) == LOCATED
    assert page.locator("#total").inner_text() == str(LOCATED + 1)
    assert page.locator("#empty-store").is_hidden()
    assert page.problems == []


def test_the_events_without_a_place_are_listed(server, page):
    page.goto(server.url + "/")
    wait_loaded(page)
    n = loaded(page)
    page.click("#unlocated-link")
    wait_loaded(page, n)
    assert "located=false" in page.url
    assert page.locator("select[name=located]").input_value() == "false"
    assert page.locator("#events tbody tr").count() == 1
    assert "sirte-clashes" in page.locator("#events tbody tr a[href^='/documents/']").first.get_attribute("href")
    assert counts(page) == (0, 1)
    assert page.locator("path.marker, .marker-cluster").count() == 0
    assert page.locator("#unlocated-link").is_enabled()


def test_many_events_are_drawn_as_squares_that_count_them_all(store, browser):
    with LiveServer(create_app(ApiSettings(map_points=2), store=store)) as live:
        pg = browser.new_page()
        pg.goto(live.url + "/")
        wait_loaded(pg)
        pg.wait_for_selector(".map-square")
        assert pg.locator("path.marker").count() == 0
        assert sum(int(t) for t in pg.locator(".map-square span").all_inner_texts()) == LOCATED
        assert counts(pg) == (LOCATED, 1)
        assert pg.locator("#map-note").inner_text() != ""
        # a filter: the squares count the matching events only
        n = loaded(pg)
        pg.select_option("select[name=type]", "ASSAULT")
        pg.click("#filters button[type=submit]")
        wait_loaded(pg, n)
        pg.wait_for_function("document.querySelectorAll('.map-square').length > 0")
        api = httpx.get(live.url + "/api/map", params={"type": "ASSAULT"}).json()
        assert counts(pg)[0] == api["located"] == 3
        pg.wait_for_function(
            "[...document.querySelectorAll('.map-square span')].reduce((a, s) => a + Number(s.textContent), 0) === 3")
        # a click on a square zooms to it and asks for the squares of the new view
        with pg.expect_request(lambda r: "/api/map?" in r.url and "bbox=" in r.url):
            pg.locator(".map-square").first.click()
        pg.wait_for_selector(".map-square, path.marker")
        assert counts(pg)[0] == 3  # still every matching event, not only those in view
        pg.close()


@pytest.mark.parametrize("field, arabic, english", [
    ("admin1", "حلب", "Aleppo"),
    ("actor", "الجيش السوري", "Syria Military"),
])
def test_arabic_filter_finds_what_the_english_one_finds(server, page, field, arabic, english):
    page.goto(server.url + "/?" + field + "=" + english)
    wait_loaded(page)
    english_places = table_places(page)
    assert english_places and all("Aleppo" in p for p in english_places)
    page.goto(server.url + "/")
    wait_loaded(page)
    n = loaded(page)
    page.fill(f"input[name={field}]", arabic)
    page.press(f"input[name={field}]", "Enter")
    wait_loaded(page, n)
    assert table_places(page) == english_places
    assert drawn_points(page) == len(english_places)
    assert counts(page) == (len(english_places), 0)


def test_country_names_follow_the_language(server, page):
    page.goto(server.url + "/")
    wait_loaded(page)
    syria = page.locator("select[name=country] option[value=SYR]")
    assert syria.inner_text().startswith("Syria (")
    page.click("#lang-toggle")
    assert syria.inner_text().startswith("سوريا (")
    assert page.locator("#unlocated-link").inner_text().endswith("بلا مكان معروف")
    n = loaded(page)
    page.select_option("select[name=country]", "SYR")
    page.click("#filters button[type=submit]")
    wait_loaded(page, n)
    assert drawn_points(page) == 3
    page.click("#lang-toggle")
    assert syria.inner_text().startswith("Syria (")


def test_sample_button_says_why_a_write_is_refused(tmp_path, browser):
    from rasd.store import open_store

    store = open_store(str(tmp_path / "locked.sqlite"))
    with LiveServer(create_app(ApiSettings(token="secret-token"), store=store)) as live:
        pg = browser.new_page()
        pg.goto(live.url + "/")
        wait_loaded(pg)
        pg.click("#load-sample")
        pg.wait_for_selector("#sample-note:has-text('token')")
        assert pg.locator("#empty-store").is_visible()
        assert httpx.get(live.url + "/api/stats").json()["documents"] == 0
        pg.close()
    store.close()


def test_empty_store_shows_how_to_ingest_and_loads_the_sample(tmp_path, browser):
    from test_web_fixtures import pipeline_or_skip

    from rasd.store import open_store

    pipeline_or_skip()
    store = open_store(str(tmp_path / "empty.sqlite"))
    with LiveServer(create_app(ApiSettings(), store=store)) as live:
        pg = browser.new_page()
        pg.goto(live.url + "/")
        wait_loaded(pg)
        hint = pg.locator("#empty-store")
        assert hint.is_visible()
        assert "rasd ingest" in hint.locator("code").inner_text()
        assert counts(pg) == (0, 0)
        n = loaded(pg)
        pg.click("#load-sample")
        wait_loaded(pg, n)
        api = httpx.get(live.url + "/api/map").json()
        assert api["located"] >= 1
        pg.wait_for_selector("path.marker, .marker-cluster")
        assert counts(pg) == (api["located"], api["unlocated"])
        assert drawn_points(pg) == api["located"]
        assert hint.is_hidden()
        assert pg.locator("select[name=country] option[value=SYR]").count() == 1
        pg.close()
    store.close()
