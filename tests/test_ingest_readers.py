"""rasd.ingest.read_path: every input format, folders, stdin, and errors per record."""
from __future__ import annotations

import gzip
import io
import json
import sys
from datetime import date
from pathlib import Path

import pytest

from rasd.errors import InputError
from rasd.ingest import InputFormat, ReadItem, read_path, read_stream
from rasd.ingest.document import url_id
from rasd.ingest.readers import detect_format
from rasd.options import Options

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

PAGE = """<!DOCTYPE html><html lang="ar"><head><meta charset="{charset}">
<title>{title}</title></head><body>
<nav><a href="/">الرئيسية</a> <a href="/news">أخبار</a> <a href="/sport">رياضة</a></nav>
<article><h1>{title}</h1>
<p>أعلنت وزارة الداخلية اعتقال خلية مسلحة كانت تخطط لتنفيذ هجمات على مقار أمنية في مدينة الموصل، وضبطت بحوزتها أحزمة ناسفة وأسلحة خفيفة.</p>
<p>وقال المتحدث باسم الوزارة في مؤتمر صحفي إن العملية جاءت بناء على معلومات استخبارية دقيقة، وإن التحقيقات مع الموقوفين ما زالت جارية.</p>
<p>وتشهد المدينة منذ أشهر حملات أمنية متواصلة تستهدف ما تبقى من خلايا التنظيم في الأحياء الغربية والمناطق الصحراوية المحيطة بها.</p>
</article><footer>جميع الحقوق محفوظة © 2022</footer></body></html>"""


def _items(path: Path | str, **kwargs: object) -> list[ReadItem]:
    return list(read_path(path, **kwargs))


def _by_where(items: list[ReadItem]) -> dict[str, ReadItem]:
    return {item.where.rsplit("/", 1)[-1]: item for item in items}


# --- single files -------------------------------------------------------------------------

def test_txt_file() -> None:
    [item] = _items(FIXTURES / "article-furniture.txt")
    assert item.ok and item.where.endswith("article-furniture.txt")
    doc = item.document
    assert doc.text.startswith("غارات جوية تستهدف مواقع في محافظة مأرب")
    assert doc.meta["origin"] == item.where and doc.meta["input_format"] == "txt"


def test_html_file_url_from_canonical() -> None:
    [item] = _items(FIXTURES / "article.html")
    doc = item.document
    assert doc.url.startswith("https://north-news.example/syria/2021/03/shelling-aleppo-countryside")
    assert doc.id == url_id(doc.url)
    assert doc.published == date(2021, 3, 14)


def test_html_file_url_from_og_url(tmp_path: Path) -> None:
    page = PAGE.format(charset="utf-8", title="اعتقال خلية مسلحة في الموصل").replace(
        "<title>", '<meta property="og:url" content="https://mosul-today.example/security/cell-arrest"><title>')
    path = tmp_path / "page.htm"
    path.write_text(page, "utf-8")
    [item] = _items(path)
    assert item.document.url == "https://mosul-today.example/security/cell-arrest"
    assert "الرئيسية" not in item.document.text


def test_encodings_from_files() -> None:
    items = _by_where(_items(FIXTURES, input_format=None))
    assert items["article-cp1256.txt"].document.meta["encoding"] == "cp1256"
    assert items["article-iso8859-6.txt"].document.meta["encoding"] == "iso8859-6"
    assert items["article-cp1256.html"].document.meta["encoding"] == "cp1256"


# --- JSON lines -------------------------------------------------------------------------

def test_jsonl_batch_bad_lines_reported_rest_processed() -> None:
    items = _items(FIXTURES / "batch.jsonl")
    wheres = [item.where.rsplit("/", 1)[-1] for item in items]
    assert wheres == ["batch.jsonl:1", "batch.jsonl:2", "batch.jsonl:3", "batch.jsonl:4",
                      "batch.jsonl:6", "batch.jsonl:7", "batch.jsonl:8"]  # line 5 is blank
    good = [item.document for item in items if item.ok]
    assert [d.id for d in good[:2]] == ["doc-1", "doc-5"]
    first = good[0]
    assert first.published == date(2019, 5, 20)
    assert (first.title, first.url, first.source) == ("قصف على ريف حماة", "https://example.net/a/1", "الوسيلة")
    assert first.text.startswith("قتل ثلاثة مدنيين وأصيب آخرون أمس")
    html_doc = good[1]
    assert html_doc.published == date(2019, 5, 23)
    assert "شنت الطائرات الحربية الروسية غارات جوية" in html_doc.text
    assert "الرئيسية" not in html_doc.text.split("\n") and "جميع الحقوق" not in html_doc.text
    assert html_doc.meta["category"] == "عسكري"
    no_id = good[2]
    assert no_id.id and no_id.id != "None" and no_id.published == date(2019, 5, 25)

    errors = {item.where.rsplit("/", 1)[-1]: item.error for item in items if not item.ok}
    assert errors["batch.jsonl:2"].code == "E105"
    assert "batch.jsonl:2: bad JSON" in str(errors["batch.jsonl:2"])
    assert errors["batch.jsonl:3"].code == "E105"
    assert errors["batch.jsonl:3"].where.endswith("batch.jsonl:3:text")
    assert errors["batch.jsonl:4"].code == "E105"
    assert errors["batch.jsonl:4"].where.endswith("batch.jsonl:4:date")
    assert "22/05/2019" in str(errors["batch.jsonl:4"])
    assert errors["batch.jsonl:7"].code == "E101"


