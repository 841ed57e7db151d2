"""The web app in a real browser: headless Chromium driven by Playwright against a live
server on a seeded store. Skips when Chromium or Playwright is missing."""
from __future__ import annotations

import re

import pytest

from rasd.api import ApiSettings, create_app
from test_web_fixtures import LiveServer, browser, loaded, page, seeded_store, wait_loaded  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = seeded_store(str(tmp_path_factory.mktemp("web") / "events.sqlite"))
    with LiveServer(create_app(ApiSettings(), store=store)) as live:
        yield live








def table_types(page) -> list[str]:
    return page.eval_on_selector_all("#events tbody tr", "rows => rows.map(r => r.dataset.type)")


def test_map_shows_the_seeded_events(server, page):
    page.goto(server.url + "/")
    wait_loaded(page)
    page.wait_for_selector("path.marker, .marker-cluster")
    single = page.locator("path.marker").count()
    clustered = sum(int(t) for t in page.locator(".marker-cluster span").all_inner_texts())
    assert single + clustered == 4
    assert page.locator("#total").inner_text() == "4"
    assert page.locator(".leaflet-overlay-pane path").count() > 50  # the country outlines
    assert page.locator("#timeline rect.bar").count() == 4
    assert page.problems == []


def test_filters_change_the_table(server, page):
    page.goto(server.url + "/")
    wait_loaded(page)
    assert sorted(table_types(page)) == ["ASSAULT", "ASSAULT", "COERCE", "PROTEST"]
    n = loaded(page)
    page.select_option("select[name=type]", "PROTEST")
    page.click("#filters button[type=submit]")
    wait_loaded(page, n)
    assert table_types(page) == ["PROTEST"]
    assert "type=PROTEST" in page.url
    assert page.locator("#total").inner_text() == "1"
    n = loaded(page)
    page.select_option("select[name=type]", "")
    page.select_option("select[name=country]", "SYR")
    page.fill("input[name=text]", "كفرنبودة")
    page.press("input[name=text]", "Enter")
    wait_loaded(page, n)
    rows = page.locator("#events tbody tr")
    assert rows.count() == 1 and "Kafr Nabudah" in rows.first.inner_text()
    # the filters come back from the URL
    page.goto(server.url + "/?country=IRQ")
    wait_loaded(page)
    assert table_types(page) == ["COERCE"]
    assert page.locator("select[name=country]").input_value() == "IRQ"


def test_table_sorts(server, page):
    page.goto(server.url + "/")
    wait_loaded(page)
    page.click("button[data-sort=fatalities]")
    first = page.locator("#events tbody tr").first.inner_text()
    assert "Kafr Nabudah" in first  # 4 killed, the most
    page.click("button[data-sort=fatalities]")
    assert "Kafr Nabudah" not in page.locator("#events tbody tr").first.inner_text()


def test_timeline_brush_filters_dates(server, page):
    page.goto(server.url + "/")
    wait_loaded(page)
    box = page.locator("#timeline").bounding_box()
    n = loaded(page)
    # drag over the right half: the May events only
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.75, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.9, y, steps=5)
    page.mouse.move(box["x"] + box["width"] - 2, y, steps=5)
    page.mouse.up()
    wait_loaded(page, n)
    since = page.locator("input[name=since]").input_value()
    assert re.fullmatch(r"2024-0[45]-\d\d", since)
    assert sorted(table_types(page)) == ["ASSAULT", "PROTEST"]


def test_article_view_highlights_triggers_and_fields(server, page):
    page.goto(server.url + "/documents/hama-shelling")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator(".seg.trigger").all_inner_texts() == ["قصف مدفعي"]
    assert "كفرنبودة" in page.locator(".seg.ent-LOC").all_inner_texts()
    assert page.locator("#doc-text").get_attribute("dir") == "rtl"
    page.click("button.field[data-field='e.actor1']")
    assert "".join(page.locator(".seg.hl").all_inner_texts()) == "قوات النظام"
    page.click("button.field[data-field='e.fatalities']")
    assert "".join(page.locator(".seg.hl").all_inner_texts()) == "أربعة"
    page.click("button.field[data-field='e.attribution']")
    assert "".join(page.locator(".seg.hl").all_inner_texts()) == "المرصد السوري لحقوق الإنسان"
    assert page.problems == []


