"""The Pipeline object: stages can be listed, swapped, removed and added."""
import pytest

import rasd
from rasd.doc import Document
from rasd.errors import InputError
from rasd.options import Options
from rasd.pipeline import Pipeline, _as_date


class Marker:
    name = "marker"
    requires = ("events",)
    assigns = ("meta",)

    def __call__(self, doc):
        doc.meta["events_seen"] = len(doc.events)
        return doc


def test_default_stage_order():
    assert Pipeline().names == ["text", "entities", "geo", "actors", "dates", "events", "status", "incidents"]


def test_add_replace_remove_stage():
    pipe = Pipeline()
    pipe.add(Marker(), after="incidents")
    doc = pipe.run("قصفت قوات النظام بلدة كفرنبودة أمس", published="2019-05-20")
    assert doc.events and doc.meta["events_seen"] == len(doc.events)

    class NoEvents:
        name = "events"
        requires = ()
        assigns = ("events",)

        def __call__(self, doc):
            doc.events = []
            return doc

    pipe.replace("events", NoEvents())
    assert pipe.run("قصفت قوات النظام بلدة كفرنبودة").events == []
    pipe.remove("marker")
    assert "marker" not in pipe.names
    with pytest.raises(KeyError):
        pipe.get("nope")


def test_options_are_validated_once():
    with pytest.raises(TypeError):
        Options().with_(no_such_option=1)
    assert Options().with_(min_confidence=0.5).min_confidence == 0.5


@pytest.mark.parametrize("value, expected", [("2019-05-20", "2019-05-20"), ("20190520", "2019-05-20"), (None, None)])
def test_published_forms(value, expected):
    got = _as_date(value)
    assert (got.isoformat() if got else None) == expected


def test_bad_published_date_is_an_input_error():
    with pytest.raises(InputError):
        rasd.extract("قصف مدفعي على البلدة", published="20 May")


def test_document_ids_are_stable_content_hashes():
    a, b = Document(text="نص الخبر"), Document(text="نص الخبر")
    assert a.id == b.id and len(a.id) == 16


def test_user_actor_dictionary_is_used(tmp_path):
    header = "id\tname_en\tkind\tcountry\tsector\tparent\tvariants\tvalid_from\tvalid_to\tnote\n"
    extra = tmp_path / "my-actors.tsv"
    extra.write_text(header + "test-brigade\tBrigade of the Dawn Test\torg\tSYR\tREB\t\tلواء فجر الاختبار\t\t\ta test row\n",
                     encoding="utf-8")
    pipe = Pipeline(Options(actor_files=(extra,)))
    doc = pipe.run("قصف لواء فجر الاختبار مواقع قوات النظام في ريف حماة أمس", published="2020-01-10")
    ids = {e.id for e in doc.entities}
    assert "test-brigade" in ids
    assert "test-brigade" not in {e.id for e in Pipeline().run("قصف لواء فجر الاختبار مواقع قوات النظام").entities}