def test_jsonl_overlong_line_is_e104_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    short = "تظاهر المئات في ساحة المدينة للمطالبة بالإفراج عن المعتقلين."
    lines = [json.dumps({"id": "a", "text": short}, ensure_ascii=False),
             json.dumps({"id": "b", "text": "قصف " * 500}, ensure_ascii=False),
             json.dumps({"id": "c", "text": short}, ensure_ascii=False)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    items = _items(path, options=Options(max_input_bytes=500))
    assert [i.ok for i in items] == [True, False, True]
    assert items[1].error.code == "E104" and items[1].where == f"{path}:2"
    assert [items[0].document.id, items[2].document.id] == ["a", "c"]


def test_jsonl_is_read_lazily(tmp_path: Path) -> None:
    path = tmp_path / "stream.jsonl"
    text = "أعلنت الشرطة مقتل مسلحين اثنين في اشتباك قرب الحدود."
    with path.open("w", encoding="utf-8") as out:
        for n in range(2000):
            out.write(json.dumps({"id": f"d{n}", "text": text}, ensure_ascii=False) + "\n")
    with path.open("rb") as stream:
        iterator = read_stream(stream, where="stream.jsonl")
        first = next(iterator)
        assert first.document.id == "d0"
        assert stream.tell() < path.stat().st_size  # not read to the end for one document


def test_jsonl_gz(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"id": "g1", "date": "2020-01-02",
                              "text": "سقطت قذائف صاروخية قرب السفارة الأمريكية في بغداد."},
                             ensure_ascii=False) + "\n")
    [item] = _items(path)
    assert item.document.id == "g1" and item.document.published == date(2020, 1, 2)


# --- RSS / Atom -------------------------------------------------------------------------

def test_rss_feed() -> None:
    items = _items(FIXTURES / "feed.rss")
    assert [i.where.rsplit("/", 1)[-1] for i in items] == ["feed.rss#1", "feed.rss#2", "feed.rss#3"]
    first, second, english = items
    doc = first.document
    assert doc.title == "هجوم مسلح على قرية في وسط مالي"
    assert doc.url == "https://sahel-news.example/mali/attack-village-123"
    assert doc.id == url_id(doc.url)
    assert doc.published == date(2022, 8, 8)
    assert doc.source == "وكالة الساحل للأنباء"
    assert doc.text.split("\n\n")[0].startswith("قتل اثنا عشر مدنياً على الأقل")
    assert "سكريبت" not in doc.text and "alert" not in doc.text
    assert "اقرأ أيضاً" not in doc.text and doc.meta["removed_lines"]
    assert second.document.text.startswith("تظاهر آلاف الأشخاص في العاصمة النيجرية نيامي")
    assert english.error.code == "E108"


def test_atom_feed() -> None:
    first, second = _items(FIXTURES / "feed.atom")
    assert first.document.url == "https://horn-observer.example/sudan/khartoum-clashes"
    assert first.document.published == date(2023, 4, 15)
    assert first.document.source == "مرصد القرن الأفريقي"
    assert "اندلعت اشتباكات عنيفة بين الجيش السوداني وقوات الدعم السريع" in first.document.text
    # no link: the id comes from the entry id, and there is no URL
    assert second.document.url is None
    assert second.document.id == url_id("tag:horn-observer.example,2023:entry-2")
    assert second.document.text.startswith("أفادت منظمات إغاثة بنزوح آلاف الأسر")


def test_feed_sniffed_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "feed"
    path.write_bytes((FIXTURES / "feed.atom").read_bytes())
    assert len([i for i in _items(path) if i.ok]) == 2


def test_broken_feed_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_text("<rss><channel><title>x</title>", "utf-8")
    [item] = _items(path)
    assert item.error.code == "E105" and str(path) in str(item.error)