def test_hostile_article_renders_as_text(server, page):
    page.goto(server.url + "/documents/xss-probe")
    page.wait_for_selector("body[data-ready='1']")
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#doc-text script, #doc-text img, h1 script, h1 img").count() == 0
    assert "<script>window.__pwned=1</script>" in page.locator("h1").inner_text()
    assert "<script>window.__pwned=4</script>" in page.locator("#doc-text").inner_text()
    # the map and table show the same hostile sentence as text
    page.goto(server.url + "/?country=SYR")
    wait_loaded(page)
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#events tbody img").count() == 0


def test_language_toggle(server, page):
    page.goto(server.url + "/")
    wait_loaded(page)
    page.click("#lang-toggle")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("nav a[href='/']").inner_text() == "خريطة الأحداث"
    page.reload()
    wait_loaded(page)
    assert page.locator("html").get_attribute("lang") == "ar"  # remembered
    page.click("#lang-toggle")
    assert page.locator("html").get_attribute("dir") == "ltr"


def test_docs_page_is_local(server, page):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None)
    page.goto(server.url + "/docs")
    page.wait_for_selector(".opblock-summary-path, .endpoint", timeout=10000)
    assert "/api/events" in page.locator("main").inner_text()
    assert outside == []


def test_paste_page_runs_extraction(server, page):
    from test_web_fixtures import PASTED_ARTICLE, pipeline_or_skip

    pipeline_or_skip()
    page.goto(server.url + "/extract")
    page.fill("textarea[name=text]", PASTED_ARTICLE)
    page.fill("input[name=published]", "2024-07-04")
    page.click("#extract-form button[type=submit]")
    page.wait_for_selector("body[data-ready='1']", timeout=30000)
    assert page.locator("#result").is_visible()
    assert page.locator(".seg.trigger").count() >= 1
    assert page.locator(".event-card").count() >= 1
    assert page.problems == []


def test_paste_page_shows_hostile_text_as_text(server, page):
    from test_web_fixtures import pipeline_or_skip

    pipeline_or_skip()
    page.goto(server.url + "/extract")
    page.fill("textarea[name=text]", "<img src=x onerror=\"window.__pwned=9\"> قتل شخصان في قصف على مدينة حلب أمس.")
    page.click("#extract-form button[type=submit]")
    page.wait_for_selector("body[data-ready='1']", timeout=30000)
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("#doc-text img").count() == 0


def test_docs_page_without_swagger_lists_endpoints(tmp_path, browser, monkeypatch):
    import rasd.web.pages as pages

    monkeypatch.setattr(pages, "swagger_dir", lambda: None)
    store = seeded_store(str(tmp_path / "docs.sqlite"))
    with LiveServer(create_app(ApiSettings(), store=store)) as live:
        pg = browser.new_page()
        pg.goto(live.url + "/docs")
        pg.wait_for_selector(".endpoint")
        text = pg.locator("#endpoint-list").inner_text()
        assert "GET /api/events" in text and "POST /api/documents" in text
        assert "since" in text  # parameters are listed
        pg.close()


def test_marker_popup_shows_the_event(server, page):
    page.goto(server.url + "/?country=IRQ")
    wait_loaded(page)
    page.locator("path.marker").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    page.wait_for_selector(".leaflet-popup-content .sentence:has-text('الموصل')")  # fetched on opening
    assert "Iraqi Security Forces" in popup.inner_text() and "Mosul" in popup.inner_text()


def test_trigger_found_without_trigger_span(tmp_path, browser):
    """Records that carry only the contract's fields (no trigger_span) still show triggers."""
    from test_web_fixtures import EXTRA_ARTICLES, build_record

    from rasd.store import open_store

    record = build_record(EXTRA_ARTICLES[0])
    for ev in record["events"]:
        del ev["trigger_span"]
    store = open_store(str(tmp_path / "plain.sqlite"))
    assert store.add_record(record).status == "new"
    with LiveServer(create_app(ApiSettings(), store=store)) as live:
        pg = browser.new_page()
        pg.goto(live.url + "/documents/sirte-clashes")
        pg.wait_for_selector("body[data-ready='1']")
        assert pg.locator(".seg.trigger").all_inner_texts() == ["اشتباكات"]
        pg.click("button.field[data-field='e.location']")
        assert "".join(pg.locator(".seg.hl").all_inner_texts()) == "سرت"
        pg.close()
