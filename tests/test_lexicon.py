"""The event lexicons in rasd/data/events/: they parse, use only valid codes, and match news
language the way their README says."""
from __future__ import annotations

import json
from collections import defaultdict
from importlib.resources import files
from pathlib import Path

import pytest

from rasd.text.normalize import fold

TRIGGER_COLUMNS = ["pattern", "pos", "plover", "mode", "acled_event_type",
                   "acled_sub_event_type", "cameo", "weight", "note"]
CUE_COLUMNS = ["pattern", "cue", "scope", "note"]


def _rows(name: str, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    text = files("rasd.data").joinpath(f"events/{name}").read_text("utf-8")
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.lstrip().startswith("#")]
    assert lines[0][1].split("\t") == columns, f"{name}: header"
    rows = []
    for n, line in lines[1:]:
        cells = line.split("\t")
        assert len(cells) == len(columns), f"{name}:{n}: {len(cells)} cells, want {len(columns)}"
        rows.append((n, dict(zip(columns, (c.strip() for c in cells)))))
    return rows


@pytest.fixture(scope="module")
def shared() -> Path:
    path = Path(__file__).resolve().parents[2] / "shared"
    if not (path / "reference" / "ontologies.md").is_file():
        pytest.skip("the shared reference data is not present")
    return path


