"""Roles that follow from a type's behaviour in ``ontology.json`` (``crowd``, ``kinetic``)
and the sector classes of ``rasd/data/sectors.tsv`` they use (``civic``, ``authority``)."""
import pytest

from rasd.actors import sectors
from rasd.events.ontology import ontology
from rasd.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipe():
    return Pipeline()


def first(pipe, text, plover):
    return next(e for e in pipe.run(text, published="2019-10-05").events if e.plover_type == plover)


def test_only_a_protest_is_a_crowds_act():
    assert [name for name in ontology().types if ontology().crowd(name)] == ["PROTEST"]


def test_civic_sectors_lead_protests_and_authorities_are_addressed():
    assert {"CVL", "LAB", "PTY"} <= sectors.sector_class("civic")
    assert {"GOV", "LEG", "COP"} <= sectors.sector_class("authority")
    assert "UAF" not in sectors.sector_class("civic") | sectors.sector_class("authority")


def test_a_party_holding_a_sit_in_before_parliament_leads_it(pipe):
    protest = first(pipe, "نظم أنصار حزب الوفد وقفة احتجاجية أمام مقر مجلس النواب في القاهرة.", "PROTEST")
    assert (protest.actor1.sector, protest.actor2.sector) == ("PTY", "LEG")


def test_a_protest_addresses_an_authority_named_later_in_the_sentence(pipe):
    protest = first(pipe, "احتج عشرات العمال على تأخر رواتبهم، وطالبوا الحكومة المصرية بالتدخل.", "PROTEST")
    assert (protest.actor1.sector, protest.actor2.sector, protest.actor2.country) == ("LAB", "GOV", "EGY")


def test_civilians_killed_in_shelling_are_its_target(pipe):
    shelling = first(pipe, "قتل ثلاثة مدنيين في قصف مدفعي على بلدة كفرنبودة.", "ASSAULT")
    assert shelling.actor2.sector == "CVL" and shelling.fatalities == 3
    assert shelling.actor1 is None or shelling.actor1.sector != "CVL"
