"""Overlap resolution between dictionary and rule entities."""
from __future__ import annotations

from rasd.doc import Entity
from rasd.entities import merge_entities

TEXT = "قال أبو محمد الجولاني إن روسيا تقصف حماة"


def ent(kind: str, text: str, **kw) -> Entity:
    start = TEXT.index(text)
    return Entity(kind, start, start + len(text), text, **kw)


def test_same_span_dictionary_org_and_place_are_both_kept():
    org = ent("ORG", "روسيا", id="rus", attrs={"kind": "state"})
    loc = ent("LOC", "روسيا", id="geo-rus")
    merged = merge_entities([org, loc], [])
    assert {(e.type, e.id) for e in merged} == {("ORG", "rus"), ("LOC", "geo-rus")}


def test_rule_person_around_a_dictionary_person_takes_its_identity():
    known = ent("PERSON", "الجولاني", id="person-julani", canonical="Abu Mohammad al-Julani",
                country="SYR", sector="REB", attrs={"kind": "person"})
    rule = ent("PERSON", "أبو محمد الجولاني", attrs={"rule": "kunya", "kunya": True})
    [merged] = merge_entities([known], [rule])
    assert merged.text == "أبو محمد الجولاني"
    assert (merged.id, merged.canonical, merged.country, merged.sector) == (
        "person-julani", "Abu Mohammad al-Julani", "SYR", "REB")
    assert merged.attrs["rule"] == "kunya"


def test_longer_span_wins_and_dictionary_wins_a_tie():
    date = ent("DATE", "حماة")  # an invented clash on the same span
    loc = ent("LOC", "حماة", id="hama")
    num = ent("NUM", "محمد")
    person = ent("PERSON", "أبو محمد الجولاني", attrs={"rule": "kunya"})
    merged = merge_entities([loc], [date, num, person])
    assert [(e.type, e.text) for e in merged] == [("PERSON", "أبو محمد الجولاني"), ("LOC", "حماة")]


def test_rule_person_containing_a_dictionary_org_is_dropped():
    org = ent("ORG", "محمد الجولاني", id="x", attrs={"kind": "org"})
    person = ent("PERSON", "أبو محمد الجولاني", attrs={"rule": "kunya"})
    assert [e.type for e in merge_entities([org], [person])] == ["ORG"]


def test_output_is_sorted_by_start():
    a = ent("LOC", "حماة")
    b = ent("ORG", "روسيا", attrs={"kind": "state"})
    c = ent("PERSON", "أبو محمد الجولاني")
    assert [e.start for e in merge_entities([a, b], [c])] == sorted(e.start for e in (a, b, c))


def test_longer_dictionary_person_keeps_the_rule_attributes():
    known = ent("PERSON", "أبو محمد الجولاني", id="person-julani", attrs={"kind": "person"})
    rule = ent("PERSON", "محمد الجولاني", attrs={"rule": "title", "role": "commander"})
    [merged] = merge_entities([known], [rule])
    assert merged.id == "person-julani"
    assert merged.attrs["role"] == "commander" and merged.attrs["kind"] == "person"
