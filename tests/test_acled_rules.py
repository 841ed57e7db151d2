"""The ACLED coding rules of ``ontology.json`` (``acled_rules``), one test per rule: on
sentences through the whole pipeline, and on the functions of ``rasd.events.acled``."""
import pytest

from rasd.actors import sectors
from rasd.doc import ActorRef, Event
from rasd.events.acled import codes_doer_as_military, fold_absorbed, refined_coding, worst_coding
from rasd.events.ontology import ontology
from rasd.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipe():
    return Pipeline()


def events_of(pipe, text, plover, published="2019-10-05"):
    return [e for e in pipe.run(text, published=published).events
            if e.plover_type == plover and not (e.negated or e.hypothetical or e.historical)]


def codings(events):
    return [(e.acled_event_type, e.acled_sub_event_type) for e in events]


# -- the data itself ---------------------------------------------------------------------

def test_every_rule_names_codebook_types_and_known_sectors():
    onto = ontology()
    known_sectors = {s for name in ("state", "armed", "victim", "protester", "criminal")
                     for s in sectors.sector_class(name)}
    for plover, rules in onto.acled_rules.items():
        assert plover in onto.types
        subs = [s for subs in onto.acled.values() for s in subs]
        assert set(rules.get("worst_of", ())) <= set(subs)
        assert set(rules.get("military_doer", ())) <= set(onto.acled)
        for rule in rules.get("refine", []) + ([rules["absorbs"]] if "absorbs" in rules else []):
            event_type, sub = rule["to"]
            assert sub in onto.acled[event_type], rule
            for side in (rule.get("actor1"), rule.get("actor2"), rule.get("doer")):
                if isinstance(side, list):
                    assert all(sectors.sector_class(n) or n in known_sectors for n in side), side


# -- worst_of ------------------------------------------------------------------------------

def test_a_protest_met_with_tear_gas_is_a_protest_with_intervention(pipe):
    protest = events_of(pipe, "تظاهر مئات الطلاب أمام مبنى البرلمان في بغداد وسط إطلاق الغاز المسيل للدموع.",
                        "PROTEST")
    assert codings(protest) == [("Protests", "Protest with intervention")]


def test_a_protest_where_tyres_were_burnt_is_a_violent_demonstration(pipe):
    protest = events_of(pipe, "تظاهر المئات في مدينة البصرة وأحرقوا الإطارات احتجاجا على انقطاع الكهرباء.",
                        "PROTEST")
    assert codings(protest) == [("Riots", "Violent demonstration")]


def test_the_worst_of_an_events_words_wins_and_a_milder_one_does_not():
    peaceful, gas = ("Protests", "Peaceful protest"), ("Protests", "Protest with intervention")
    assert worst_coding("PROTEST", [peaceful, gas], peaceful) == gas
    assert worst_coding("PROTEST", [gas, peaceful], gas) == gas
    # a type with no order keeps its trigger's coding
    assert worst_coding("ASSAULT", [("Battles", "Armed clash")], ("Violence against civilians", "Attack")) \
        == ("Violence against civilians", "Attack")


# -- refine: territory -------------------------------------------------------------------------

def test_state_forces_taking_a_town_regain_territory(pipe):
    taken = events_of(pipe, "استعادت قوات الجيش السوري السيطرة على بلدة كفرنبودة في ريف حماة الشمالي.",
                      "ASSAULT")
    assert codings(taken) == [("Battles", "Government regains territory")]


def test_rebels_taking_a_town_overtake_territory(pipe):
    taken = events_of(pipe, "استعاد مقاتلو المعارضة السيطرة على بلدة كفرنبودة في ريف حماة الشمالي.",
                      "ASSAULT")
    assert codings(taken) == [("Battles", "Non-state actor overtakes territory")]


def test_territory_follows_the_doer_not_the_word():
    regains = ("Battles", "Government regains territory")
    rebels = ActorRef("Rebel factions", sector="REB")
    assert refined_coding("ASSAULT", regains, rebels, None) == ("Battles", "Non-state actor overtakes territory")
    assert refined_coding("ASSAULT", regains, None, None) == regains  # nobody named: the word's coding


# -- refine: armed sides, civilian target ----------------------------------------------------

def test_an_attack_by_one_armed_side_on_another_is_a_battle(pipe):
    attack = events_of(pipe, "هاجم مسلحو تنظيم داعش مواقع للجيش العراقي قرب مدينة تكريت.", "ASSAULT")
    assert codings(attack) == [("Battles", "Armed clash")]


