"""Hostile and damaged input: every defect gives an error naming the file (and line or
record) while the rest of the batch is read."""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import socket
import threading
from pathlib import Path

import pytest

from rasd.doc import content_id
from rasd.errors import InputError
from rasd.ingest import read_path, read_stream
from rasd.ingest.readers import (MAX_JSON_DEPTH, InputFormat, detect_format, escape_controls,
                                 json_depth, load_json)

ARTICLE = ("قصفت قوات النظام بلدة كفرنبل في ريف إدلب الجنوبي صباح اليوم، ما أدى إلى مقتل "
           "ثلاثة مدنيين وإصابة آخرين بجروح، وفق ما أفاد به ناشطون محليون.")


def _record(i: int, **extra: object) -> str:
    serial = hashlib.sha256(str(i).encode()).hexdigest()[:20]  # so that gzip cannot squeeze it all
    return json.dumps({"id": f"doc-{i}", "text": f"{ARTICLE} الخبر رقم {i} ({serial}).", **extra},
                      ensure_ascii=False) + "\n"


def _read(path: Path | str, timeout: float = 20.0, **kwargs: object) -> list:
    """read_path in a thread: a reader that blocks (a FIFO) fails the test instead of hanging it."""
    out: list = []
    worker = threading.Thread(target=lambda: out.extend(read_path(path, **kwargs)), daemon=True)
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive(), f"reading {path} did not finish in {timeout} s"
    return out


def _errors(items: list) -> list[InputError]:
    return [item.error for item in items if item.error is not None]


# --- JSON nesting ---------------------------------------------------------------------