# --- WARC -------------------------------------------------------------------------------

def _http_record(writer: object, url: str, body: bytes, content_type: str, status: str = "200 OK",
                 date_: str = "2022-06-01T10:00:00Z") -> object:
    from warcio.statusandheaders import StatusAndHeaders

    headers = StatusAndHeaders(status, [("Content-Type", content_type),
                                        ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers,
                                     warc_headers_dict={"WARC-Date": date_})


@pytest.fixture
def warc_file(tmp_path: Path) -> Path:
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
        page = PAGE.format(charset="windows-1256", title="اعتقال خلية مسلحة في الموصل")
        writer.write_record(_http_record(writer, "https://mosul-today.example/a/1",
                                         page.encode("windows-1256"), "text/html; charset=windows-1256"))
        writer.write_record(_http_record(writer, "https://mosul-today.example/missing",
                                         b"<html><body>not found</body></html>", "text/html",
                                         status="404 Not Found"))
        writer.write_record(_http_record(writer, "https://mosul-today.example/logo.png",
                                         b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"))
        writer.write_record(_http_record(writer, "https://mosul-today.example/en",
                                         (FIXTURES / "english.html").read_bytes(), "text/html"))
        text = "أفادت مصادر محلية بوقوع انفجار في سوق شعبية وسط مدينة الباب، ما أدى إلى سقوط جرحى."
        writer.write_record(_http_record(writer, "https://mosul-today.example/b.txt",
                                         text.encode("utf-8"), "text/plain; charset=utf-8",
                                         date_="2022-06-02T08:00:00Z"))
    return path


def test_warc(warc_file: Path) -> None:
    items = _items(warc_file)
    assert len(items) == 3  # 404, image and warcinfo records are skipped
    page, english, text = items
    doc = page.document
    assert doc.url == "https://mosul-today.example/a/1" and doc.id == url_id(doc.url)
    assert doc.meta["encoding"] == "cp1256"
    assert doc.published == date(2022, 6, 1)  # the capture date: the page gives none
    assert "أعلنت وزارة الداخلية اعتقال خلية مسلحة" in doc.text
    assert "رياضة" not in doc.text and "جميع الحقوق" not in doc.text
    assert english.error.code == "E108" and english.where.startswith(str(warc_file) + "#")
    assert text.document.text.startswith("أفادت مصادر محلية") and text.document.published == date(2022, 6, 2)


def test_warc_record_too_large(warc_file: Path) -> None:
    items = _items(warc_file, options=Options(max_input_bytes=300))
    assert items[0].error.code == "E104"
    assert items[-1].ok  # the small text record still passes


# --- Telegram -------------------------------------------------------------------------

def test_telegram_export() -> None:
    items = _items(FIXTURES / "telegram" / "result.json")
    assert len(items) == 2  # the service message and the photo without text are skipped
    first, second = (item.document for item in items)
    assert first.id == "tg-1498765432-102"
    assert first.url == "https://t.me/south_news_example/102"
    assert first.source == "شبكة أخبار الجنوب"
    assert first.published == date(2024, 1, 10)
    assert first.text.startswith("عاجل | غارة إسرائيلية تستهدف منزلاً في بلدة عيتا الشعب")
    # entities joined; the follow line is furniture
    assert second.text == ("الدفاع المدني: انتشال جثتين من تحت أنقاض المنزل المستهدف في "
                           "#عيتا_الشعب، وارتفاع عدد المصابين إلى أربعة.")
    assert second.meta["removed_lines"] == ["تابعونا على تلغرام: https://t.me/south_news_example"]


def test_telegram_without_username_and_other_name(tmp_path: Path) -> None:
    export = json.loads((FIXTURES / "telegram" / "result.json").read_text("utf-8"))
    del export["username"]
    path = tmp_path / "channel_export.json"
    path.write_text(json.dumps(export, ensure_ascii=False, indent=1), "utf-8")
    docs = [i.document for i in _items(path)]
    assert [d.url for d in docs] == [None, None]
    forced = [i.document for i in _items(path, input_format="telegram")]
    assert [d.id for d in forced] == ["tg-1498765432-102", "tg-1498765432-103"]


def test_json_that_is_not_a_telegram_export(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{\n "articles": []\n}', "utf-8")
    [item] = _items(path)
    assert item.error.code == "E106"


# --- folders, stdin, errors ---------------------------------------------------------------

def test_folder_is_read_recursively_sorted_without_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    text = "قتل مدني برصاص قناص في حي الشيخ مقصود بمدينة حلب."
    (tmp_path / "b" / "two.txt").write_text(text, "utf-8")
    (tmp_path / "a.txt").write_text(text.replace("مدني", "طفل"), "utf-8")
    (tmp_path / ".hidden.txt").write_text(text, "utf-8")
    (tmp_path / ".git" / "x.txt").write_text(text, "utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04\x00\x00")
    wheres = [Path(i.where).relative_to(tmp_path).as_posix() for i in _items(tmp_path)]
    assert wheres == ["a.txt", "b/two.txt"]


def test_fixture_folder_reads_every_format() -> None:
    formats = {i.document.meta["input_format"] for i in _items(FIXTURES) if i.ok}
    assert formats == {"txt", "html", "jsonl", "rss", "telegram"}


class _Pipe(io.RawIOBase):
    """A non-seekable stream, like a shell pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: object) -> int:
        chunk = self._data.read(len(buffer))  # type: ignore[arg-type]
        buffer[:len(chunk)] = chunk  # type: ignore[index]
        return len(chunk)


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (FIXTURES / "batch.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_Pipe(data))))
    items = _items("-")
    assert items[0].where == "<stdin>:1" and items[0].document.id == "doc-1"
    assert sum(i.ok for i in items) == 3


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (FIXTURES / "article-cp1256.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_Pipe(data))))
    [item] = _items("-")
    assert item.where == "<stdin>" and item.document.meta["encoding"] == "cp1256"


def test_forced_format(tmp_path: Path) -> None:
    path = tmp_path / "page.dat"
    path.write_text(PAGE.format(charset="utf-8", title="اعتقال خلية"), "utf-8")
    [item] = _items(path, input_format=InputFormat.HTML)
    assert "أعلنت وزارة الداخلية" in item.document.text
    [item] = _items(path, input_format="html")
    assert item.ok


def test_unknown_format_is_e106() -> None:
    with pytest.raises(InputError) as err:
        _items(FIXTURES / "article.html", input_format="docx")
    assert err.value.code == "E106"


def test_missing_file_is_e107(tmp_path: Path) -> None:
    [item] = _items(tmp_path / "nope.txt")
    assert item.error.code == "E107" and str(tmp_path / "nope.txt") in str(item.error)


def test_large_file_refused_by_size_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.write("قصف مدفعي على البلدة. ".encode("utf-8") * 100)
        out.truncate(50_000_000)  # sparse: nothing is written past the first bytes
    [item] = _items(path, options=Options(max_input_bytes=10_000))
    assert item.error.code == "E104"
    assert "50,000,000 bytes" in str(item.error) and str(path) in str(item.error)


def test_empty_and_binary_files(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    items = _by_where(_items(tmp_path))
    assert items["empty.txt"].error.code == "E101"
    assert items["image.txt"].error.code == "E102"
    assert str(items["image.txt"].error).startswith(str(tmp_path / "image.txt") + ": binary")


@pytest.mark.parametrize("head,expected", [
    (b"WARC/1.1\r\nWARC-Type: warcinfo", InputFormat.WARC),
    (b'<?xml version="1.0"?>\n<rss version="2.0">', InputFormat.RSS),
    (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">', InputFormat.RSS),
    (b"<!DOCTYPE html><html>", InputFormat.HTML),
    (b'{"id": "1", "text": "x"}\n{"id": "2"', InputFormat.JSONL),
    (b'{\n "name": "x",\n "messages": []', InputFormat.TELEGRAM),
    ("قصف على البلدة".encode("utf-8"), InputFormat.TXT),
])
def test_detect_format(head: bytes, expected: InputFormat) -> None:
    assert detect_format(head) is expected


def test_json_array_of_records(tmp_path: Path) -> None:
    path = tmp_path / "articles.json"
    records = [{"id": "r1", "date": "2018-02-20",
                "text": "قصفت الطائرات الحربية بلدات الغوطة الشرقية ما أدى إلى سقوط عشرات القتلى."},
               {"id": "r2", "date": "bad", "text": "نص"}]
    path.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    first, second = _items(path)
    assert first.document.id == "r1" and first.document.published == date(2018, 2, 20)
    assert second.error.code == "E105" and second.error.where == f"{path}#2:date"


def test_gzipped_jsonl_through_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = "".join(json.dumps({"id": f"p{n}", "text": "اعتقلت قوات الأمن ثلاثة أشخاص بعد الاشتباك."},
                               ensure_ascii=False) + "\n" for n in range(3))
    data = gzip.compress(lines.encode("utf-8"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_Pipe(data))))
    assert [i.document.id for i in _items("-")] == ["p0", "p1", "p2"]


def test_gzipped_warc_through_a_pipe(warc_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(_Pipe(warc_file.read_bytes()))))
    items = _items("-")
    assert [i.ok for i in items] == [True, False, True]
