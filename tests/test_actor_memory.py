"""The document actor memory (rasd.actors.memory) and the references the actors stage
resolves with it. Every sentence here was written for these tests."""
from __future__ import annotations

import json

import pytest

from rasd.actors.memory import (PAIR_ID, ActorMemory, load_descriptions, load_implicit_doers,
                                load_implied_countries)
from rasd.doc import Document, Entity

from test_actors_resolve import resolved  # the same text → mentions → actors-stage run


def at(doc: Document, text: str, nth: int = 0) -> Entity:
    found = [e for e in doc.entities if e.text == text and e.type in ("ORG", "PERSON")]
    assert len(found) > nth, f"no entity {text!r} in {[e.text for e in doc.entities]}"
    return found[nth]


def test_the_data_files_load():
    matcher, rows = load_descriptions()
    assert rows >= 5 and len(matcher) > rows
    assert load_implied_countries()["occupation-forces"][0][1] == "ISR"
    assert {r.doer for r in load_implicit_doers()} == {"unidentified", "protesters", "memory"}


def test_memory_keeps_the_actors_in_text_order_and_serialises():
    doc = resolved("قصف الجيش الإسرائيلي مواقع لحركة حماس في غزة.\nوردت الحركة بإطلاق صواريخ.")
    memory = ActorMemory(doc)
    out = memory.to_dict()
    json.dumps(out, ensure_ascii=False)
    texts = [a["text"] for a in out["actors"]]
    assert texts.index("الجيش الإسرائيلي") < texts.index("الحركة")
    assert [a["sentence"] for a in out["actors"]] == sorted(a["sentence"] for a in out["actors"])


def test_a_movement_is_the_movement_named_before():
    doc = resolved("قصف الجيش الإسرائيلي مواقع لحركة حماس في غزة.\nوردت الحركة بإطلاق صواريخ.")
    ref = at(doc, "الحركة")
    assert (ref.id, ref.country) == ("hamas", "PSE")
    hamas = next(e for e in doc.entities if e.id == "hamas" and e is not ref)
    assert ref.attrs["refers_to"] == [hamas.start, hamas.end]


def test_a_group_prefers_the_one_whose_name_holds_the_noun():
    doc = resolved("هاجم تنظيم داعش مواقع جماعة الحوثي ثم قصف الجيش اليمني المدينة.\n"
                   "وقالت الجماعة إنها صدت الهجوم.")
    assert at(doc, "الجماعة").id == "houthis"


def test_the_resistance_is_only_a_resistance_named_before():
    doc = resolved("وسيطرت المقاومة الشعبية على جبل في تعز.\nوقالت المقاومة إنها صدت هجوما للحوثيين.")
    assert at(doc, "المقاومة").id == "popular-resistance-yemen"
    # after the Houthis alone, the resistance is not the Houthis
    doc = resolved("وقصف الحوثيون أحياء في تعز.\nوقالت المقاومة إنها صدت الهجوم.")
    assert at(doc, "المقاومة").id != "houthis"


def test_no_antecedent_no_reference():
    doc = resolved("قالت الجماعة في بيان إنها ستواصل القتال.")
    assert all(e.text != "الجماعة" or e.id is None for e in doc.entities)


def test_a_description_inside_a_name_is_left_alone():
    doc = resolved("أعلنت جماعة الحوثي سيطرتها على المدينة.\nوأصدرت الجماعة الإسلامية بيانا.")
    assert not any(e.attrs.get("refers_to") and e.text.startswith("الجماعة الإسلامية") for e in doc.entities)


def test_the_pair_is_the_last_two_distinct_parties():
    doc = resolved("اشتبك الجيش السوداني مع قوات الدعم السريع، وتبادل الطرفان القصف.")
    pair = at(doc, "الطرفان")
    assert pair.id == PAIR_ID and pair.attrs["kind"] == "pair"
    memory = ActorMemory(doc)
    first, second = (memory.at(s, e) for s, e in pair.attrs["refers_to"])
    assert (first.text, second.text) == ("الجيش السوداني", "قوات الدعم السريع")


def test_a_pronoun_suffix_reaches_the_sentence_before():
    doc = resolved("أعلنت وزارة الدفاع التركية بدء العملية.\nوقصفت مقاتلاتها مواقع في شمال العراق.")
    assert (at(doc, "مقاتلاتها").country, at(doc, "مقاتلاتها").sector) == ("TUR", "MIL")


def test_a_bare_noun_repeats_the_actor_named_with_its_country():
    doc = resolved("توغل الجيش الإسرائيلي في بلدة بيت حانون.\nوقال الجيش إنه اعتقل عشرة أشخاص.",
                   places={"بيت حانون": "PSE"})
    assert at(doc, "الجيش").country == "ISR"


