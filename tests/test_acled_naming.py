"""ACLED actor naming by event type comes from ``codebook.json``: the package's keys give
ACLED's names, a user's changed codebook changes the export, and a malformed key is an
error that names it."""
from __future__ import annotations

import copy
import csv
import io
import re
from importlib.resources import files

import pytest

from rasd.errors import DataFileError
from rasd.store import export
from rasd.store.acled_naming import GenericActor, naming_rules
from rasd.store.export import AcledActor, acled_actor, armed_first, civilian_targeting, codebook, export_events

SECTORS = frozenset(export._actor_rules())
WORKERS = {"name": "Workers and unions", "id": "labour", "country": "IRQ", "sector": "LAB"}
POLICE = {"name": "Iraq Police", "id": "police@irq", "country": "IRQ", "sector": "COP"}
PARTY = {"name": "A party", "country": "IRQ", "sector": "PTY"}


def extended(**changes) -> dict:
    """The package's codebook with some keys replaced, as a user would edit a copy."""
    table = copy.deepcopy(codebook())
    table.update(changes)
    return table


@pytest.fixture
def use_codebook(monkeypatch):
    """Export with a user's codebook table instead of the package's."""
    def install(table: dict) -> None:
        rules = naming_rules(table, SECTORS)
        monkeypatch.setattr(export, "_naming", lambda: rules)
    return install


# --- the package's codebook ---------------------------------------------------------------

def test_package_codebook_gives_acleds_generic_actors():
    rules = export._naming()
    assert rules.crowd_actor1 == {"Protests": GenericActor("Protesters", 6), "Riots": GenericActor("Rioters", 5)}
    assert rules.victim_actor2 == {"Violence against civilians": GenericActor("Civilians", 7)}
    assert rules.unidentified.of("Iraq") == "Unidentified Armed Group (Iraq)"
    assert rules.violent_sector_as == {"GOV": "MIL", "JUD": "MIL", "LEG": "MIL"}
    assert (rules.state_inter, rules.foreign_state_inter) == (1, 8)
    assert rules.generic_names == {"protesters", "rioters", "civilians", "unidentified armed group"}


def test_every_codebook_key_is_documented_in_the_readme():
    readme = files("rasd.data").joinpath("export/README.md").read_text("utf-8")
    for key in codebook():
        if not key.startswith("_"):
            assert f"`{key}`" in readme, key


# --- a user's codebook changes the result -------------------------------------------------

def test_a_crowd_by_event_type_comes_from_the_codebook(use_codebook):
    assert acled_actor(WORKERS, 1, "Riots", "IRQ", "2019-10-05").name == "Rioters (Iraq)"
    riots_without_crowd = {k: v for k, v in codebook()["acled_crowd_actor1_by_event_type"].items() if k != "Riots"}
    use_codebook(extended(acled_crowd_actor1_by_event_type=riots_without_crowd))
    got = acled_actor(WORKERS, 1, "Riots", "IRQ", "2019-10-05")
    assert (got.name, got.inter) == ("Civilians (Iraq)", 7)        # the sector's own template
    assert acled_actor(WORKERS, 1, "Protests", "IRQ", "2019-10-05").name == "Protesters (Iraq)"


def test_sectors_acting_as_the_military_come_from_the_codebook(use_codebook):
    assert acled_actor(POLICE, 1, "Battles", "IRQ", "2019-10-05").name.startswith("Police Forces of Iraq")
    use_codebook(extended(acled_violent_sector_as={"GOV": "MIL", "COP": "MIL"}))
    assert acled_actor(POLICE, 1, "Battles", "IRQ", "2019-10-05").name.startswith("Military Forces of Iraq")
    assert acled_actor(POLICE, 1, "Strategic developments", "IRQ", "2019-10-05").name.startswith("Police Forces")
    judiciary = {"name": "Iraq Judiciary", "country": "IRQ", "sector": "JUD"}
    assert acled_actor(judiciary, 1, "Battles", "IRQ", "2019-10-05").name.startswith("Government of Iraq")


