"""Entities stage: person rules, overlaps with dictionary entities, spans.

A tiny fake actor dictionary stands in for rasd.actors so that these tests do not depend
on the real dictionary's contents.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from rasd.doc import Document, Entity
from rasd.entities import EntityRecognizer
from rasd.options import Options
from rasd.text import TextAnalyzer
from rasd.text.matcher import PhraseMatcher

OPTIONS = Options()

FAKE_ACTORS = [
    ("جيش العزة", "ORG", "jaysh-al-izza"),
    ("هيئة تحرير الشام", "ORG", "hts"),
    ("الجبهة الوطنية للتحرير", "ORG", "nfl"),
    ("مركز دعاة الجهاد", "ORG", "duat"),
    ("الدفاع المدني", "ORG", "white-helmets"),
    ("لواء أبو الفضل العباس", "ORG", "abu-fadl-abbas"),
    ("بشار الأسد", "PERSON", "person-bashar-al-assad"),
    ("الجيش السوري", "ORG", "syr-mil"),
]
FAKE_PLACES = [("حماة", "hama"), ("إدلب", "idlib"), ("أبو ظبي", "abu-dhabi"), ("كفرنبودة", "kafr-nabudah")]


def _finder(entries):
    matcher: PhraseMatcher = PhraseMatcher()
    for pattern, etype, eid in entries:
        matcher.add(pattern, (etype, eid))

    def find(doc: Document) -> list[Entity]:
        out = []
        for m in matcher.find(doc.normalized.text):
            start, end = doc.normalized.original_span(m.core_start, m.core_end)
            etype, eid = m.payload
            kind = "person" if etype == "PERSON" else "org" if etype == "ORG" else "place"
            out.append(Entity(etype, start, end, doc.text[start:end], id=eid, attrs={"kind": kind}))
        return out
    return find


RECOGNIZER = EntityRecognizer(OPTIONS, actor_finder=_finder(FAKE_ACTORS),
                              place_finder=_finder([(p, "LOC", i) for p, i in FAKE_PLACES]))


def analyse(text: str) -> Document:
    return RECOGNIZER(TextAnalyzer(OPTIONS)(Document(text)))


def persons(doc: Document) -> list[Entity]:
    return [e for e in doc.entities if e.type == "PERSON"]


def person(doc: Document, text: str) -> Entity:
    found = [e for e in persons(doc) if e.text == text]
    assert found, f"no PERSON {text!r} in {[e.text for e in persons(doc)]}"
    return found[0]


def test_rank_and_quoted_name_with_commander_role():
    doc = analyse("وذكرت المصادر أن أبرز الحاضرين كان قائد جيش العزة الرائد “جميل الصالح” إضافة لقادة آخرين.")
    p = person(doc, "جميل الصالح")
    assert p.attrs["title"] == "الرائد"
    assert p.attrs["role"] == "commander"
    assert p.attrs["title_sector"] == "MIL"
    start, end = p.attrs["affiliation_span"]
    assert doc.text[start:end] == "جيش العزة"
    assert [e.text for e in persons(doc)] == ["جميل الصالح"]


def test_kunya_nominative_and_genitive_are_linked():
    doc = analyse("وقال قائد هيئة تحرير الشام أبو محمد الجولاني إن المعركة مستمرة. "
                  "وكشفت مصادر مطلعة عن اتفاق أبي محمد الجولاني مع باقي الفصائل.")
    first = person(doc, "أبو محمد الجولاني")
    second = person(doc, "أبي محمد الجولاني")
    assert first.attrs["kunya"] and second.attrs["kunya"]
    assert first.attrs["role"] == "commander"
    assert second.attrs["same_as"] == (first.start, first.end)


def test_quoted_kunya_keeps_a_surname_that_is_also_a_title():
    doc = analyse("إضافة لقائد ألوية صقور الشام “أبو عيسى الشيخ” وقادة آخرين")
    assert person(doc, "أبو عيسى الشيخ").attrs["quoted"] is True


def test_father_name_ali_inside_a_name_but_not_the_preposition():
    doc = analyse("وحضر قائد أحرار الشام “جابر علي باشا” الاجتماع. وافق خالد على الخطة.")
    assert [e.text for e in persons(doc)] == ["جابر علي باشا"]


def test_minister_with_field_and_demonym_before_a_foreign_name():
    doc = analyse("وصرح وزير الخارجية الروسي سيرغي لافروف بأن المحادثات ستستأنف.")
    p = person(doc, "سيرغي لافروف")
    assert p.attrs["role"] == "minister"
    assert p.attrs["title"] == "وزير"


def test_president_with_demonym_and_dictionary_person_wins_the_same_span():
    doc = analyse("واستقبل الرئيس السوري بشار الأسد الوفد في دمشق.")
    found = persons(doc)
    assert len(found) == 1
    assert found[0].text == "بشار الأسد"
    assert found[0].id == "person-bashar-al-assad"  # the dictionary entity was kept …
    assert found[0].attrs["role"] == "president"  # … and took the rule's title


def test_apposition_after_a_quoted_name_gives_the_role():
    doc = analyse("من جانبه، اعتبر “عبد الله المحيسني” رئيس “مركز دعاة الجهاد” هذه الخطوة مهمة.")
    p = person(doc, "عبد الله المحيسني")
    assert p.attrs["role"] == "head"
    start, end = p.attrs["affiliation_span"]
    assert doc.text[start:end] == "مركز دعاة الجهاد"


def test_speaker_after_verb_of_saying_with_spokesman_apposition():
    doc = analyse("وقال محمود الحسن، المتحدث باسم الدفاع المدني، إن فرق الإنقاذ انتشلت الجثث.")
    p = person(doc, "محمود الحسن")
    assert p.attrs["role"] == "spokesman"


def test_bare_surname_later_is_linked_to_the_full_name():
    doc = analyse("أشاد “حسن صوفان” أحد القياديين في “الجبهة الوطنية للتحرير” بالاجتماع. "
                  "وشبه صوفان في تدوينة له الاجتماع باجتماع تاريخي. وأضاف صوفان: “نحن معا”.")
    full = person(doc, "حسن صوفان")
    assert full.attrs["role"] == "leader"
    refs = [e for e in persons(doc) if e.text == "صوفان"]
    assert len(refs) == 2
    assert all(r.attrs["same_as"] == (full.start, full.end) for r in refs)
    assert all(doc.text[r.start:r.end] == "صوفان" for r in refs)


def test_surname_phrase_that_is_an_adjective_is_not_a_back_reference():
    doc = analyse("أكد العقيد أحمد الصالح أن القوات تقدمت. ويصب ذلك في الصالح العام لصالح السكان.")
    assert [e.text for e in persons(doc)] == ["أحمد الصالح"]


@pytest.mark.parametrize("text", [
    "ورفع المتظاهرون شعار “الشعب يريد إسقاط النظام” في الساحة",
    "وسيطرت “هيئة تحرير الشام” على المنطقة",
    "وتمركزت القوات على الحدود مع تركيا",
    "ونقل الجرحى إلى مستشفى الملك عبد العزيز الجامعي",
    "وقع الانفجار في شارع محمد الخامس وسط المدينة",
    "فقال عنهم النبي محمد صلى الله عليه وسلم كلاما",
    "هل ستنسحب القوات أم ستبقى في مواقعها",
    "وأعلنت “وزارة الدفاع” عن حصيلة جديدة",
    "قتل أربعة في هجوم على معبد بلقيس القريب من مدينة مأرب",
])
def test_not_a_person(text):
    assert persons(analyse(text)) == []


def test_quoted_organisation_is_org_not_person():
    doc = analyse("وسيطرت “هيئة تحرير الشام” على المنطقة")
    assert [(e.type, e.text) for e in doc.entities] == [("ORG", "هيئة تحرير الشام")]


def test_person_rule_that_contains_a_dictionary_org_is_dropped():
    doc = analyse("وقاتل عناصر لواء أبو الفضل العباس إلى جانب الجيش السوري")
    assert persons(doc) == []
    assert "لواء أبو الفضل العباس" in [e.text for e in doc.entities if e.type == "ORG"]


def test_kunya_that_is_a_place_stays_a_place():
    doc = analyse("ووصل الوفد إلى أبو ظبي مساء الخميس")
    assert persons(doc) == []
    assert [e.text for e in doc.entities if e.type == "LOC"] == ["أبو ظبي"]


def test_entities_are_sorted_and_spans_index_the_original_text():
    text = ("قُتِلَ ٣ مدنيين أمس في قصـف لقوات الجيش السوري على بلدة كفرنبودة بريف حماة، "
            "وقال الرائد “جميل الصالح” إن عشرات العناصر شاركوا.")
    doc = analyse(text)
    starts = [e.start for e in doc.entities]
    assert starts == sorted(starts)
    assert {e.type for e in doc.entities} >= {"PERSON", "ORG", "LOC", "DATE", "NUM"}
    for e in doc.entities:
        assert doc.text[e.start:e.end] == e.text
    for a, b in zip(doc.entities, doc.entities[1:]):
        assert a.end <= b.start or (a.start, a.end) == (b.start, b.end)


def test_stage_declares_its_contract():
    assert RECOGNIZER.name == "entities"
    assert set(RECOGNIZER.requires) == {"normalized", "tokens", "sentences"}
    assert RECOGNIZER.assigns == ("entities",)


SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "article-ar-factions-meeting.txt"


def test_seed_article_people():
    if not SEED.exists():
        pytest.skip("shared seed article not available")
    doc = analyse(SEED.read_text("utf-8"))
    names = {e.text for e in persons(doc)}
    assert {"جميل الصالح", "أبو عيسى الشيخ", "جابر علي باشا", "حسن صوفان",
            "أبو محمد الجولاني", "أبي محمد الجولاني", "عبد الله المحيسني", "صوفان"} == names


@pytest.mark.parametrize("text, name, rule, role", [
    ("وقال د. أحمد الخطيب إن المستشفى تعرض للقصف", "أحمد الخطيب", "title", None),
    ("وأكدت أم محمد الحلبي أن منزلها دمر", "أم محمد الحلبي", "kunya", None),
    ("التقى ولي العهد الأمير محمد بن سلمان بالرئيس", "محمد بن سلمان", "title", "emir"),
    ("وظهر زعيم تنظيم داعش أبو بكر البغدادي في تسجيل مصور", "أبو بكر البغدادي", "title", "leader"),
    ("وقال المتحدث باسم الجيش الوطني يوسف حمود إن الفصائل تقدمت", "يوسف حمود", "title", "spokesman"),
    ("وأعلن العميد سهيل الحسن السيطرة على البلدة", "سهيل الحسن", "title", "officer"),
    ("وأشار الشيخ عبد الرزاق المهدي إلى أن الهدنة انهارت", "عبد الرزاق المهدي", "title", "cleric"),
    ("وقال مدير المرصد السوري لحقوق الإنسان رامي عبد الرحمن إن", "رامي عبد الرحمن", "title", "director"),
    ("وصرح عبد الباسط الساروت لوسائل الإعلام", "عبد الباسط الساروت", "name", None),
    ("وأفاد خالد المحمد أن الطيران قصف البلدة", "خالد المحمد", "speech", None),
    ("وتعرض منزل خالد المحمد للقصف", "خالد المحمد", "name", None),
    ("وقال الوزير محمد أبو زيد إن الحكومة مستمرة", "محمد أبو زيد", "title", "minister"),
    ("وأوضح أمين المنطقة المهندس عادل الملحم أن المشروع اكتمل", "عادل الملحم", "title", "head"),
])
def test_person_forms(text, name, rule, role):
    p = person(analyse(text), name)
    assert p.attrs["rule"] == rule
    assert p.attrs.get("role") == role


@pytest.mark.parametrize("text", [
    "أصيب اللواء 47 بخسائر فادحة",
    "وقال قائد الشرطة في المدينة إن الوضع هادئ",
    "وقصفت الطائرات بلدة أبو الظهور",
    "وانضم عناصر كتيبة أبو بكر الصديق إلى الهجوم",
    "وأقيمت الصلاة في جامع عمر بن الخطاب",
    "وقال أمين المال إن الميزانية تكفي",
])
def test_titles_and_particles_without_a_person(text):
    assert persons(analyse(text)) == []


def test_a_name_does_not_run_over_a_line_break():
    doc = analyse("واستقبل الملك عبدالله\nالابن الأكبر للرئيس")
    assert [e.text for e in persons(doc)] == ["عبدالله"]


def test_seed_article_with_the_real_dictionaries():
    if not SEED.exists():
        pytest.skip("shared seed article not available")
    doc = EntityRecognizer(OPTIONS)(TextAnalyzer(OPTIONS)(Document(SEED.read_text("utf-8"))))
    names = {e.text for e in persons(doc)}
    assert {"جميل الصالح", "أبو عيسى الشيخ", "جابر علي باشا", "حسن صوفان",
            "أبو محمد الجولاني", "عبد الله المحيسني"} <= names
    assert not names & {"النبي محمد", "الأشعريون", "الأشعريين", "محمد"}
    orgs = {e.text for e in doc.entities if e.type == "ORG"}
    assert "هيئة تحرير الشام" in orgs and "هيئة تحرير الشام" not in names


def test_verbal_noun_after_a_title_is_no_surname():
    doc = analyse("التقى وزير الإسكان ماجد الحقيل بالوفد. وقال الحقيل إن وزارة الإسكان ستبني المساكن.")
    assert [e.text for e in persons(doc)] == ["ماجد الحقيل", "الحقيل"]


def test_surname_reference_follows_a_longer_dictionary_person():
    finder = _finder(FAKE_ACTORS + [("الرائد جميل الصالح", "PERSON", "person-saleh")])
    recognizer = EntityRecognizer(OPTIONS, actor_finder=finder, place_finder=lambda doc: [])
    doc = recognizer(TextAnalyzer(OPTIONS)(Document("وقال الرائد جميل الصالح إن المعركة مستمرة. وأضاف الصالح أن القوات تقدمت.")))
    full, ref = persons(doc)
    assert full.text == "الرائد جميل الصالح" and full.id == "person-saleh"
    assert full.attrs["title"] == "الرائد"  # the rule's attributes survive
    assert ref.text == "الصالح" and ref.attrs["same_as"] == (full.start, full.end)