def test_implied_country_follows_the_article():
    doc = resolved("اقتحمت قوات الاحتلال مخيم جنين.", places={"جنين": "PSE"})
    assert at(doc, "قوات الاحتلال").country == "ISR"
    doc = resolved("قصفت طائرات التحالف مواقع في صعدة.", places={"صعدة": "YEM"})
    assert at(doc, "طائرات التحالف").country == "SAU"
    doc = resolved("قصفت طائرات التحالف مواقع في الرقة.", places={"الرقة": "SYR"})
    assert at(doc, "طائرات التحالف").country == "USA"


def test_fire_from_a_countrys_soil_is_an_unidentified_group_of_it():
    doc = resolved("سقطت قذائف على قرية حدودية من داخل الأراضي اليمنية.")
    found = [e for e in doc.entities if e.sector == "UAF"]
    assert found and found[0].country == "YEM" and found[0].attrs.get("instrument")
    # a demonym after الأراضي without من names no attacker
    doc = resolved("زار الوفد الأراضي اليمنية.")
    assert not any(e.sector == "UAF" for e in doc.entities)


def test_a_masculine_air_adjective_names_a_military():
    doc = resolved("قتل ثلاثة مدنيين في قصف جوي روسي على إدلب.")
    rus = [e for e in doc.entities if e.country == "RUS"]
    assert rus and rus[0].sector == "MIL" and rus[0].attrs.get("instrument")


@pytest.mark.parametrize("bad,column", [("maybe", "pair")])
def test_descriptions_file_errors_name_the_column(tmp_path, monkeypatch, bad, column):
    from rasd import datafiles
    from rasd.actors import memory
    from rasd.errors import DataFileError
    path = tmp_path / "d.tsv"
    path.write_text("pattern\tclass\tsectors\tname_word\tpair\tnote\nالجماعة\tgroup\tREB\t\t%s\t\n" % bad,
                    encoding="utf-8")
    real = datafiles.read_tsv
    monkeypatch.setattr(memory, "read_tsv", lambda rel, req: real(path, req))
    load_descriptions.cache_clear()
    try:
        with pytest.raises(DataFileError) as err:
            load_descriptions()
        assert column in str(err.value)
    finally:
        monkeypatch.undo()
        load_descriptions.cache_clear()


def test_a_bare_air_force_is_the_air_force_of_its_family_named_before():
    doc = resolved("شنت طائرات التحالف العربي غارات على مواقع في صعدة.\nواستهدف الطيران مخازن أسلحة.",
                   places={"صعدة": "YEM"})
    assert at(doc, "الطيران").country == "SAU"
    # without a named air force the noun keeps no country of its own
    doc = resolved("واستهدف الطيران مخازن أسلحة في صعدة.", places={"صعدة": "YEM"})
    assert at(doc, "الطيران").country is None


def test_a_mediator_is_not_one_of_the_two_sides():
    doc = resolved("التقى وفد الحكومة اليمنية وفد جماعة الحوثي برعاية الأمم المتحدة، واتفق الطرفان على هدنة.")
    pair = at(doc, "الطرفان")
    memory = ActorMemory(doc)
    sides = [memory.at(s, e) for s, e in pair.attrs["refers_to"]]
    assert [s.sector for s in sides] != [] and all(s.sector != "IGO" for s in sides)
    assert sides[1].id == "houthis"


def test_protesters_from_a_party_take_its_identity():
    doc = resolved("وحاصر متظاهرون من أنصار حزب الله مطار بيروت.")
    crowd = next(e for e in doc.entities if e.text.startswith("متظاهرون"))
    assert (crowd.id, crowd.country, crowd.sector) == ("hezbollah", "LBN", "PTY")


def test_the_afghan_taliban_are_afghan():
    doc = resolved("قتلت القوات الباكستانية ثلاثة متشددين موالين لحركة طالبان الأفغانية.")
    assert any(e.id == "taliban-afghan" and e.country == "AFG" for e in doc.entities)


def test_a_victims_pronoun_does_not_reach_back_to_an_army():
    doc = resolved("توغل الجيش الإسرائيلي في البلدة.\nوقال إن سكانها غادروا منازلهم.")
    assert at(doc, "سكانها").country is None


def test_the_first_words_of_a_name_stand_for_the_organisation_named_in_full():
    doc = resolved("قصفت الطائرات التركية مواقع حزب العمال الكردستاني في جبال قنديل.\n"
                   "وقال مسؤول إن حزب العمال سحب مقاتليه من القرية.")
    short = at(doc, "حزب العمال")
    assert short.id == "pkk" and short.attrs["refers_to"] == [at(doc, "حزب العمال الكردستاني").start,
                                                               at(doc, "حزب العمال الكردستاني").end]


def test_a_short_form_needs_the_full_name_first_and_an_unclaimed_span():
    doc = resolved("وقال حزب العمال إن الانتخابات ستجري في موعدها.\nوانتقد حزب العمال الكردستاني القرار.")
    assert [e.id for e in doc.entities if e.text == "حزب العمال"] != ["pkk"]
    doc = resolved("أعلنت وزارة الخارجية الأميركية العقوبات.\nوقالت وزارة الخارجية المصرية إنها تدرس القرار.")
    assert at(doc, "وزارة الخارجية المصرية").country == "EGY"