def test_unarmed_sides_and_unknown_actors_come_from_the_codebook(use_codebook):
    assert acled_actor(PARTY, 1, "Explosions/Remote violence", "IRQ", None).name == "Civilians (Iraq)"
    assert acled_actor(None, 1, "Strategic developments", "IRQ", None).name == "Unidentified Armed Group (Iraq)"
    use_codebook(extended(acled_unarmed_unidentified_event_types=["Battles", "Explosions/Remote violence"],
                          acled_unknown_actor1_event_types=["Battles"]))
    got = acled_actor(PARTY, 1, "Explosions/Remote violence", "IRQ", None)
    assert (got.name, got.inter, got.assoc) == ("Unidentified Armed Group (Iraq)", 3, ["A party (Iraq)"])
    assert acled_actor(None, 1, "Strategic developments", "IRQ", None) is None


def test_which_actor_1_is_a_target_comes_from_the_codebook(use_codebook):
    rioters, police = AcledActor("Rioters (Iraq)", 5), AcledActor("Police Forces of Iraq (2022-)", 1)
    assert armed_first(rioters, police, "Battles", "IRQ") == (rioters, police)
    use_codebook(extended(acled_target_inter_codes=[5, 6, 7]))
    assert armed_first(rioters, police, "Battles", "IRQ") == (police, rioters)


def test_civilian_targeting_follows_a_users_codebook_in_the_export(store, make_record, use_codebook):
    text = "قصفت طائرات مسيرة سوقا شعبيا في مدينة الموصل صباح اليوم ما أسفر عن مقتل أربعة مدنيين."
    strike = {"plover": {"type": "ASSAULT", "mode": "drone"},
              "acled": {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"},
              "actor2": {"name": "Civilians", "id": "civilians", "country": "IRQ", "sector": "CVL"},
              "location": {"name": "Mosul", "admin1": "Ninewa", "country": "IRQ", "lat": 36.335, "lon": 43.1189,
                           "precision": "city"},
              "date": {"value": "2017-03-02", "precision": "day", "mention": "صباح اليوم"}, "fatalities": 4,
              "trigger": "قصفت", "sentence": text}
    store.add_record(make_record("mosul-1", text, [strike], published="2017-03-02", source="aawsat"))

    def row() -> dict:
        buf = io.StringIO()
        export_events(store, "acled-csv", buf)
        [only] = csv.DictReader(io.StringIO(buf.getvalue()))
        return only

    first = row()
    assert (first["actor1"], first["actor2"], first["interaction"]) == \
        ("Unidentified Armed Group (Iraq)", "Civilians (Iraq)", "37")
    assert first["civilian_targeting"] == "Civilian targeting"
    use_codebook(extended(acled_civilian_targeting_by_actor2_inter={}))
    assert row()["civilian_targeting"] == ""
    assert civilian_targeting("Violence against civilians", "Attack", 0) == "Civilian targeting"


# --- a malformed key is an error that names it --------------------------------------------

@pytest.mark.parametrize("key, value, where", [
    ("acled_crowd_actor1_by_event_type", {"Riots": {"name": "Rioters", "inter": "5"}},
     "acled_crowd_actor1_by_event_type.Riots.inter"),
    ("acled_crowd_actor1_by_event_type", {"Riot": {"name": "Rioters", "inter": 5}},
     "acled_crowd_actor1_by_event_type"),
    ("acled_victim_actor2_by_event_type", {"Violence against civilians": {"inter": 7}},
     "acled_victim_actor2_by_event_type.Violence against civilians"),
    ("acled_unidentified_actor", None, "acled_unidentified_actor"),
    ("acled_unknown_actor1_event_types", "Battles", "acled_unknown_actor1_event_types"),
    ("acled_target_inter_codes", [6, 9], "acled_target_inter_codes"),
    ("acled_unarmed_inter_codes", [5, True], "acled_unarmed_inter_codes"),
    ("acled_violent_sector_as", {"GOV": "ARMY"}, "acled_violent_sector_as.GOV"),
    ("acled_state_forces_inter", {"home": 1}, "acled_state_forces_inter.foreign"),
    ("acled_civilian_targeting_by_actor2_inter", {"Explosions/Remote violence": 7},
     "acled_civilian_targeting_by_actor2_inter.Explosions/Remote violence"),
    ("acled_civilian_targeting_sub_event_types", ["Excessive force"], "acled_civilian_targeting_sub_event_types"),
])
def test_a_malformed_key_is_an_error_naming_it(key, value, where):
    table = extended(**{key: value})
    if value is None:
        del table[key]
    with pytest.raises(DataFileError) as info:
        naming_rules(table, SECTORS)
    assert info.value.where == f"export/codebook.json:{where}"
    assert info.value.code == "E201"
    assert re.match(re.escape(f"export/codebook.json:{where}: "), str(info.value))
