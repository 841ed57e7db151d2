"""rasd.ingest.document_from_string: decoding, HTML extraction, metadata, errors."""
from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from rasd.errors import InputError
from rasd.ingest import document_from_string
from rasd.ingest.decode import decode_bytes
from rasd.ingest.document import url_id
from rasd.options import Options

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

BODY = ("قتل ثلاثة مدنيين وأصيب خمسة آخرون صباح الخميس في قصف مدفعي استهدف سوقاً شعبية "
        "في مدينة معرة النعمان بريف إدلب الجنوبي، وفق ما أفاد الدفاع المدني.")
BODY2 = ("وقال شهود عيان إن القذائف سقطت في وقت الذروة، ما تسبب بدمار واسع في المحال التجارية "
         "والسيارات المتوقفة على جانبي الطريق.")


# --- decoding ---------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "windows-1256", "iso-8859-6"])
def test_decodes_arabic_in_each_encoding(encoding: str) -> None:
    text = f"{BODY}\n\n{BODY2}\n"
    assert text.encode(encoding).decode(encoding) == text  # the sample fits each code page
    doc = document_from_string(text.encode(encoding))
    assert doc.text == f"{BODY}\n\n{BODY2}"
    assert codecs.lookup(doc.meta["encoding"]).name == codecs.lookup(encoding).name


def test_windows_1256_and_iso_8859_6_fixture_files() -> None:
    cp1256 = document_from_string((FIXTURES / "article-cp1256.txt").read_bytes())
    assert cp1256.meta["encoding"] == "cp1256"
    assert "انفجار عبوة ناسفة يستهدف دورية للشرطة جنوبي بغداد" in cp1256.text
    assert "قتل شرطيان وأصيب ثلاثة آخرون بجروح" in cp1256.text
    iso = document_from_string((FIXTURES / "article-iso8859-6.txt").read_bytes())
    assert iso.meta["encoding"] == "iso8859-6"
    assert "نظم مئات من المحتجين وقفة امام مقر النيابة العامة في الخرطوم" in iso.text


def test_html_meta_charset_windows_1256() -> None:
    doc = document_from_string((FIXTURES / "article-cp1256.html").read_bytes())
    assert doc.meta["encoding"] == "cp1256"
    assert "اندلعت اشتباكات مسلحة عنيفة، ليل الجمعة" in doc.text
    assert "الرئيسية" not in doc.text


