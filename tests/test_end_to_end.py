"""The whole pipeline on the bundled sample, on the seed article, and through the CLI."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import rasd
from rasd.cli.extract_cmd import sample_path

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seed" / "article-ar-factions-meeting.txt"
SEED_GOLD = SHARED / "gold" / "article-ar-factions-meeting.gold.json"
SCORER = SHARED / "tools" / "score.py"


@pytest.fixture(scope="module")
def sample():
    return rasd.extract(sample_path().read_text("utf-8"), published="2024-11-08")


def events_of(doc, plover, real=True):
    return [e for e in doc.events if e.plover_type == plover
            and (not real or not (e.negated or e.hypothetical or e.historical))]


def test_every_span_indexes_the_document_text(sample):
    record = sample.to_dict()
    text = record["document"]["text"]
    for ent in record["entities"]:
        assert text[ent["span"][0]:ent["span"][1]] == ent["text"]
    for ev in record["events"]:
        assert text[ev["span"][0]:ev["span"][1]] == ev["sentence"]
        assert text[ev["trigger_span"][0]:ev["trigger_span"][1]] == ev["trigger"]
        for key in ("actor1", "actor2", "location", "date"):
            part = ev[key]
            if part and part.get("span"):
                assert text[part["span"][0]:part["span"][1]] == part["mention"]


def test_sample_airstrike_is_one_event_with_its_fields(sample):
    strikes = [e for e in events_of(sample, "ASSAULT") if e.acled_sub_event_type == "Air/drone strike"
               and e.fatalities is not None]
    assert len(strikes) == 1
    ev = strikes[0]
    assert ev.fatalities == 5 and ev.injuries == 8
    assert (ev.actor1.country, ev.actor1.sector) == ("RUS", "MIL")
    assert ev.actor2.sector == "CVL"
    assert ev.location.admin1 == "Idlib"
    assert ev.date.value == "2024-11-07" and ev.date.precision == "day"
    assert "المرصد السوري" in ev.attribution


def test_sample_flags_denial_and_future_meeting(sample):
    denied = [e for e in sample.events if e.negated]
    assert denied and all(e.plover_type == "ASSAULT" for e in denied)
    meetings = events_of(sample, "CONSULT", real=False)
    assert meetings and all(e.hypothetical for e in meetings)


def test_sample_protest_and_arrests(sample):
    protest = events_of(sample, "PROTEST")
    assert protest and protest[0].actor1.sector == "CVL"
    assert protest[0].date.value == "2024-11-01"  # يوم الجمعة الماضي, published on a Friday
    arrests = [e for e in events_of(sample, "COERCE") if e.acled_sub_event_type == "Arrests"]
    assert arrests and arrests[0].actor1.sector in ("COP", "MIL", "SPY")


def test_boilerplate_is_gone_and_title_kept(sample):
    assert "زر الذهاب إلى الأعلى" not in sample.text
    assert sample.title and "غارات" in sample.title


@pytest.mark.skipif(not (SEED.exists() and SCORER.exists()), reason="../shared is not present")
def test_seed_article_acceptance(tmp_path):
    out = tmp_path / "out.json"
    done = subprocess.run([sys.executable, "-m", "rasd.cli", "extract", str(SEED), "--format", "json",
                           "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = subprocess.run([sys.executable, str(SCORER), "article", str(out), str(SEED_GOLD)],
                            capture_output=True, text=True, check=True).stdout
    total = json.loads(report[: report.rindex("}") + 1])["total"]
    assert total["type_ok"] == 5
    assert total["actor1_ok"] >= 4
    assert total["location_ok"] >= 4
    assert total["false_positive"] == 0
    record = json.loads(out.read_text("utf-8"))
    people = {e["text"] for e in record["entities"] if e["type"] == "PERSON"}
    gold = json.loads(SEED_GOLD.read_text("utf-8"))
    for person in gold["entities"]["PERSON"]:
        assert person["mention"] in people


def run_cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "rasd.cli", *args], capture_output=True,
                          input=stdin, env={**os.environ, "COLUMNS": "200"})


def test_cli_table_and_jsonl(tmp_path):
    table = run_cli("extract", "--sample", "--format", "table")
    assert table.returncode == 0 and "ASSAULT" in table.stdout.decode()
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps({"id": "a1", "text": "قتل ثلاثة مدنيين في قصف مدفعي على بلدة كفرنبودة", "date": "20190520"},
                   ensure_ascii=False) + "\n"
        + "{not json\n"
        + json.dumps({"id": "a2", "text": "تظاهر مئات الطلاب أمام وزارة التربية في عمّان", "date": "2019-05-21"},
                     ensure_ascii=False) + "\n", encoding="utf-8")
    done = run_cli("extract", str(batch), "--format", "jsonl")
    assert done.returncode == 0
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["document"]["id"] for r in records] == ["a1", "a2"]
    assert records[0]["document"]["published"] == "2019-05-20"
    err = done.stderr.decode()
    assert "batch.jsonl:2" in err and "Traceback" not in err


@pytest.mark.parametrize("name, content, code", [
    ("empty.txt", b"", "E101"),
    ("binary.txt", bytes(range(256)) * 40, "E102"),
    ("english.txt", b"The quick brown fox jumps over the lazy dog. " * 40, "E108"),
])
def test_cli_bad_input_is_one_line_naming_the_file(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    done = run_cli("extract", str(path))
    err = done.stderr.decode().strip()
    assert done.returncode != 0
    assert len(err.splitlines()) == 1 and name in err and "Traceback" not in err


def test_cli_huge_input_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.write(("قصف مدفعي على البلدة. " * 1000).encode() * 600)  # about 21 MB
    done = run_cli("extract", str(path))
    err = done.stderr.decode().strip()
    assert done.returncode != 0 and "huge.txt" in err and len(err.splitlines()) == 1


def test_cli_windows_1256_file(tmp_path):
    path = tmp_path / "cp1256.txt"
    path.write_bytes("قتل خمسة مدنيين في غارة جوية على بلدة كفرنبودة في ريف حماة.".encode("cp1256"))
    done = run_cli("extract", str(path), "--published", "2019-05-20")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["events"] and record["events"][0]["plover"]["type"] == "ASSAULT"


def test_cli_missing_file(tmp_path):
    done = run_cli("extract", str(tmp_path / "nope.txt"))
    assert done.returncode != 0 and "nope.txt" in done.stderr.decode()


def test_publication_date_stated_in_the_text_anchors_relative_dates():
    doc = rasd.extract("أخبار العراق\nالجمعة 15 تشرين الثاني 2019\n"
                       "قتل ثلاثة جنود في هجوم بعبوة ناسفة استهدف دوريتهم أمس في بعقوبة.")
    assert doc.published is not None and doc.published.isoformat() == "2019-11-15"
    attack = events_of(doc, "ASSAULT")[0]
    assert attack.date.value == "2019-11-14" and attack.date.mention == "أمس"


def test_no_anchor_no_invented_date():
    doc = rasd.extract("قتل ثلاثة جنود في هجوم بعبوة ناسفة استهدف دوريتهم أمس في بعقوبة.")
    assert doc.published is None
    attack = events_of(doc, "ASSAULT")[0]
    assert attack.date is None or attack.date.value is None


def test_html_page_one_shelling_however_often_it_is_named():
    page = Path(__file__).parent / "fixtures" / "ingest" / "article.html"
    doc = rasd.extract(page.read_bytes())
    shelling = events_of(doc, "ASSAULT")
    assert len(shelling) == 1  # the headline, "القصف طال…" and "بتنفيذ القصف" all name the same shelling
    assert shelling[0].fatalities == 4 and shelling[0].actor2.sector == "CVL"
    accusations = events_of(doc, "ACCUSE")
    assert accusations and (accusations[0].actor2.country, accusations[0].actor2.sector) == ("SYR", "MIL")
