"""The per-document budget: hostile input is cut with a coded warning, never stalls."""
from __future__ import annotations

import rasd
from rasd.options import Options
from rasd.pipeline import Pipeline
from rasd.text.matcher import MAX_WORD_CHARS, PhraseMatcher

REPORT = "قتل ثلاثة مدنيين أمس في قصف مدفعي لقوات النظام على بلدة كفرنبودة."


def codes(doc):
    return [w["code"] for w in doc.to_dict()["warnings"]]


def test_real_text_gets_no_warning():
    doc = rasd.default_pipeline().run(REPORT, published="2019-05-20")
    assert doc.to_dict()["warnings"] == []
    assert doc.events


def test_a_run_of_letters_is_skipped_and_the_report_still_read():
    junk = "قتل" * 40  # 120 letters, no space
    text = junk + "\n" + REPORT
    doc = rasd.default_pipeline().run(text, published="2019-05-20")
    [warning] = doc.to_dict()["warnings"]
    assert warning["code"] == "W101"
    assert text[slice(*warning["span"])] == junk
    assert all(t.start > len(junk) for t in doc.tokens)
    assert [e.trigger for e in doc.events] and all(e.span[0] > len(junk) for e in doc.events)


def test_the_matcher_skips_matches_inside_a_run_longer_than_a_word():
    m: PhraseMatcher[str] = PhraseMatcher()
    m.add("قصف", "attack")
    assert [x.payload for x in m.find("وقصف الطيران البلدة")] == ["attack"]
    assert m.find("قصف" * (MAX_WORD_CHARS // 3 + 1)) == []
    assert m.find("س" * (MAX_WORD_CHARS - 3) + "قصف") == []  # a prefix no clitic can be


def test_a_long_sentence_is_cut_into_pieces_of_the_token_budget():
    pipeline = Pipeline(Options(max_sentence_tokens=6))
    doc = pipeline.run(REPORT, published="2019-05-20")
    assert codes(doc) == ["W102"]
    assert len(doc.sentences) == 2  # 12 tokens: 6 + 6
    for sent in doc.sentences:
        inside = [t for t in doc.tokens if sent.start <= t.start < sent.end]
        assert len(inside) <= 6 and all(t.end <= sent.end for t in inside)
    assert [s.chained for s in doc.sentences] == [False, True]


def test_text_beyond_the_sentence_budget_is_kept_but_not_read():
    other = "وفي حلب، قتل خمسة مدنيين في غارة جوية على حي الشعار."
    text = "\n".join([REPORT, REPORT, other, other])
    doc = Pipeline(Options(max_document_sentences=2)).run(text, published="2019-05-20")
    record = doc.to_dict()
    assert record["document"]["text"] == text
    [warning] = record["warnings"]
    assert warning["code"] == "W103"
    cut = warning["span"][0]
    assert text[:cut] == REPORT + "\n" + REPORT
    assert len(doc.sentences) == 2
    assert all(e["span"][1] <= cut for e in record["entities"])
    assert all(e["span"][1] <= cut for e in record["events"])
    assert not any(e["text"] == "حلب" for e in record["entities"])
