"""rasd.evaluate and `rasd eval`: the figures follow the reference definitions exactly."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rasd import evaluate as ev
from rasd.errors import InputError

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCORE_PY = SHARED / "tools" / "score.py"
CORPUS_PY = SHARED / "tools" / "corpus.py"
GSR_DEV = SHARED / "eval" / "gsr_dev.jsonl"
DETECTION_DEV = SHARED / "eval" / "detection_dev.jsonl"
GOLD_DIR = SHARED / "gold"
REAL_GOLD_DIR = GOLD_DIR / "real"

# Four sentences of our own, coded like the sentence gold.
GOLD = [
    {"id": "a1", "date": "20190520", "category": "ASSAULT",
     "text": "قتل ثلاثة مدنيين في قصف مدفعي لقوات النظام على بلدة كفرنبودة",
     "event_text": "قصف", "source_text": "قوات النظام", "target_text": "مدنيين",
     "plover": "ASSAULT", "source_code": "SYR MIL", "target_code": "SYR CVL"},
    {"id": "a2", "date": "20190521", "category": "ASSAULT",
     "text": "اغتال مسلحون مجهولون ضابطا في الشرطة العراقية جنوب بغداد",
     "event_text": "اغتال", "source_text": "مسلحون", "target_text": "الشرطة العراقية",
     "plover": "ASSAULT", "source_code": "None UAF", "target_code": "IRQ COP"},
    {"id": "p1", "date": "20190522", "category": "PROTEST",
     "text": "تظاهر مئات الطلاب أمام مقر الحكومة في عمان احتجاجا على رفع الأسعار",
     "event_text": "تظاهر", "source_text": "الطلاب", "target_text": "الحكومة",
     "plover": "PROTEST", "source_code": "JOR EDU", "target_code": "JOR GOV"},
    {"id": "p2", "date": "20190523", "category": "PROTEST",
     "text": "اعتصم عشرات العمال أمام وزارة العمل للمطالبة بأجورهم",
     "event_text": "اعتصم", "source_text": "العمال", "target_text": None,
     "plover": "PROTEST", "source_code": "None LAB", "target_code": "None None"},
]


def _event(ptype, actor1=None, actor2=None, sentence="", **flags):
    return {"plover": {"type": ptype, "mode": None}, "actor1": actor1, "actor2": actor2,
            "sentence": sentence, "trigger": "x", **flags}


def _rec(doc_id, *events):
    return {"document": {"id": doc_id}, "events": list(events)}


PREDS = {
    # right type, both actors right
    "a1": _rec("a1", _event("ASSAULT", {"country": "SYR", "sector": "MIL"}, {"country": "SYR", "sector": "CVL"})),
    # right type, source sector right, target country wrong; also a PROTEST
    "a2": _rec("a2", _event("ASSAULT", {"country": None, "sector": "UAF"}, {"country": "SYR", "sector": "COP"}),
               _event("PROTEST")),
    # only a negated PROTEST and a real ASSAULT: wrong type
    "p1": _rec("p1", _event("PROTEST", negated=True), _event("ASSAULT")),
    # p2 missing altogether
}


def test_gsr_figures_by_hand():
    report = ev.score_gsr(PREDS, GOLD)
    d = report.to_dict()
    assert d["records"] == 4 and d["missing_output"] == 1
    assert d["ASSAULT"] == {"n": 2, "recall": 1.0, "other_category": 0.5, "no_event": 0.0}
    assert d["PROTEST"] == {"n": 2, "recall": 0.0, "other_category": 0.5, "no_event": 0.5}
    # source: a1 right, a2 right (None UAF), p1 no own event; p2 has no output and is not counted
    assert d["source_actor"] == {"n": 3, "accuracy": 0.667, "country": 0.5, "sector": 0.667}
    # target: a1 right, a2 wrong country (sector right), p1 none; p2 has no target code
    assert d["target_actor"] == {"n": 3, "accuracy": 0.333, "country": 0.333, "sector": 0.667}
    assert report.summary() == ("ASSAULT_recall=1.0 ASSAULT_other=0.5 PROTEST_recall=0.0 PROTEST_other=0.5 "
                                "source_acc=0.667 target_acc=0.333")


def test_errors_are_grouped_by_cause():
    errors = ev.score_gsr(PREDS, GOLD).errors
    assert [c.id for c in errors["flagged"]] == ["p1"]  # its PROTEST is negated
    assert errors["wrong type"] == []
    assert [c.id for c in errors["no trigger"]] == ["p2"]
    assert [c.id for c in errors["also other type"]] == ["a2", "p1"]
    assert [c.id for c in errors["wrong country"]] == ["a2"]
    assert "IRQ COP" in errors["wrong country"][0].detail
    assert errors["actor missing"] == [] and errors["wrong sector"] == []
    other = {"p1": _rec("p1", _event("ASSAULT", hypothetical=True), _event("CONSULT"))}
    errors = ev.classify_errors(other, [GOLD[2]])
    assert [c.id for c in errors["wrong type"]] == ["p1"]
    assert "hypothetical" in errors["wrong type"][0].predicted[0]


def test_loading_reports_file_line_and_field(tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text(json.dumps(GOLD[0], ensure_ascii=False) + "\n" + '{"id": "x", "text": "نص"}\n', "utf-8")
    with pytest.raises(InputError) as err:
        ev.load_gsr(bad)
    assert err.value.where == f"{bad}:2:category"
    broken = tmp_path / "pred.jsonl"
    broken.write_text('{"document": {"id": "a"}, "events": []}\n{not json\n', "utf-8")
    with pytest.raises(InputError) as err:
        ev.load_predictions(broken)
    assert err.value.where == f"{broken}:2"


def test_one_pretty_printed_prediction_is_read(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(PREDS["a1"], indent=2), "utf-8")
    assert list(ev.load_predictions(path)) == ["a1"]


def _write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_cli_with_saved_predictions(tmp_path):
    from rasd.cli import app

    gold = _write_jsonl(tmp_path / "gold.jsonl", GOLD)
    pred = _write_jsonl(tmp_path / "pred.jsonl", PREDS.values())
    result = CliRunner().invoke(app, ["eval", str(gold), "--pred", str(pred), "--format", "json"])
    assert result.exit_code == 0, result.output
    body, summary = result.output.rstrip("\n").rsplit("\n", 1)
    assert json.loads(body) == ev.score_gsr(PREDS, GOLD).to_dict()
    assert summary.startswith("ASSAULT_recall=1.0")
    result = CliRunner().invoke(app, ["eval", str(gold), "--pred", str(pred), "--errors"])
    assert result.exit_code == 0, result.output
    assert "== flagged: 1" in result.output and GOLD[2]["text"] in result.output
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "absent.jsonl"), "--pred", str(pred)])
    assert result.exit_code == 2 and "absent.jsonl" in result.output


def test_gsr_counts_historical_events_as_found():
    """Sentence gold counts what is reported as having happened, however long ago."""
    gold = [GOLD[0], GOLD[2]]
    preds = {"a1": _rec("a1", _event("ASSAULT", {"country": "SYR", "sector": "MIL"}, historical=True)),
             "p1": _rec("p1", _event("PROTEST", hypothetical=True), _event("ASSAULT", historical=True))}
    d = ev.score_gsr(preds, gold).to_dict()
    assert d["ASSAULT"]["recall"] == 1.0 and d["source_actor"]["accuracy"] == 0.5
    assert d["PROTEST"] == {"n": 1, "recall": 0.0, "other_category": 1.0, "no_event": 0.0}
    errors = ev.classify_errors(preds, gold)
    assert [c.id for c in errors["flagged"]] == ["p1"] and errors["no trigger"] == []


# ---------------------------------------------------------------- detection records

# Sentences of our own, labelled like the detection gold.
DETECTION = [
    {"id": "d1", "category": "ASSAULT", "label": "yes", "accept": 3, "reject": 0, "date": "20080312",
     "text": "قتل جنديان في انفجار عبوة ناسفة استهدفت دوريتهما شمال بغداد."},
    {"id": "d2", "category": "ASSAULT", "label": "yes", "accept": 3, "reject": 0, "date": "20080312",
     "text": "أطلق مسلحون النار على سيارة مسؤول محلي في الموصل فأصابوه بجروح."},
    {"id": "d3", "category": "ASSAULT", "label": "easy no", "accept": 0, "reject": 3, "date": "20080313",
     "text": "حذر الوزير من أن الهجمات قد تعود إذا انسحبت القوات قبل الأوان."},
    {"id": "d4", "category": "ASSAULT", "label": "difficult no", "accept": 1, "reject": 2, "date": "20080313",
     "text": "اتهمت المنظمة أجهزة الأمن بتعذيب المعتقلين في السجون السرية."},
    {"id": "d5", "category": "ASSAULT", "label": "ambiguous", "accept": 1, "reject": 1, "date": "20080314",
     "text": "تعيش المدينة على وقع التفجيرات منذ سنوات."},
    {"id": "d6", "category": "PROTEST", "label": "yes", "accept": 3, "reject": 0, "date": "20080314",
     "text": "تظاهر آلاف العمال في القاهرة مطالبين برفع الأجور."},
    {"id": "d7", "category": "PROTEST", "label": "easy no", "accept": 0, "reject": 3, "date": "20080315",
     "text": "قال رئيس النقابة إن باب الحوار مع الحكومة ما زال مفتوحا."},
]

DETECTION_PREDS = {
    "d1": _rec("d1", _event("ASSAULT", historical=True)),   # historical still fires
    "d2": _rec("d2", _event("ASSAULT", hypothetical=True)),  # a hypothetical one does not
    "d3": _rec("d3", _event("ASSAULT")),                     # a false alarm on an easy no
    "d4": _rec("d4", _event("PROTEST")),                     # another category: no ASSAULT fired
    "d5": _rec("d5", _event("ASSAULT")),                     # ambiguous: counted, not scored
    "d6": _rec("d6", _event("PROTEST"), _event("ASSAULT")),
    # d7 has no output: it does not fire
}


def test_detection_counts_by_hand():
    report = ev.score_detection(DETECTION_PREDS, DETECTION)
    d = report.to_dict()
    assert d["records"] == 7 and d["missing_output"] == 1
    assault = d["ASSAULT"]
    assert assault["n"] == {"yes": 2, "difficult no": 1, "easy no": 1, "ambiguous": 1}
    assert assault["fired"] == {"yes": 1, "difficult no": 0, "easy no": 1, "ambiguous": 1}
    assert assault["fire_rate"] == {"yes": 0.5, "difficult no": 0.0, "easy no": 1.0, "ambiguous": 1.0}
    assert (assault["precision"], assault["recall"], assault["f1"]) == (0.5, 0.5, 0.5)
    protest = d["PROTEST"]
    assert protest["fired"] == {"yes": 1, "difficult no": 0, "easy no": 0, "ambiguous": 0}
    assert protest["fire_rate"]["difficult no"] is None  # no such sentence
    assert (protest["precision"], protest["recall"], protest["f1"]) == (1.0, 1.0, 1.0)
    assert report.summary() == ("ASSAULT_recall=0.5 ASSAULT_fp_easy=1.0 ASSAULT_fp_difficult=0.0 ASSAULT_f1=0.5 "
                                "PROTEST_recall=1.0 PROTEST_fp_easy=0.0 PROTEST_fp_difficult=None PROTEST_f1=1.0")
    errors = report.errors
    assert [c.id for c in errors["false alarm on easy no"]] == ["d3"]
    assert errors["false alarm on difficult no"] == []
    assert [c.id for c in errors["missed yes"]] == ["d2"]
    assert "hypothetical" in errors["missed yes"][0].predicted[0]


def test_detection_without_any_hit_has_zero_f1():
    report = ev.score_detection({}, DETECTION[:3])
    a = report.to_dict()["ASSAULT"]
    assert (a["precision"], a["recall"], a["f1"]) == (None, 0.0, 0.0)
    assert report.to_dict()["missing_output"] == 3


def test_detection_gold_is_checked(tmp_path):
    path = _write_jsonl(tmp_path / "det.jsonl", [DETECTION[0], dict(DETECTION[1], label="maybe")])
    with pytest.raises(InputError) as err:
        ev.load_detection(path)
    assert err.value.where == f"{path}:2:label"


def test_gold_kind_is_detected(tmp_path):
    assert ev.gold_kind(_write_jsonl(tmp_path / "det.jsonl", DETECTION)) == "detection"
    assert ev.gold_kind(_write_jsonl(tmp_path / "gsr.jsonl", GOLD)) == "gsr"
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    with pytest.raises(InputError):
        ev.gold_kind(gold_dir)  # a folder without gold files
    (gold_dir / "a.gold.json").write_text(json.dumps(ARTICLE_GOLD, ensure_ascii=False), "utf-8")
    (tmp_path / "plain.json").write_text(json.dumps(ARTICLE_GOLD, ensure_ascii=False), "utf-8")
    assert ev.gold_kind(gold_dir) == ev.gold_kind(gold_dir / "a.gold.json") == "article"
    assert ev.gold_kind(tmp_path / "plain.json") == "article"
    with pytest.raises(InputError) as err:
        ev.gold_kind(tmp_path / "absent.jsonl")
    assert err.value.code == "E107"


def test_cli_detection(tmp_path):
    from rasd.cli import app

    gold = _write_jsonl(tmp_path / "det.jsonl", DETECTION)
    pred = _write_jsonl(tmp_path / "pred.jsonl", DETECTION_PREDS.values())
    result = CliRunner().invoke(app, ["eval", str(gold), "--pred", str(pred), "-f", "json"])
    assert result.exit_code == 0, result.output
    body, summary = result.stdout.rstrip("\n").rsplit("\n", 1)
    report = ev.score_detection(DETECTION_PREDS, DETECTION)
    assert json.loads(body) == report.to_dict() and summary == report.summary()
    result = CliRunner().invoke(app, ["eval", str(gold), "--pred", str(pred), "--errors"])
    assert result.exit_code == 0, result.output
    assert "== false alarm on easy no: 1" in result.output and DETECTION[2]["text"] in result.output
    assert "== missed yes: 1" in result.output
    # forced to sentence gold, the same file is read as positives only
    result = CliRunner().invoke(app, ["eval", str(gold), "--pred", str(pred), "--kind", "gsr"])
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().splitlines()[-1].startswith("ASSAULT_recall=0.6 ASSAULT_other=0.2 PROTEST_recall=0.5")


# ---------------------------------------------------------------- articles (gold of our own)

RAID = "قصفت طائرات حربية تابعة لقوات النظام بلدة سراقب في ريف إدلب صباح اليوم بعدة صواريخ"
DETAIL = "وقال ناشطون إن الطائرات استهدفت سوقا شعبيا وسط مدينة سراقب وأوقعت خمسة قتلى من المدنيين"
HEADLINE = "خمسة قتلى في ريف إدلب"
MEETING = "وعقد وفد المعارضة جولة مفاوضات جديدة مع المبعوث الأممي في جنيف يوم الأحد"
OLD_RAID = "وكانت البلدة قد تعرضت لقصف مماثل في شهر رمضان من العام الماضي أودى بحياة عشرين شخصا"
FOLLOW = "تابعونا على حساباتنا في مواقع التواصل الاجتماعي"

ARTICLE_GOLD = {
    "document": "snn-test-7", "published": "2015-07-20", "boilerplate": [FOLLOW],
    "events": [
        {"id": "E1", "required": True, "plover": "ASSAULT", "actor1": {"country": "SYR", "sector": "MIL"},
         "location": {"name": "Saraqib", "admin1": "Idlib"}, "evidence": RAID, "also_evidence": [DETAIL]},
        {"id": "E2", "required": False, "plover": "CONSULT", "actor1": {"country": "SYR", "sector": "OPP"},
         "location": {"name": "Geneva"}, "evidence": MEETING},
    ],
    "must_not_be_events": [{"evidence": OLD_RAID, "why": "a raid of last year, recalled"}],
}
SYR_MIL = {"country": "SYR", "sector": "MIL"}


def _placed(event, name=None, admin1=None):
    event["location"] = {"name": name, "admin1": admin1}
    return event


def _mentions(*sentences):
    return [{"span": [0, len(s)], "sentence": s, "role": "detail"} for s in sentences]


def test_place_names_compare_spelling_tolerantly():
    assert ev.place_keys("Idleb") == ev.place_keys("Idlib")
    assert ev.place_keys("Ta'izz") == ev.place_keys("Taizz") == ev.place_keys("Taiz")
    assert ev.place_keys("Dayr az-Zawr") & ev.place_keys("Deir ez-Zor")
    assert ev.place_keys("Kabul") <= ev.place_keys("Kabul (Police Academy)")
    assert not ev.place_keys("Hama") & ev.place_keys("Homs")
    assert ev.place_keys(None) == set() and ev.place_keys("") == set()
    gold_place = {"name": "North Waziristan", "admin1": ["Khyber Pakhtunkhwa", "FATA"]}
    assert ev.location_match({"name": "Miranshah", "admin1": "Khyber Pakhtunkhwa"}, gold_place)
    assert ev.location_match({"name": "North Waziristan"}, gold_place)
    assert not ev.location_match({"name": "Peshawar", "admin1": "Punjab"}, gold_place)
    assert not ev.location_match(None, gold_place)
    assert ev.location_match(None, {"name": None})  # a gold event without a place


def test_among_candidates_the_right_actor_and_place_win():
    wrong = _event("ASSAULT", {"country": "SYR", "sector": "REB"}, sentence=RAID)
    right = _placed(_event("ASSAULT", SYR_MIL, sentence=RAID), "Saraqeb", "Idleb")
    r = ev.score_article(_rec("x", wrong, right), ARTICLE_GOLD)
    assert (r.type_ok, r.actor1_ok, r.location_ok) == (1, 1, 1)
    assert (r.matched_pred, r.live_pred, r.unmatched_pred, r.precision) == (1, 2, 1, 0.5)
    # the place alone also ranks a candidate first
    other_place = _placed(_event("ASSAULT", SYR_MIL, sentence=RAID), "Kafr Zita", "Hama")
    exact = _placed(_event("ASSAULT", SYR_MIL, sentence=RAID), "Saraqib")
    assert ev.rank_candidates(ARTICLE_GOLD["events"][0], [other_place, exact], [0, 1]) == [1, 0]
    # a candidate of another type is a candidate (found) but never matched
    r = ev.score_article(_rec("x", _event("PROTEST", SYR_MIL, sentence=RAID)), ARTICLE_GOLD)
    assert (r.found, r.type_ok, r.missed, r.matched_pred) == (1, 0, ["E1"], 0)


def test_matching_is_maximum_one_to_one():
    # G1 may take p0 (preferred: right actor) or p1; G2 only p0. Both must be matched.
    gold = {"document": "d", "events": [
        {"id": "G1", "required": True, "plover": "ASSAULT", "actor1": SYR_MIL, "evidence": RAID,
         "also_evidence": [DETAIL]},
        {"id": "G2", "required": True, "plover": "ASSAULT", "actor1": None, "evidence": DETAIL}]}
    p0 = _event("ASSAULT", SYR_MIL, sentence=DETAIL)
    p1 = _event("ASSAULT", None, sentence=RAID)
    r = ev.score_article(_rec("x", p0, p1), gold)
    assert (r.type_ok, r.matched_pred, r.missed) == (2, 2, [])
    assert r.actor1_ok == 1  # G1 gave way to G2 and took p1, whose actor is missing
    # one event can match one gold event only
    r = ev.score_article(_rec("x", p0), gold)
    assert (r.type_ok, r.matched_pred, r.missed) == (1, 1, ["G2"])


def test_an_event_matches_on_its_evidence_sentences():
    # its clearest mention is the headline; the raid's own sentence is in its evidence list
    merged = _event("ASSAULT", SYR_MIL, sentence=HEADLINE)
    merged["evidence"] = _mentions(HEADLINE, DETAIL)
    r = ev.score_article(_rec("x", merged), ARTICLE_GOLD)
    assert (r.type_ok, r.matched_pred, r.unmatched_pred) == (1, 1, 0)
    alone = _event("ASSAULT", SYR_MIL, sentence=HEADLINE)
    r = ev.score_article(_rec("x", alone), ARTICLE_GOLD)
    assert (r.type_ok, r.matched_pred, r.unmatched_pred, r.missed) == (0, 0, 1, ["E1"])
    # a recalled raid merged in by mistake makes an unmatched event a false positive
    wrong = _event("ASSAULT", sentence=HEADLINE)
    wrong["evidence"] = _mentions(OLD_RAID)
    r = ev.score_article(_rec("x", wrong), ARTICLE_GOLD)
    assert (r.false_positive, r.unmatched_pred) == (1, 0) and r.false == [HEADLINE]


def test_article_precision_counts_real_events_only():
    events = [_event("ASSAULT", SYR_MIL, sentence=RAID), _event("CONSULT", sentence=MEETING),
              _event("ASSAULT", sentence=OLD_RAID, historical=True),   # flagged: not counted at all
              _event("PROTEST", sentence="خرج العشرات في وقفة أمام البلدية"),
              _event("ASSAULT", sentence=FOLLOW)]                      # page furniture
    r = ev.score_article(_rec("x", *events), ARTICLE_GOLD)
    assert (r.live_pred, r.matched_pred, r.false_positive, r.unmatched_pred) == (4, 2, 1, 1)
    report = ev.score_articles([("a.gold.json", _rec("x", *events), ARTICLE_GOLD), ("b.gold.json", None, ARTICLE_GOLD)])
    assert report.total["live_pred"] == 4 and report.total["matched_pred"] == 2
    assert report.summary() == ("events_found=1/2 actor1_ok=1/2 location_ok=0/2 false_positives=1 "
                                "unmatched_pred=1 missing_output=1 precision=0.5")


def test_article_gold_is_checked(tmp_path):
    bad = dict(ARTICLE_GOLD, events=[{"id": "E1", "plover": "ASSAULT", "required": True}])
    path = tmp_path / "bad.gold.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), "utf-8")
    with pytest.raises(InputError) as err:
        ev.load_article_gold(path)
    assert err.value.where == f"{path}:events[0].evidence"


def test_corpus_id_articles_come_from_documents(tmp_path):
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    path = gold_dir / "snn-test-7.gold.json"
    path.write_text(json.dumps(ARTICLE_GOLD, ensure_ascii=False), "utf-8")
    gold = ev.load_article_gold(path)
    with pytest.raises(InputError) as err:
        ev.article_document(gold, path)
    assert "--documents" in str(err.value) and err.value.where == f"{path}:document"
    docs = _write_jsonl(tmp_path / "docs.jsonl", [
        {"id": "snn-other-1", "date": "2015-07-01", "text": MEETING},
        {"id": "snn-test-7", "date": "2015-07-20", "text": "\n".join([HEADLINE, RAID + ".", DETAIL + "."])}])
    documents = ev.load_documents(docs)
    assert sorted(documents) == ["snn-other-1", "snn-test-7"]
    doc = ev.article_document(gold, path, documents)
    assert doc.id == "snn-test-7" and str(doc.published) == "2015-07-20" and RAID in doc.text
    assert list(ev.load_documents(docs, wanted=["snn-test-7"])) == ["snn-test-7"]
    with pytest.raises(InputError) as err:
        ev.article_document(dict(gold, document="snn-test-8"), path, documents)
    assert f"neither in {docs}" in str(err.value)
    # a bad record does not stop the reading, and is named when an article is missing
    broken = _write_jsonl(tmp_path / "broken.jsonl", [{"id": "snn-test-8", "date": "yesterday", "text": RAID},
                                                       {"id": "snn-test-7", "text": RAID}])
    documents = ev.load_documents(broken)
    assert list(documents) == ["snn-test-7"] and ev.article_document(gold, path, documents).text == RAID
    with pytest.raises(InputError) as err:
        ev.article_document(dict(gold, document="snn-test-8"), path, documents)
    assert f"{broken}:1:date" in str(err.value)


def test_saved_article_predictions_are_found_by_id(tmp_path):
    golds = [(Path("g/snn-test-7.gold.json"), ARTICLE_GOLD), (Path("g/other.gold.json"), dict(ARTICLE_GOLD, document="snn-x-2"))]
    pred = _write_jsonl(tmp_path / "pred.jsonl", [_rec("snn-x-2", _event("CONSULT")), _rec("snn-test-7")])
    found = ev.article_predictions(pred, golds)
    assert [p["document"]["id"] for p in found] == ["snn-test-7", "snn-x-2"]
    assert ev.article_predictions(_write_jsonl(tmp_path / "one.jsonl", [_rec("snn-x-2")]), golds) == [None, _rec("snn-x-2")]
    # one gold file and one record: paired whatever the record's id (as `score.py article`)
    assert ev.article_predictions(tmp_path / "one.jsonl", golds[:1]) == [_rec("snn-x-2")]


def test_article_gold_document_path_is_resolved(tmp_path):
    (tmp_path / "seed").mkdir()
    (tmp_path / "gold").mkdir()
    article = "عقد قادة الفصائل اجتماعا في ريف إدلب أمس لبحث توحيد الصفوف.\nزر الذهاب إلى الأعلى"
    (tmp_path / "seed" / "meeting.txt").write_text(article, "utf-8")
    gold = {"document": "seed/meeting.txt", "published": "2024-05-02", "boilerplate": ["زر الذهاب إلى الأعلى"],
            "events": [{"id": "E1", "required": True, "plover": "CONSULT", "actor1": {"country": "SYR", "sector": "REB"},
                        "location": None, "evidence": "عقد قادة الفصائل اجتماعا في ريف إدلب"}]}
    path = tmp_path / "gold" / "meeting.gold.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), "utf-8")
    assert ev.find_article_golds(tmp_path / "gold") == [path]
    loaded = ev.load_article_gold(path)
    doc = ev.article_document(loaded, path)
    assert doc.id == "meeting" and str(doc.published) == "2024-05-02" and "عقد قادة الفصائل" in doc.text
    pred = _rec("meeting", _event("CONSULT", {"country": "SYR", "sector": "REB"},
                                  sentence="عقد قادة الفصائل اجتماعا في ريف إدلب أمس لبحث توحيد الصفوف."),
                _event("CONSULT", sentence="زر الذهاب إلى الأعلى"))
    r = ev.score_articles([(path.name, pred, loaded)])
    assert r.summary() == ("events_found=1/1 actor1_ok=1/1 location_ok=1/1 false_positives=1 "
                           "unmatched_pred=0 missing_output=0 precision=0.5")
    (tmp_path / "seed" / "meeting.txt").unlink()
    with pytest.raises(InputError) as err:
        ev.article_document(loaded, path)
    assert err.value.where == f"{path}:document"


def test_cli_article_gold_on_corpus_ids(tmp_path):
    """`rasd eval GOLD_DIR --documents FILE.jsonl` runs the pipeline on the articles named by id."""
    from rasd.cli import app

    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "snn-test-7.gold.json").write_text(json.dumps(ARTICLE_GOLD, ensure_ascii=False), "utf-8")
    text = "\n".join([RAID + ".", DETAIL + ".", MEETING + "."])
    docs = _write_jsonl(tmp_path / "docs.jsonl", [{"id": "snn-test-7", "date": "2015-07-20", "text": text}])
    result = CliRunner().invoke(app, ["eval", str(gold_dir)])
    assert result.exit_code == 2 and "--documents" in result.output
    result = CliRunner().invoke(app, ["eval", str(gold_dir), "--documents", str(docs), "-f", "json"])
    assert result.exit_code == 0, result.output
    body, summary = result.stdout.rstrip("\n").rsplit("\n", 1)
    import rasd

    record = rasd.extract(text, published="2015-07-20", id="snn-test-7").to_dict()
    expected = ev.score_articles([("snn-test-7.gold.json", record, ARTICLE_GOLD)])
    assert json.loads(body) == expected.to_dict() and summary == expected.summary()
    assert expected.total["live_pred"] >= 1  # the pipeline read the raid
    result = CliRunner().invoke(app, ["eval", str(gold_dir), "--documents", str(docs), "--errors"])
    assert result.exit_code == 0 and "== snn-test-7.gold.json precision" in result.output


# ---------------------------------------------------------------- against the reference scorer

def _reference(mode: str, pred: Path, gold: Path) -> tuple[dict, str]:
    out = _reference_stdout(mode, pred, gold)
    body, summary = out.rstrip("\n").rsplit("\n", 1)
    return json.loads(body), summary


def _reference_stdout(mode: str, pred: Path, gold: Path) -> str:
    if not SCORE_PY.is_file():
        pytest.skip("the reference scorer is not present")
    return subprocess.run([sys.executable, str(SCORE_PY), mode, str(pred), str(gold)],
                          capture_output=True, text=True, check=True).stdout


def _cli_stdout(*args: str) -> str:
    from rasd.cli import app

    result = CliRunner().invoke(app, ["eval", *args, "-f", "json"])
    assert result.exit_code == 0, result.output
    return result.stdout


def _random_predictions(gold, seed: int) -> list[dict]:
    rnd = random.Random(seed)
    countries = ["SYR", "IRQ", "ISR", "PSE", None]
    sectors = ["MIL", "GOV", "CVL", "REB", "COP", "UAF", None]
    out = []
    for g in gold:
        if rnd.random() < 0.05:
            continue  # missing output
        events = []
        for _ in range(rnd.choice([0, 1, 1, 2, 3])):
            def actor():
                if rnd.random() < 0.2:
                    return None
                code = (g.get(rnd.choice(["source_code", "target_code"])) or "None None").split()
                c = code[0] if rnd.random() < 0.6 else rnd.choice(countries)
                s = code[1] if rnd.random() < 0.6 else rnd.choice(sectors)
                return {"country": None if c == "None" else c, "sector": None if s == "None" else s}
            events.append(_event(rnd.choice(["ASSAULT", "PROTEST", "ASSAULT", "CONSULT"]), actor(), actor(),
                                 negated=rnd.random() < 0.1, hypothetical=rnd.random() < 0.05,
                                 historical=rnd.random() < 0.15))
        out.append(_rec(str(g["id"]), *events))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gsr_figures_equal_the_reference_scorer(tmp_path, seed):
    if not GSR_DEV.is_file():
        pytest.skip("the shared dev set is not present")
    gold = ev.load_gsr(GSR_DEV)
    pred = _write_jsonl(tmp_path / "pred.jsonl", _random_predictions(gold, seed))
    reference = _reference_stdout("gsr", pred, GSR_DEV)
    report = ev.score_gsr(ev.load_predictions(pred), gold)
    assert json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n" + report.summary() + "\n" == reference
    assert _cli_stdout(str(GSR_DEV), "--pred", str(pred)) == reference


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_detection_figures_equal_the_reference_scorer(tmp_path, seed):
    if not DETECTION_DEV.is_file():
        pytest.skip("the shared detection set is not present")
    gold = ev.load_detection(DETECTION_DEV)
    pred = _write_jsonl(tmp_path / "pred.jsonl", _random_predictions(gold, seed))
    reference = _reference_stdout("detection", pred, DETECTION_DEV)
    report = ev.score_detection(ev.load_predictions(pred), gold)
    reference_body, reference_summary = _reference("detection", pred, DETECTION_DEV)
    assert report.to_dict() == reference_body and report.summary() == reference_summary
    assert report.to_dict()["missing_output"] > 0
    assert _cli_stdout(str(DETECTION_DEV), "--pred", str(pred)) == reference  # the kind found by itself


def _respell(name: str, rnd: random.Random) -> str:
    """Another transliteration of an English place name, as another source would write it."""
    choices = [name.replace("i", "e"), name.replace("'", ""), name.replace("z", "zz"),
               "al-" + name, name + "h", name.lower(), name.replace("ou", "u")]
    return rnd.choice(choices)


def _article_prediction(gold: dict, rnd: random.Random) -> dict:
    """Predictions with the usual faults: repeats, wrong types, actors and places, merged mentions."""
    filler = "وأضاف المصدر أن الوضع الإنساني في المنطقة يزداد سوءا يوما بعد يوم"
    types = ["ASSAULT", "PROTEST", "CONSULT", "COERCE", "ACCUSE"]
    events = []
    for g in gold["events"]:
        sentences = [g["evidence"]] + list(g.get("also_evidence") or [])
        for _ in range(rnd.choice([0, 1, 1, 1, 2, 3])):
            own = rnd.choice(sentences)
            ptype = g["plover"] if rnd.random() < 0.75 else rnd.choice(types)
            a1 = g.get("actor1") or {}
            actor1 = ({"country": a1.get("country"), "sector": a1.get("sector")} if rnd.random() < 0.5
                      else {"country": rnd.choice(["SYR", "YEM", None]), "sector": rnd.choice(["MIL", "REB", None])})
            e = _event(ptype, actor1, sentence=own if rnd.random() < 0.6 else filler,
                       historical=rnd.random() < 0.1, negated=rnd.random() < 0.05)
            if e["sentence"] == filler or rnd.random() < 0.3:
                e["evidence"] = _mentions(filler, own)
            loc = g.get("location") or {}
            admin1 = loc.get("admin1")
            admin1 = admin1[0] if isinstance(admin1, list) and admin1 else admin1
            pick = rnd.random()
            if pick < 0.35 and loc.get("name"):
                e["location"] = {"name": _respell(loc["name"], rnd), "admin1": None}
            elif pick < 0.55 and admin1:
                e["location"] = {"name": "Somewhere", "admin1": _respell(admin1, rnd)}
            elif pick < 0.8:
                e["location"] = {"name": rnd.choice(["Aden", "Homs", "Mosul", "Sanaa"]), "admin1": None}
            events.append(e)
    for n in gold.get("must_not_be_events", []):
        if rnd.random() < 0.5:
            e = _event(rnd.choice(types), sentence=n["evidence"] if rnd.random() < 0.7 else filler)
            if e["sentence"] == filler:
                e["evidence"] = _mentions(n["evidence"])
            events.append(e)
    if rnd.random() < 0.5:
        events.append(_event("ASSAULT", sentence=filler))
    rnd.shuffle(events)
    return _rec(gold["document"], *events)


def _article_golds(folder: Path) -> list[Path]:
    golds = sorted(folder.glob("*.gold.json")) if folder.is_dir() else []
    if not golds:
        pytest.skip(f"no article gold in {folder}")
    return golds


@pytest.mark.parametrize("folder", [REAL_GOLD_DIR, GOLD_DIR], ids=["real", "seed"])
@pytest.mark.parametrize("seed", [1, 2])
def test_article_figures_equal_the_reference_scorer(tmp_path, folder, seed):
    rnd = random.Random(seed)
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    for path in _article_golds(folder):
        if rnd.random() < 0.1 and folder == REAL_GOLD_DIR:
            continue  # missing output
        record = _article_prediction(ev.load_article_gold(path), rnd)
        (pred_dir / f"{ev.gold_name(path)}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    reference = _reference_stdout("articles", pred_dir, folder)
    assert _cli_stdout(str(folder), "--pred", str(pred_dir)) == reference
    total = json.loads(reference.rstrip("\n").rsplit("\n", 1)[0])["total"]
    assert 0 < total["matched_pred"] < total["live_pred"] and total["type_ok"] > 0
    assert total["location_ok"] < total["type_ok"] or folder == GOLD_DIR
    # one file against one record: `score.py article`
    path = _article_golds(folder)[0]
    one = tmp_path / "one.json"
    one.write_text(json.dumps(_article_prediction(ev.load_article_gold(path), rnd), ensure_ascii=False), "utf-8")
    assert _cli_stdout(str(path), "--pred", str(one)) == _reference_stdout("article", one, path)


def test_pipeline_output_scores_the_same_in_both_scorers(tmp_path):
    """`rasd eval` running the pipeline, and the reference scorer reading the same records."""
    if not GSR_DEV.is_file():
        pytest.skip("the shared dev set is not present")
    gold = ev.load_gsr(GSR_DEV)[:60]
    gold_path = _write_jsonl(tmp_path / "gold.jsonl", gold)
    preds = ev.predict_gsr(gold)
    pred_path = _write_jsonl(tmp_path / "pred.jsonl", preds.values())
    reference, summary = _reference("gsr", pred_path, gold_path)
    report = ev.score_gsr(preds, gold)
    assert report.to_dict() == reference and report.summary() == summary


def test_pipeline_detection_scores_the_same_in_both_scorers(tmp_path):
    if not DETECTION_DEV.is_file():
        pytest.skip("the shared detection set is not present")
    gold = ev.load_detection(DETECTION_DEV)[::25]
    gold_path = _write_jsonl(tmp_path / "gold.jsonl", gold)
    pred_path = _write_jsonl(tmp_path / "pred.jsonl", ev.predict_gsr(gold).values())
    assert _cli_stdout(str(gold_path)) == _reference_stdout("detection", pred_path, gold_path)


def test_pipeline_on_corpus_articles_scores_the_same_in_both_scorers(tmp_path):
    """`rasd eval GOLD --documents FILE` equals `corpus.py --gold`, the pipeline and `score.py articles`."""
    golds = _article_golds(REAL_GOLD_DIR)[::5]
    if not CORPUS_PY.is_file():
        pytest.skip("the corpus tool is not present")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    for path in golds:
        (gold_dir / path.name).write_bytes(path.read_bytes())
    docs = tmp_path / "docs.jsonl"
    run = subprocess.run([sys.executable, str(CORPUS_PY), "--gold", str(gold_dir)], capture_output=True, text=True)
    if run.returncode != 0 or not run.stdout.strip():
        pytest.skip("the corpus is not present")
    docs.write_text(run.stdout, "utf-8")
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    for doc_id, doc in ev.load_documents(docs).items():
        (pred_dir / f"{doc_id}.json").write_text(json.dumps(ev.predict_document(doc), ensure_ascii=False), "utf-8")
    assert sorted(p.stem for p in pred_dir.iterdir()) == [ev.gold_name(p) for p in golds]
    assert _cli_stdout(str(gold_dir), "--documents", str(docs)) == _reference_stdout("articles", pred_dir, gold_dir)


# ---------------------------------------------------------------- regression gates on our own data

HELDOUT = Path(__file__).resolve().parent / "data" / "heldout_sentences.jsonl"


def test_heldout_sentences_floor():
    """The pipeline on sentences written for the project (not the dev set) keeps its level."""
    gold = ev.load_gsr(HELDOUT)
    assert len(gold) >= 40
    report = ev.score_gsr(ev.predict_gsr(gold), gold)
    d = report.to_dict()
    assert d["missing_output"] == 0
    assert d["ASSAULT"]["recall"] >= 0.9, report.summary()
    assert d["PROTEST"]["recall"] >= 0.85, report.summary()
    assert d["ASSAULT"]["other_category"] <= 0.1 and d["PROTEST"]["other_category"] <= 0.2, report.summary()


NOT_VIOLENT = [
    # football reports, written for the project
    "وشن الفريق الضيف هجوماً مكثفاً في الشوط الثاني، وأطلق مهاجمه تسديدة صاروخية ارتطمت بالقائم، "
    "قبل أن ينجح حارس المرمى في التصدي لركلة جزاء في الدقيقة الأخيرة من المباراة.",
    "واصل النادي قصف مرمى منافسيه بعد أن سجل لاعبوه ثلاثة أهداف في مباراة الأمس ضمن الدوري الممتاز، "
    "وخطف المهاجم الأضواء بهدف رائع من ضربة حرة.",
    # figurative and economic language
    "شن وزير المالية هجوماً إعلامياً حاداً على المعارضة، فيما تشتد حرب الأسعار بين شركات الاتصالات.",
    "تستعد الجماهير لمواجهة الديربي يوم الجمعة، ويأمل المدرب أن يواصل فريقه مسيرته الناجحة هذا الموسم.",
    "وأعلنت وزارة الصحة عن حملة لمكافحة الحشرات الناقلة للأمراض في الأحياء الجنوبية.",
]


@pytest.mark.parametrize("text", NOT_VIOLENT)
def test_sport_and_metaphor_make_no_violence(text):
    import rasd

    record = rasd.extract(text, published="2024-03-01").to_dict()
    bad = [(e["plover"]["type"], e["trigger"]) for e in record["events"]
           if ev.is_real(e) and e["plover"]["type"] in ("ASSAULT", "PROTEST")]
    assert bad == []


def test_cli_article_gold_with_saved_prediction(tmp_path):
    from rasd.cli import app

    (tmp_path / "seed").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "pred").mkdir()
    sentence = "شنت طائرات حربية غارات على بلدة كفرنبودة في ريف حماة أمس."
    (tmp_path / "seed" / "raid.txt").write_text(sentence, "utf-8")
    gold = {"document": "seed/raid.txt", "events": [
        {"id": "E1", "required": True, "plover": "ASSAULT", "actor1": {"country": "SYR", "sector": "MIL"},
         "location": {"name": "Kafr Nabudah", "admin1": "Hama"}, "evidence": "شنت طائرات حربية غارات على بلدة كفرنبودة"}]}
    (tmp_path / "gold" / "raid.gold.json").write_text(json.dumps(gold, ensure_ascii=False), "utf-8")
    event = _event("ASSAULT", {"country": "SYR", "sector": "MIL"}, sentence=sentence)
    event["location"] = {"name": "Kafr Nabudah", "admin1": "Hama"}
    (tmp_path / "pred" / "raid.json").write_text(json.dumps(_rec("raid", event), ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "gold"), "--pred", str(tmp_path / "pred")])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("events_found=1/1 actor1_ok=1/1 location_ok=1/1 false_positives=0 "
                                           "unmatched_pred=0 missing_output=0 precision=1.0")
    (tmp_path / "pred" / "raid.json").unlink()
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "gold"), "--pred", str(tmp_path / "pred"), "-f", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output.rstrip("\n").rsplit("\n", 1)[0])
    assert body["total"]["missing_output"] == 1 and body["articles"]["raid.gold.json"]["missed"] == ["E1"]


def test_seed_article_floor():
    """The pipeline on the project's article gold: required events found, nothing forbidden."""
    golds = sorted(GOLD_DIR.glob("*.gold.json")) if GOLD_DIR.is_dir() else []
    if not golds:
        pytest.skip("the shared article gold is not present")
    triples = []
    for path in golds:
        gold = ev.load_article_gold(path)
        triples.append((path.name, ev.predict_document(ev.article_document(gold, path)), gold))
    report = ev.score_articles(triples)
    total = report.total
    assert total["type_ok"] >= total["required"] - 1, report.summary()
    assert total["false_positive"] == 0, report.summary()