def test_an_attack_on_civilians_is_violence_against_civilians(pipe):
    attack = events_of(pipe, "هاجم مسلحون مجهولون مدنيين في قرية قرب مدينة بعقوبة.", "ASSAULT")
    assert codings(attack) == [("Violence against civilians", "Attack")]


def test_civilians_attacked_keep_a_sub_event_of_violence_against_civilians():
    civilians, gunmen = ActorRef("Civilians", sector="CVL"), ActorRef("Gunmen", sector="UAF")
    assert refined_coding("ASSAULT", ("Battles", "Armed clash"), gunmen, civilians) \
        == ("Violence against civilians", "Attack")
    assert refined_coding("ASSAULT", (None, "Sexual violence"), gunmen, civilians) \
        == ("Violence against civilians", "Sexual violence")
    # a specific sub-event (an air strike) is not one the rules change
    strike = ("Explosions/Remote violence", "Air/drone strike")
    assert refined_coding("ASSAULT", strike, gunmen, civilians) == strike


# -- military_doer -----------------------------------------------------------------------------

def test_a_government_shelling_is_coded_to_its_military(pipe):
    shelling = events_of(pipe, "قصفت الحكومة السورية أحياء في مدينة حلب.", "ASSAULT")
    assert [e.actor1.sector for e in shelling] == ["MIL"]


def test_a_government_arresting_stays_the_government(pipe):
    arrest = events_of(pipe, "اعتقلت الحكومة السورية عشرات الناشطين في مدينة حمص.", "COERCE")
    assert [e.actor1.sector for e in arrest] == ["GOV"]
    assert not codes_doer_as_military("COERCE", "Strategic developments")
    assert codes_doer_as_military("ASSAULT", "Battles")


# -- absorbs -----------------------------------------------------------------------------------

def test_security_forces_firing_on_protesters_is_the_protest(pipe):
    doc = pipe.run("أطلقت قوات الأمن النار على محتجين في ساحة التحرير وسط بغداد، ما أدى إلى مقتل متظاهرين اثنين.",
                   published="2019-10-05")
    real = [e for e in doc.events if not (e.negated or e.hypothetical or e.historical)]
    assert [e.plover_type for e in real] == ["PROTEST"]
    assert codings(real) == [("Protests", "Excessive force against protesters")]
    assert real[0].actor2.sector == "COP"


def _event(plover, sub, actor1=None, actor2=None, fatalities=None):
    return Event(id="e", plover_type=plover, plover_mode=None, acled_event_type=None, acled_sub_event_type=sub,
                 cameo=None, trigger="", trigger_span=(0, 1), sentence="", span=(0, 10),
                 actor1=actor1, actor2=actor2, fatalities=fatalities)


def test_an_attack_on_nobody_named_is_absorbed_only_by_a_forceful_protest():
    police = ActorRef("Police", sector="COP", id="police")
    calm = _event("PROTEST", "Peaceful protest")
    assert len(fold_absorbed([calm, _event("ASSAULT", None, actor1=police, fatalities=2)])) == 2
    gassed = _event("PROTEST", "Protest with intervention")
    kept = fold_absorbed([gassed, _event("ASSAULT", None, actor1=police, fatalities=2)])
    assert kept == [gassed]
    assert (gassed.acled_sub_event_type, gassed.actor2, gassed.fatalities) == \
        ("Excessive force against protesters", police, 2)


# -- types: announced ----------------------------------------------------------------------------

def test_a_ministry_announcing_arrests_is_their_doer(pipe):
    arrest = events_of(pipe, "أعلنت وزارة الداخلية العراقية اعتقال خمسة مطلوبين في بغداد.", "COERCE")
    assert [(e.actor1.sector, e.actor1.country) for e in arrest] == [("GOV", "IRQ")]
    assert ontology().announced("COERCE") and ontology().announced("ASSAULT")


def test_a_ministry_reporting_a_protest_is_not_its_doer(pipe):
    protest = events_of(pipe, "أعلنت وزارة الداخلية العراقية تظاهر مئات الطلاب في بغداد.", "PROTEST")
    assert protest and all(e.actor1 is None or e.actor1.sector != "GOV" for e in protest)
    assert not ontology().announced("PROTEST")