def test_deeply_nested_json_line_is_an_error_and_the_rest_is_read(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(_record(1) + "[" * 100_000 + "]" * 100_000 + "\n"
                    + '{"id": "x", "text": "' + "{" * 50_000 + '"}\n' + _record(3), encoding="utf-8")
    items = _read(path)
    assert [i.document.id for i in items if i.ok] == ["doc-1", "doc-3"]
    [deep, inside_string] = [i for i in items if not i.ok]
    assert deep.where == f"{path}:2" and deep.error.code == "E105"
    assert f"{path}:2: JSON nested deeper than {MAX_JSON_DEPTH} levels" == str(deep.error)
    # braces inside a string are text, not nesting: this line fails for having no article
    assert inside_string.where == f"{path}:3" and inside_string.error.code in ("E101", "E108")


def test_nesting_just_under_the_limit_is_accepted(tmp_path):
    meta = json.loads("[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1))
    path = tmp_path / "ok.jsonl"
    path.write_text(_record(1, tags=meta), encoding="utf-8")
    [item] = _read(path)
    assert item.ok and item.document.meta["tags"] == meta


def test_json_depth_ignores_brackets_in_strings_and_escapes():
    assert json_depth(b'{"a": [1, {"b": [2]}]}') == 4
    assert json_depth(b'{"t": "' + b"[" * 500 + b'"}', limit=10) == 1
    assert json_depth(b'{"t": "\\"' + b"{" * 500 + b'"}', limit=10) == 1
    assert json_depth(b"[" * 300 + b"]" * 300, limit=100) == 300


def test_deep_json_export_and_deep_first_line_do_not_crash(tmp_path):
    path = tmp_path / "result.json"
    path.write_bytes(b'{"messages": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")
    [item] = _read(path)
    assert item.error.code == "E105" and "nested deeper" in str(item.error)
    head = b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}\n"
    assert detect_format(head) is InputFormat.JSONL
    with pytest.raises(InputError) as err:
        load_json(head, "x:1")
    assert err.value.where == "x:1"


# --- WARC -----------------------------------------------------------------------------

def _warc(records: list[tuple[str | None, str]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, text in records:
        page = f"<html><body><article><p>{text}</p><p>{ARTICLE}</p></article></body></html>"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        record = writer.create_warc_record(url or "https://placeholder.example/", "response",
                                           payload=io.BytesIO(page.encode("utf-8")),
                                           http_headers=headers)
        if url is None:
            record.rec_headers.remove_header("WARC-Target-URI")
        writer.write_record(record)
    return buffer.getvalue()


def test_warc_record_without_target_uri_gets_a_content_hash_id(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(_warc([(None, "خبر أول عن قصف مدفعي"), ("https://news.example/2", "خبر ثان عن اشتباكات")]))
    items = _read(path)
    assert [i.ok for i in items] == [True, True]
    first = items[0].document
    assert first.url is None and first.id == content_id(first.text)
    assert items[1].document.url == "https://news.example/2"


def test_truncated_warc_gz_keeps_the_records_before_the_cut(tmp_path):
    data = _warc([(f"https://news.example/{i}", f"الخبر رقم {i} عن قصف على البلدة") for i in range(6)])
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:int(len(data) * 0.75)])
    items = _read(path)
    kept = [i for i in items if i.ok]
    assert 3 <= len(kept) < 6
    assert [i.document.url for i in kept] == [f"https://news.example/{n}" for n in range(len(kept))]
    last = items[-1]
    assert not last.ok and last.error.code == "E103"
    assert "ends early" in str(last.error) and f"the {len(kept)} documents read before the cut were kept" in str(last.error)


def test_damaged_record_in_a_plain_warc_stops_there(tmp_path):
    data = gzip.decompress(_warc([("https://news.example/1", "الخبر الأول عن قصف"),
                                  ("https://news.example/2", "الخبر الثاني عن قصف")]))
    cut = data.index(b"WARC/1", 10)
    path = tmp_path / "bad.warc"
    path.write_bytes(data[:cut] + b"WARC/1.0\r\nContent-Length: nonsense\r\nWARC-Type: response\r\n\r\nxx")
    items = _read(path)
    assert items[0].ok and items[0].document.url == "https://news.example/1"
    assert all(i.where.startswith(str(path)) for i in items)


# --- truncated or damaged gzip ----------------------------------------------------------

def test_truncated_jsonl_gz_keeps_the_lines_before_the_cut(tmp_path):
    data = gzip.compress("".join(_record(i) for i in range(40)).encode("utf-8"))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[:len(data) // 2])
    items = _read(path)
    kept = [i.document.id for i in items if i.ok]
    assert kept == [f"doc-{i}" for i in range(len(kept))] and len(kept) >= 5
    [error] = _errors(items)
    assert error.code == "E103" and error.where == f"{path}:{len(kept) + 1}"
    assert f"the {len(kept)} documents read before the cut were kept" in str(error)


def test_truncated_gzip_through_a_pipe(monkeypatch):
    data = gzip.compress("".join(_record(i) for i in range(30)).encode("utf-8"))

    class Pipe(io.RawIOBase):  # not seekable, short reads
        def __init__(self, payload: bytes) -> None:
            self.payload = payload

        def readable(self) -> bool:
            return True

        def readinto(self, buffer):
            chunk, self.payload = self.payload[:700], self.payload[700:]
            buffer[:len(chunk)] = chunk
            return len(chunk)

    items = list(read_stream(io.BufferedReader(Pipe(data[:len(data) * 2 // 3])), where="<stdin>"))
    assert sum(i.ok for i in items) >= 5 and items[-1].error.code == "E103"


def test_truncated_txt_gz_is_refused_not_half_read(tmp_path):
    path = tmp_path / "article.txt.gz"
    data = gzip.compress((ARTICLE + "\n") .encode("utf-8") * 50)
    path.write_bytes(data[:len(data) // 2])
    [item] = _read(path)
    assert item.error.code == "E103" and "incomplete" in str(item.error)


def test_damaged_gzip_data_is_an_error_after_the_good_lines(tmp_path):
    data = bytearray(gzip.compress("".join(_record(i) for i in range(400)).encode("utf-8"), mtime=0))
    for at in range(len(data) * 2 // 3, len(data) * 2 // 3 + 64):
        data[at] ^= 0x5A
    path = tmp_path / "damaged.jsonl.gz"
    path.write_bytes(bytes(data))
    items = _read(path)
    assert items[0].ok
    assert items[-1].error is not None and items[-1].error.code in ("E103", "E105")


def test_concatenated_gzip_members_are_all_read(tmp_path):
    path = tmp_path / "two.jsonl.gz"
    path.write_bytes(gzip.compress(_record(1).encode()) + gzip.compress(_record(2).encode()))
    assert [i.document.id for i in _read(path)] == ["doc-1", "doc-2"]


# --- folders --------------------------------------------------------------------------

def test_fifo_and_socket_in_a_folder_are_skipped_with_a_message(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text(_record(1), encoding="utf-8")
    os.mkfifo(folder / "b.jsonl")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "c.txt"))
    try:
        items = _read(folder)
    finally:
        sock.close()
    assert [i.document.id for i in items if i.ok] == ["doc-1"]
    reasons = {Path(e.where).name: str(e) for e in _errors(items)}
    assert "a FIFO" in reasons["b.jsonl"] and "skipped" in reasons["b.jsonl"]
    assert "a socket" in reasons["c.txt"]


def test_empty_folder_says_so(tmp_path):
    [item] = _read(tmp_path)
    assert item.error.code == "E101" and item.where == str(tmp_path)
    assert "no input files in this folder" in str(item.error)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    [item] = _read(tmp_path)
    assert "1 files of other kinds skipped" in str(item.error)


def test_unlistable_folder_is_an_error_and_the_rest_is_read(tmp_path, monkeypatch):
    (tmp_path / "a" ).mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.jsonl").write_text(_record(1), encoding="utf-8")
    locked = tmp_path / "a"
    real_scandir = os.scandir

    def scandir(path):  # the test runs as root, for whom chmod 000 changes nothing
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = _read(tmp_path)
    assert [i.document.id for i in items if i.ok] == ["doc-1"]
    [error] = _errors(items)
    assert error.code == "E107" and error.where == str(locked)
    assert str(error) == f"{locked}: cannot list folder: permission denied"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_unsearchable_folder_for_real(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.jsonl").write_text(_record(1), encoding="utf-8")
    locked.chmod(0)
    try:
        items = _read(tmp_path)
        assert _errors(items)[0].code == "E107"
        [item] = _read(locked / "x.jsonl")
        assert item.error.code == "E107" and "permission denied" in str(item.error)
    finally:
        locked.chmod(0o755)


def test_missing_path_names_the_path(tmp_path):
    [item] = _read(tmp_path / "nosuchfile.jsonl")
    assert item.error.code == "E107" and str(item.error) == f"{tmp_path / 'nosuchfile.jsonl'}: not found"


# --- names in logs ----------------------------------------------------------------------

def test_escape_controls():
    assert escape_controls("a\nb\tc\\d\x1be\u2028f") == "a\\nb\\tc\\\\d\\x1be\\u2028f"
    assert escape_controls("أخبار/ملف.txt") == "أخبار/ملف.txt"


def test_file_name_with_a_newline_keeps_the_failure_log_one_line_each(tmp_path):
    from rasd.batch import run_ingest
    from rasd.store import open_store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad\nname.txt").write_text("", encoding="utf-8")
    (folder / "tab\tname.jsonl").write_text("{broken\n", encoding="utf-8")
    log = io.StringIO()
    store = open_store(tmp_path / "db.sqlite")
    summary = run_ingest([folder], store, pipeline=lambda doc: doc, failure_log=log)
    store.close()
    lines = log.getvalue().splitlines()
    assert summary.failed == 2 and len(lines) == 2
    assert all(len(line.split("\t")) == 3 for line in lines)
    assert lines[0].startswith(f"{folder}/bad\\nname.txt\tE101")
    assert lines[1].startswith(f"{folder}/tab\\tname.jsonl:1\tE105")


# --- Telegram ---------------------------------------------------------------------------

def test_telegram_messages_without_id_are_kept_apart(tmp_path):
    export = {"name": "قناة", "id": 77, "messages": [
        {"type": "message", "date": "2024-03-01T10:00:00", "text": ARTICLE},
        {"type": "message", "date": "2024-03-01T11:00:00", "text": ARTICLE + " تحديث."},
        {"type": "message", "id": None, "date": "2024-03-02T09:00:00", "text": [ARTICLE, {"type": "bold", "text": " عاجل"}]},
        {"type": "message", "id": 5, "date": "2024-03-02T09:30:00", "text": ARTICLE + " ثالث."},
    ]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    items = _read(path)
    ids = [i.document.id for i in items]
    assert all(i.ok for i in items) and len(set(ids)) == 4
    assert ids[3] == "tg-77-5" and all(i.startswith("tg-77-h") for i in ids[:3])
    assert items[0].where == f"{path}#message-1" and items[0].document.url is None
    # the same message read again gets the same id (re-ingesting stores it once)
    assert [i.document.id for i in _read(path)] == ids


def test_unparseable_url_is_kept_and_hashed(tmp_path):
    path = tmp_path / "urls.jsonl"
    path.write_text(_record(1, url="http://[broken/x") + _record(2, url="https://news.example:99999/a"),
                    encoding="utf-8")
    items = _read(path)
    assert all(i.ok for i in items)
    assert items[0].document.url == "http://[broken/x" and len({i.document.id for i in items}) == 2
    from rasd.store.dedup import url_key
    assert url_key("http://[broken/x") != url_key("https://news.example:99999/a")


def test_feed_that_trips_the_feed_parser_is_an_error(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="\x8b\xff"?><rss><channel><item><title>x</title></item></channel></rss>')
    [item] = _read(path)
    assert item.error is not None and item.error.code == "E105" and item.where == str(path)