@pytest.fixture(scope="module")
def ontology() -> dict:
    return json.loads(files("rasd.data").joinpath("events/ontology.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def triggers():
    return _rows("triggers.tsv", TRIGGER_COLUMNS)


@pytest.fixture(scope="module")
def cues():
    return _rows("cues.tsv", CUE_COLUMNS)


def test_ontology_matches_reference(ontology):
    assert len(ontology["plover"]) == 16 and len(set(ontology["plover"])) == 16
    assert set(ontology["modes"]) <= set(ontology["plover"])
    assert set(ontology["cameo_roots"]) == set(ontology["plover"])
    assert sum(len(v) for v in ontology["acled"].values()) == 25
    assert "Shelling/artillery/missile attack" in ontology["acled"]["Explosions/Remote violence"]


def test_ontology_agrees_with_shared_reference(ontology, shared):
    """Every name in ontology.json appears verbatim in the project's ontology reference."""
    ref = (shared / "reference" / "ontologies.md").read_text("utf-8")
    for name in ontology["plover"]:
        assert f"| {name} |" in ref, name
    for event_type, subs in ontology["acled"].items():
        assert event_type in ref, event_type
        for sub in subs:
            assert sub in ref, sub


def test_triggers_use_valid_codes(triggers, ontology):
    assert len(triggers) > 150
    for n, row in triggers:
        where = f"triggers.tsv:{n}"
        assert row["pattern"], where
        assert row["pos"] in ontology["pos"], where
        assert row["plover"] in ontology["plover"], where
        if row["mode"]:
            assert row["mode"] in ontology["modes"].get(row["plover"], []), f"{where}: mode {row['mode']}"
        if row["acled_event_type"] or row["acled_sub_event_type"]:
            subs = ontology["acled"].get(row["acled_event_type"])
            assert subs is not None, f"{where}: ACLED type {row['acled_event_type']!r}"
            assert row["acled_sub_event_type"] in subs, f"{where}: sub-type {row['acled_sub_event_type']!r}"
        if row["cameo"]:
            assert row["cameo"].isdigit() and 3 <= len(row["cameo"]) <= 4, where
            assert row["cameo"][:2] in ontology["cameo_roots"][row["plover"]], f"{where}: cameo {row['cameo']}"
        weight = float(row["weight"])
        assert 0.0 <= weight <= 1.0, where
        if weight == 0.0:
            assert row["note"].startswith("blocker"), f"{where}: weight 0 is for blockers only"


def test_every_plover_type_and_violent_acled_subtype_has_triggers(triggers, ontology):
    types = {row["plover"] for _, row in triggers}
    assert types == set(ontology["plover"])
    subs = {row["acled_sub_event_type"] for _, row in triggers}
    for event_type in ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots"):
        for sub in ontology["acled"][event_type]:
            assert sub in subs, sub
    assert {"Agreement", "Arrests", "Looting/property destruction", "Disrupted weapons use",
            "Headquarters or base established", "Non-violent transfer of territory",
            "Change to group/activity"} <= subs


def _variants(pattern: str) -> list[str]:
    return [v.strip() for v in pattern.split("|") if v.strip()]


def test_patterns_are_well_formed(triggers, cues):
    for name, rows in (("triggers.tsv", triggers), ("cues.tsv", cues)):
        for n, row in rows:
            for v in _variants(row["pattern"]):
                assert "*" not in v.strip("*"), f"{name}:{n}: '*' inside {v!r}"
                assert fold(v.strip("*")).strip(), f"{name}:{n}: empty variant"


def test_no_variant_has_conflicting_types(triggers):
    seen: dict[tuple[str, bool, bool], set[str]] = defaultdict(set)
    where: dict[tuple[str, bool, bool], list[int]] = defaultdict(list)
    for n, row in triggers:
        for v in _variants(row["pattern"]):
            key = (fold(v.strip("*")), v.startswith("*"), v.endswith("*"))
            seen[key].add(row["plover"])
            where[key].append(n)
    conflicts = {k: (t, where[k]) for k, t in seen.items() if len(t) > 1}
    assert not conflicts


def test_cues_use_valid_names(cues, ontology):
    names = {row["cue"] for _, row in cues}
    assert names <= set(ontology["cues"])
    assert names == set(ontology["cues"])  # every kind of cue is present
    for n, row in cues:
        assert row["scope"] in ontology["scopes"], f"cues.tsv:{n}"


def test_cue_variant_has_one_meaning(cues):
    seen: dict[str, set[str]] = defaultdict(set)
    for _, row in cues:
        for v in _variants(row["pattern"]):
            seen[fold(v)].add(row["cue"])
    assert {k: c for k, c in seen.items() if len(c) > 1} == {}


# ---------------------------------------------------------------- behaviour through the loader

@pytest.fixture(scope="module")
def lexicon():
    lex = pytest.importorskip("rasd.events.lexicon")
    return lex.load_lexicon()


def _triggers(lexicon, text: str) -> list[tuple[str, str, str | None]]:
    return [(m.pattern, m.payload.plover, m.payload.acled_sub_event_type)
            for m in lexicon.triggers.find(fold(text))]


def _cues(lexicon, text: str) -> list[tuple[str, str]]:
    return [(m.pattern, m.payload.cue) for m in lexicon.cues.find(fold(text))]


def test_passive_and_imperfect_forms_match(lexicon):
    found = _triggers(lexicon, "قُتل جنديان وأصيب ثالث عندما استُهدفت دوريتهم")
    assert ("قتل", "ASSAULT", "Attack") in found
    assert any(p == "استهدف" for p, _, _ in found)
    found = _triggers(lexicon, "وتستهدف المدفعية منذ الصباح قرى الريف الجنوبي")
    assert any(t == "ASSAULT" and p.startswith("تستهدف") for p, t, _ in found)
    assert [t for _, t, _ in _triggers(lexicon, "ويعتقل الأمن عشرات الشبان كل أسبوع")] == ["COERCE"]


def test_longest_match_picks_the_specific_sub_event(lexicon):
    found = _triggers(lexicon, "شنت المقاتلات غارات جوية على الأحياء الشرقية")
    assert ("غارات جويه", "ASSAULT", "Air/drone strike") in found
    found = _triggers(lexicon, "أعلن السجناء الإضراب عن الطعام احتجاجا على سوء المعاملة")
    assert found[0][1:] == ("PROTEST", "Peaceful protest")
    assert "ASSAULT" not in {t for _, t, _ in found}
    found = _triggers(lexicon, "أطلقت الشرطة قنابل الغاز لتفريق المتظاهرين")
    assert {t for _, t, _ in found} == {"PROTEST"}
    assert ("لتفريق المتظاهرين", "PROTEST", "Protest with intervention") in found


def test_football_shot_is_not_a_missile(lexicon):
    text = "وسدد المهاجم تسديدة صاروخية ارتطمت بالعارضة في الشوط الثاني"
    assert "ASSAULT" not in {t for _, t, _ in _triggers(lexicon, text)}
    assert ("الشوط الثاني", "not_event") in _cues(lexicon, text)
    assert [t for _, t, _ in _triggers(lexicon, "سقطت ثلاثة صواريخ على المدينة")] == ["ASSAULT"]


def test_newswire_idioms(lexicon):
    assert {t for _, t, _ in _triggers(lexicon, "لقي ثلاثة أشخاص حتفهم")} == {"ASSAULT"}
    assert _triggers(lexicon, "ما أسفر عن مقتل سبعة مدنيين")[0][:2] == ("ما اسفر عن مقتل", "ASSAULT")
    found = _triggers(lexicon, "ونزلوا إلى الشوارع رافعين الأعلام")
    assert [t for _, t, _ in found] == ["PROTEST"]


def test_mask_hides_words_that_only_look_like_negation(lexicon):
    cues = _cues(lexicon, "قتل ما لا يقل عن عشرة أشخاص برصاص مسلحين غير معروفين")
    kinds = [c for _, c in cues]
    assert "negation" not in kinds
    assert kinds.count("mask") == 2
    cues = _cues(lexicon, "ونفى الجيش أن يكون قد قصف المستشفى ولم يقتل أحد")
    kinds = [c for _, c in cues]
    assert "denial" in kinds and "negation" in kinds


def test_cues_for_flags(lexicon):
    assert ("من المقرر", "future") in _cues(lexicon, "ومن المقرر أن تنظم النقابات مظاهرة يوم الأحد")
    assert ("يذكر ان", "recall") in _cues(lexicon, "يذكر أن الطيران قصف المدينة في العام الماضي")
    assert ("بحسب", "attribution") in _cues(lexicon, "بحسب ما أفاد ناشطون محليون")
    kinds = {c for _, c in _cues(lexicon, "وسقط خمسة قتلى وعشرات الجرحى")}
    assert {"killed", "injured"} <= kinds


def test_blockers_hide_words_that_contain_a_trigger(lexicon):
    found = {m.pattern: m.payload.weight for m in lexicon.triggers.find(fold("وقال متحدث باسم حركة طالبان إن الطالب أصيب"))}
    assert found.get("حركه طالبان") == 0.0 and found.get("الطالب") == 0.0
    found = _triggers(lexicon, "وأهدر المهاجم ضربة جزاء في الشوط الأول")
    assert found == [("ضربه جزاء", "ASSAULT", None)]
    assert lexicon.triggers.find(fold("ضربة جزاء"))[0].payload.weight == 0.0


def test_clashes_with_protesters_are_a_riot(lexicon):
    found = _triggers(lexicon, "ووقعت مواجهات بين الشرطة والمتظاهرين في وسط العاصمة")
    assert [(t, s) for _, t, s in found] == [("PROTEST", "Violent demonstration")]
    found = _triggers(lexicon, "ووقعت اشتباكات بين قوات الأمن ومسلحين في وسط العاصمة")
    assert [(t, s) for _, t, s in found] == [("ASSAULT", "Armed clash")]


@pytest.mark.parametrize("text", [
    "وقالت وزارة الشؤون الاجتماعية إن هناك خطة لتقييم البرامج",   # وزارة ⊃ زار, الاجتماعية ⊃ اجتماع, هناك ⊃ هنأ
    "احتفى القسم الثقافي في القنصلية الفرنسية بصدور الرواية",       # القنصلية ⊃ قنص
    "وأكد التقيد بالتعليمات بعد التقييم والتصديق على القرار",        # التقيد ⊃ التقى, التصديق ⊃ تصدى
    "وارتفعت الصادرات السلبية في موسم الرحلات الصيفية",             # الصادرات ⊃ صادر, السلبية ⊃ سلب, الرحلات ⊃ رحل
    "رفع الباحث يديه وبناته إلى جانبه",                              # باحث ⊃ حث, يديه ⊃ يدين, بناته ⊃ اتهم
])
def test_common_words_are_not_events(lexicon, text):
    live = [(m.pattern, m.payload.plover) for m in lexicon.triggers.find(fold(text)) if m.payload.weight > 0]
    assert live == []


def test_cue_words_inside_other_words(lexicon):
    kinds = {c for _, c in _cues(lexicon, "قتل ثلاثة مدنيين في قصف على قرية في محافظة نينوى")}
    assert "future" not in kinds  # نينوى is not ن + ينوي
    assert ("بعدما", "mask") in _cues(lexicon, "قصفت الطائرات الحي بعدما انسحب المسلحون")


@pytest.mark.parametrize("name, columns", [("triggers.tsv", TRIGGER_COLUMNS), ("cues.tsv", CUE_COLUMNS),
                                           ("roles.tsv", CUE_COLUMNS),
                                           ("status.tsv", ["pattern", "status", "scope", "note"])])
def test_no_pattern_ends_in_a_glued_preposition(name, columns):
    """Patterns match whole words: ``رفضا ل`` would never match ``رفضا للقرار``, where the
    preposition is glued to the next word, so a pattern stops before it (``رفضا``)."""
    glued = {"ب", "ل", "ك", "لل", "بال", "وب", "ول"}
    bad = [(n, p) for n, row in _rows(name, columns) for p in row["pattern"].split("|")
           if len(p.split()) > 1 and p.split()[-1] in glued]
    assert not bad, f"{name}: {bad[:5]}"