@pytest.mark.parametrize("bom,encoding", [(codecs.BOM_UTF8, "utf-8"),
                                          (codecs.BOM_UTF16_LE, "utf-16-le"),
                                          (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_byte_order_marks(bom: bytes, encoding: str) -> None:
    doc = document_from_string(bom + BODY.encode(encoding))
    assert doc.text == BODY
    assert not doc.text.startswith("\ufeff")


def test_utf8_with_one_broken_byte_stays_utf8() -> None:
    raw = (BODY + "\n" + BODY2).encode("utf-8")
    raw = raw[:40] + b"\xff" + raw[40:]
    decoded = decode_bytes(raw, where="cut.html")
    assert decoded.encoding == "utf-8"
    assert BODY2 in decoded.text


def test_str_input_is_not_decoded_again() -> None:
    doc = document_from_string("\ufeff" + BODY)
    assert doc.text == BODY
    assert "encoding" not in doc.meta


# --- HTML -------------------------------------------------------------------------------

def test_html_page_gives_article_body_and_metadata() -> None:
    doc = document_from_string((FIXTURES / "article.html").read_bytes())
    assert doc.title == "مقتل أربعة مدنيين بقصف مدفعي على ريف حلب الغربي"
    assert doc.published == date(2021, 3, 14)
    assert doc.source == "شبكة الشمال الإخبارية"
    assert doc.url.startswith("https://north-news.example/syria/2021/03/shelling-aleppo-countryside")
    assert "قُتل أربعة مدنيين، بينهم طفلان" in doc.text
    assert "يأتي هذا التصعيد رغم اتفاق وقف إطلاق النار" in doc.text
    # navigation, sidebar, related links, share bar, footer: gone
    for furniture in ("عربي ودولي", "الأكثر قراءة", "ارتفاع أسعار الخبز", "أخبار ذات صلة",
                      "اشتباكات عنيفة على محور كفرنبل", "واتساب", "جميع الحقوق محفوظة",
                      "زر الذهاب إلى الأعلى"):
        assert furniture not in doc.text, furniture


def test_script_and_style_never_leak_into_text() -> None:
    doc = document_from_string((FIXTURES / "article.html").read_text("utf-8"))
    for leaked in ("السكريبت", "خبر مدسوس", "dataLayer", "قصف وهمي", "color"):
        assert leaked not in doc.text


def test_script_does_not_leak_from_a_fragment() -> None:
    html = (f"<div><p>{BODY}</p><script>var s = 'هجوم مدسوس في السكريبت';</script>"
            f"<style>p {{ color: red }}</style><p>{BODY2}</p></div>")
    doc = document_from_string(html)
    assert "مدسوس" not in doc.text and "color" not in doc.text
    assert doc.text.split("\n\n") == [BODY, BODY2]


def test_caller_metadata_wins_over_the_page() -> None:
    doc = document_from_string((FIXTURES / "article.html").read_bytes(), title="عنوان من المستخدم",
                               published=date(2021, 3, 15), source="مصدر", url="https://x.example/1",
                               id="my-id")
    assert (doc.title, doc.published, doc.source, doc.url, doc.id) == (
        "عنوان من المستخدم", date(2021, 3, 15), "مصدر", "https://x.example/1", "my-id")


def test_id_from_url_ignores_tracking_and_fragment() -> None:
    doc = document_from_string((FIXTURES / "article.html").read_bytes())
    assert doc.id == url_id("https://north-news.example/syria/2021/03/shelling-aleppo-countryside")
    assert url_id("HTTPS://North-News.example/a/b/?utm_source=x#top") == url_id("https://north-news.example/a/b")
    assert url_id("https://north-news.example/a/b?id=1") != url_id("https://north-news.example/a/b?id=2")
    assert len(doc.id) == 16


def test_id_from_content_when_no_url() -> None:
    first = document_from_string(BODY)
    assert first.id == document_from_string(BODY).id
    assert first.id != document_from_string(BODY2).id


# --- errors -----------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["", "   \n\t  ", b"", b"  \r\n "])
def test_empty_input_is_e101(raw: str | bytes) -> None:
    with pytest.raises(InputError) as err:
        document_from_string(raw, where="empty.txt")
    assert err.value.code == "E101"
    assert str(err.value).startswith("empty.txt: ")


def test_only_furniture_is_e101() -> None:
    with pytest.raises(InputError) as err:
        document_from_string("أخبار سوريا\n\nشارك\n\nزر الذهاب إلى الأعلى", where="page.txt")
    assert err.value.code == "E101"
    assert "furniture" in str(err.value)


def test_binary_is_e102() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256))
    with pytest.raises(InputError) as err:
        document_from_string(png, where="photo.jpg")
    assert err.value.code == "E102"
    assert str(err.value) == "photo.jpg: binary input (contains NUL bytes)"
    with pytest.raises(InputError) as err:
        document_from_string("نص\x00عربي" * 10)
    assert err.value.code == "E102"


def test_undecodable_is_e103() -> None:
    junk = bytes(range(0x80, 0x100)) * 8
    with pytest.raises(InputError) as err:
        document_from_string(junk, where="mystery.txt")
    assert err.value.code == "E103"
    assert str(err.value).startswith("mystery.txt: undecodable")


def test_too_large_is_e104_before_decoding() -> None:
    small = Options(max_input_bytes=100)
    with pytest.raises(InputError) as err:
        document_from_string((BODY * 3).encode("utf-8"), options=small, where="big.txt")
    assert err.value.code == "E104"
    assert "big.txt" in str(err.value) and "100" in str(err.value)
    with pytest.raises(InputError) as err:  # str input: counted in UTF-8 bytes
        document_from_string("ب" * 60, options=small)
    assert err.value.code == "E104"
    assert document_from_string("قصف " * 14, options=small).text  # 98 bytes pass


def test_english_page_is_e108() -> None:
    with pytest.raises(InputError) as err:
        document_from_string((FIXTURES / "english.html").read_bytes(), where="article.html")
    assert err.value.code == "E108"
    assert str(err.value).startswith("article.html: not Arabic text (0 Arabic letters in ")
    assert "\n" not in str(err.value)


def test_mostly_english_with_an_arabic_word_is_e108() -> None:
    text = "The ceasefire in the region held overnight, officials said. " * 5 + "سوريا"
    with pytest.raises(InputError) as err:
        document_from_string(text)
    assert err.value.code == "E108"


def test_arabic_with_english_names_is_accepted() -> None:
    text = BODY + " (Syrian Civil Defence, White Helmets)"
    assert document_from_string(text).text == text


def test_boilerplate_removal_can_be_switched_off() -> None:
    text = f"أخبار سوريا\n\n{BODY}"
    assert document_from_string(text, options=Options(remove_boilerplate=False)).text == text
    assert document_from_string(text).text == BODY


# --- the seed article from /work/shared ---------------------------------------------------

SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_seed_article_furniture_removed_and_body_kept() -> None:
    import json

    article = SHARED / "seed" / "article-ar-factions-meeting.txt"
    gold_path = SHARED / "gold" / "article-ar-factions-meeting.gold.json"
    if not article.exists() or not gold_path.exists():
        pytest.skip("shared seed article not available")
    raw = article.read_text("utf-8")
    boilerplate = json.loads(gold_path.read_text("utf-8"))["boilerplate"]
    doc = document_from_string(raw)
    kept_lines = doc.text.split("\n")
    for line in boilerplate:
        assert line not in kept_lines, line
        assert line in doc.meta["removed_lines"]
    body_lines = [line.strip() for line in raw.splitlines()
                  if line.strip() and line.strip() not in boilerplate]
    for line in body_lines:
        assert line in kept_lines, line


def test_page_trafilatura_finds_nothing_in_falls_back_to_whole_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    html = ('<html><head><link rel="canonical" href="https://hama-news.example/n/77">'
            '<meta property="og:site_name" content="أخبار حماة"><title>قصف على كفرنبودة</title>'
            '<script>var s = "سكريبت مدسوس";</script></head><body>'
            f'<nav><a href="/">الرئيسية</a></nav><div><p>{BODY}</p><p>{BODY2}</p></div>'
            '<footer>جميع الحقوق محفوظة</footer></body></html>')
    doc = document_from_string(html)
    assert doc.meta["extractor"] == "fallback"
    assert doc.text == f"{BODY}\n\n{BODY2}"
    assert doc.url == "https://hama-news.example/n/77" and doc.source == "أخبار حماة"
    assert doc.title == "قصف على كفرنبودة"


def test_utf16_without_bom() -> None:
    doc = document_from_string((BODY + "\n\n" + BODY2).encode("utf-16-le"))
    assert doc.meta["encoding"] == "utf-16-le" and doc.text == f"{BODY}\n\n{BODY2}"


def test_published_given_as_text() -> None:
    assert document_from_string(BODY, published="20190520").published == date(2019, 5, 20)
    with pytest.raises(InputError) as err:
        document_from_string(BODY, published="أمس", where="cli")
    assert err.value.code == "E105" and err.value.where == "cli:published"


@pytest.mark.parametrize("declared,actual", [
    ("iso-8859-6", "iso-8859-6"),   # declared and right
    (None, "windows-1256"),         # not declared
    ("utf-8", "windows-1256"),      # declared wrongly, as pages often do
    ("windows-1256", "utf-8"),      # declared wrongly the other way
])
def test_html_charset_declared_or_not(declared: str | None, actual: str) -> None:
    meta = f'<meta charset="{declared}">' if declared else ""
    html = (f"<html><head>{meta}<title>مظاهرة في الخرطوم</title></head><body><article>"
            f"<p>{BODY}</p><p>{BODY2}</p></article></body></html>")
    doc = document_from_string(html.encode(actual))
    assert codecs.lookup(doc.meta["encoding"]).name == codecs.lookup(actual).name
    assert BODY in doc.text and BODY2 in doc.text
