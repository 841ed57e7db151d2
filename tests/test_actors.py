"""The actor dictionary: loading, bad lines, user files, dictionary matching."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from rasd.actors import ActorEntry, find_actor_mentions, load_actors
from rasd.actors.dictionary import COLUMNS, read_actor_file
from rasd.doc import Document
from rasd.errors import DataFileError
from rasd.options import Options
from rasd.pipeline import Pipeline
from rasd.text import TextAnalyzer

HEADER = "\t".join(COLUMNS)


def analysed(text: str, published: date | None = None) -> Document:
    doc = Document(text=text, published=published)
    return TextAnalyzer(Options())(doc)


def mentions(text: str, published: date | None = None):
    return find_actor_mentions(analysed(text, published))


def by_text(entities, text):
    found = [e for e in entities if e.text == text]
    assert found, f"no entity {text!r} in {[e.text for e in entities]}"
    return found[0]


# -- loading ------------------------------------------------------------------

def test_bundled_dictionary_loads_with_breadth():
    d = load_actors()
    assert len(d) > 400
    kinds = {e.kind for e in d}
    assert kinds == {"org", "state", "generic", "person", "demonym", "title"}
    hts = d.get("hts")
    assert isinstance(hts, ActorEntry)
    assert (hts.country, hts.sector, hts.kind) == ("SYR", "REB", "org")
    assert "هيئة تحرير الشام" in hts.variants
    assert d.get("no-such-actor") is None


def test_every_arab_league_state_and_neighbours_are_states():
    d = load_actors()
    wanted = ["DZA", "BHR", "COM", "DJI", "EGY", "IRQ", "JOR", "KWT", "LBN", "LBY", "MRT", "MAR",
              "OMN", "PSE", "QAT", "SAU", "SOM", "SDN", "SYR", "TUN", "ARE", "YEM",
              "IRN", "TUR", "ISR", "USA", "RUS", "FRA", "GBR", "CHN", "PAK", "AFG", "ETH"]
    for iso in wanted:
        state = d.state(iso)
        assert state is not None and state.sector == "GOV", iso
        assert any(e.kind == "demonym" for e in d.by_country(iso)), iso


def test_by_country_lists_the_countrys_actors():
    ids = {e.id for e in load_actors().by_country("SYR")}
    assert {"syr", "syr-regime-forces", "hts", "ahrar-al-sham", "syr-demonym"} <= ids


def test_load_is_cached():
    assert load_actors() is load_actors()


def test_context_file_is_valid_json_with_sectors():
    from importlib.resources import files
    raw = json.loads(files("rasd.data").joinpath("actors/context.json").read_text("utf-8"))
    assert "MIL" in raw["sectors"] and "IMG" in raw["pseudo_countries"]


# -- bad lines ----------------------------------------------------------------

GOOD = "x-army\tX army\torg\tIRQ\tMIL\t\tجيش إكس\t\t\t"


@pytest.mark.parametrize("line, column", [
    ("bad id!\tX\torg\tIRQ\tMIL\t\tجيش إكس\t\t\t", "id"),
    ("x-army\t\torg\tIRQ\tMIL\t\tجيش إكس\t\t\t", "name_en"),
    ("x-army\tX army\tarmy\tIRQ\tMIL\t\tجيش إكس\t\t\t", "kind"),
    ("x-army\tX army\torg\tIraq\tMIL\t\tجيش إكس\t\t\t", "country"),
    ("x-army\tX army\torg\tIRQ\tSOLDIERS\t\tجيش إكس\t\t\t", "sector"),
    ("x-army\tX army\torg\tIRQ\tMIL\t\t\t\t\t", "variants"),
    ("x-army\tX army\torg\tIRQ\tMIL\t\t*|\t\t\t", "variants"),
    ("x-army\tX army\torg\tIRQ\tMIL\t\tجيش إكس\t2019-13-01\t\t", "valid_from"),
    ("x-army\tX army\torg\tIRQ\tMIL\t\tجيش إكس\t2019-01-01\t2018-01-01\t", "valid_to"),
    ("x-army\tX army\tgeneric\tIRQ\tMIL\t\tجيش إكس\t\t\t", "country"),
    ("x-army\tX army\tdemonym\t\t\t\tإكسي\t\t\t", "country"),
    ("x-army\tX army\torg\tIRQ\tMIL\tNot An Id\tجيش إكس\t\t\t", "parent"),
])
def test_bad_line_names_file_line_and_column(tmp_path: Path, line: str, column: str):
    path = tmp_path / "mine.tsv"
    path.write_text(f"# my actors\n{HEADER}\n{GOOD.replace('x-army', 'x-ok')}\n{line}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        read_actor_file(path)
    assert info.value.where == f"{path}:4:{column}"
    assert info.value.code == "E201"


def test_wrong_number_of_columns(tmp_path: Path):
    path = tmp_path / "short.tsv"
    path.write_text(f"{HEADER}\nx-army\tX army\torg\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        read_actor_file(path)
    assert info.value.where == f"{path}:2"
    assert "columns" in str(info.value)


def test_bad_header_and_empty_file(tmp_path: Path):
    path = tmp_path / "noheader.tsv"
    path.write_text(GOOD + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="header"):
        read_actor_file(path)
    empty = tmp_path / "empty.tsv"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="empty"):
        read_actor_file(empty)


def test_duplicate_id_in_one_file(tmp_path: Path):
    path = tmp_path / "dup.tsv"
    path.write_text(f"{HEADER}\n{GOOD}\n{GOOD}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        read_actor_file(path)
    assert info.value.where == f"{path}:3:id"


def test_unknown_parent_is_reported_at_load(tmp_path: Path):
    path = tmp_path / "orphan.tsv"
    path.write_text(f"{HEADER}\nx-man\tX man\tperson\tIRQ\tMIL\tno-such-group\tإكس الرجل\t\t\t\n",
                    encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_actors((path,))
    assert info.value.where == f"{path}:2:parent"


def test_missing_extra_file(tmp_path: Path):
    with pytest.raises(DataFileError, match="not found"):
        load_actors((tmp_path / "absent.tsv",))


def test_user_file_adds_and_overrides(tmp_path: Path):
    path = tmp_path / "local.tsv"
    path.write_text(
        f"{HEADER}\n"
        "liwa-x\tLiwa al-Fajr al-Jadid\torg\tSYR\tREB\t\tلواء الفجر الجديد\t\t\t\n"
        "hts\tHTS (local)\torg\tSYR\tUAF\t\tهيئة تحرير الشام\t\t\t\n", encoding="utf-8")
    d = load_actors((path,))
    assert d.get("hts").sector == "UAF"
    assert load_actors().get("hts").sector == "REB"  # the bundled set is untouched
    doc = analysed("هاجم مقاتلو لواء الفجر الجديد مواقع هيئة تحرير الشام")
    found = find_actor_mentions(doc, d)
    assert by_text(found, "لواء الفجر الجديد").id == "liwa-x"
    assert by_text(found, "هيئة تحرير الشام").sector == "UAF"


# -- matching -----------------------------------------------------------------

def test_clitics_are_matched_and_kept_in_the_span():
    text = "وقالت مصادر إن القصف وجه وللجيش رسالة، ثم اشتبك مسلحون بالشرطة قرب الحاجز."
    found = mentions(text)
    army = by_text(found, "للجيش")
    assert army.id == "army" and army.sector == "MIL"
    assert text[army.start:army.end] == "للجيش" and army.attrs["proclitic"] == "ولل"
    police = by_text(found, "الشرطة")
    assert police.sector == "COP" and police.attrs["proclitic"] == "ب"
    assert by_text(found, "مسلحون").sector == "UAF"


def test_spans_map_back_through_diacritics_and_tatweel():
    text = "أعلنت الشُّـرطة اعتقال ثلاثة مـسـلـحـين"
    found = mentions(text)
    texts = {e.text for e in found}
    assert "الشُّـرطة" in texts and "مـسـلـحـين" in texts


def test_bare_dawla_is_not_isis_but_its_names_are():
    found = mentions("قالت الدولة إنها ستحمي مواطنيها، فيما تبنى تنظيم الدولة الهجوم")
    ids = [e.id for e in found]
    assert ids.count("isis") == 1
    assert by_text(found, "تنظيم الدولة").country == "IMG"
    assert all(e.text != "الدولة" for e in found)
    assert by_text(mentions("هاجم مسلحو داعش قرية"), "داعش").id == "isis"


def test_longest_match_wins_over_common_words():
    found = mentions("دعا مجلس الأمن إلى وقف القتال، واعتقلت قوات الأمن خمسة أشخاص")
    assert by_text(found, "مجلس الأمن").id == "unsc"
    assert by_text(found, "قوات الأمن").id == "security-forces"
    assert by_text(mentions("تقدم الجيش السوري الحر نحو البلدة"), "الجيش السوري الحر").id == "fsa"


def test_ordinary_words_are_not_actors():
    found = mentions("فتح المسلحون النار على القاعدة الجوية خلال العمل العسكري")
    ids = {e.id for e in found}
    assert "fatah" not in ids and "al-qaeda" not in ids
    assert "military-base" in ids
    assert all(e.text != "العسكري" for e in found)
    assert by_text(mentions("أعلن تنظيم القاعدة مسؤوليته"), "تنظيم القاعدة").id == "al-qaeda"


def test_entity_types_and_attrs_are_json_friendly():
    found = mentions("قال الرئيس الأمريكي إن الجيش العراقي وبشار الأسد", date(2015, 3, 1))
    kinds = {e.text: e.attrs["kind"] for e in found}
    assert kinds["الرئيس"] == "title"
    assert kinds["الأمريكي"] == "demonym"
    assert by_text(found, "بشار الأسد").type == "PERSON"
    assert by_text(found, "الجيش").type == "ORG"
    for e in found:
        json.dumps(e.to_dict(), ensure_ascii=False)


def test_person_role_depends_on_publication_date():
    assad_2015 = by_text(mentions("استقبل بشار الأسد وفدا", date(2015, 3, 1)), "بشار الأسد")
    assert (assad_2015.country, assad_2015.sector) == ("SYR", "GOV")
    assert assad_2015.attrs["affiliation"] == "syr" and assad_2015.attrs["role"] == "president"
    assad_2025 = by_text(mentions("استقبل بشار الأسد وفدا", date(2025, 6, 1)), "بشار الأسد")
    assert assad_2025.canonical == "Bashar al-Assad"
    assert assad_2025.sector is None and "affiliation" not in assad_2025.attrs
    undated = by_text(mentions("استقبل بشار الأسد وفدا"), "بشار الأسد")
    assert undated.sector == "GOV"


def test_same_person_in_successive_roles():
    text = "قال أحمد الشرع في كلمة"
    in_2020 = by_text(mentions(text, date(2020, 5, 1)), "أحمد الشرع")
    assert (in_2020.sector, in_2020.attrs["affiliation"]) == ("REB", "hts")
    in_2025 = by_text(mentions(text, date(2025, 3, 1)), "أحمد الشرع")
    assert (in_2025.sector, in_2025.attrs["affiliation"], in_2025.attrs["role"]) == ("GOV", "syr", "president")


def test_a_former_president_allied_with_rebels_is_a_rebel():
    text = "وقالت مصادر إن قوات علي عبدالله صالح قصفت الحي"
    in_2010 = by_text(mentions(text, date(2010, 5, 1)), "علي عبدالله صالح")
    in_2015 = by_text(mentions(text, date(2015, 7, 1)), "علي عبدالله صالح")
    assert (in_2010.sector, in_2015.sector, in_2015.attrs["affiliation"]) == ("GOV", "REB", "houthis")


def test_the_kurdistan_region_government_is_iraqs():
    found = by_text(mentions("ودعت رئاسة إقليم كردستان العراق إلى التهدئة"), "رئاسة إقليم كردستان العراق")
    assert (found.type, found.id, found.country, found.sector) == ("ORG", "irq-krg", "IRQ", "GOV")


def test_names_take_no_article_and_no_verb_prefix():
    found = mentions("بلغ الحماس للسيارات الجديدة حدا كبيرا، وقالت كلية سواس إن السورية ستفتح")
    assert not any(e.id in ("hamas", "spa", "syr") for e in found)
    assert by_text(found, "السورية").attrs["kind"] == "demonym"
    assert by_text(mentions("وأكدت حماس أن الهدنة صامدة"), "حماس").id == "hamas"


def test_teh_marbuta_is_not_a_pronoun_on_titles_and_definite_nouns():
    found = mentions("زار المحافظة وفد يتحمل المسؤولية عن السياحة")
    assert {e.id for e in found} == set()
    assert by_text(mentions("قال محافظ البصرة إن جيشه مستعد"), "جيشه").id == "army"


def test_open_ended_patterns_keep_their_endings():
    found = mentions("وأغلق المتظاهرون الطريق، وفرقت الشرطة المتظاهرين ومتظاهرة")
    assert [e.text for e in found if e.id == "protesters"] == ["المتظاهرون", "المتظاهرين", "متظاهرة"]


def test_mention_finder_uses_the_users_files(tmp_path: Path):
    from rasd.actors import mention_finder
    path = tmp_path / "local.tsv"
    path.write_text(f"{HEADER}\nliwa-x\tLiwa al-Fajr al-Jadid\torg\tSYR\tREB\t\tلواء الفجر الجديد\t\t\t\n",
                    encoding="utf-8")
    finder = mention_finder(Options(actor_files=(path,)))
    found = finder(analysed("هاجم لواء الفجر الجديد الحاجز"))
    assert [e.id for e in found] == ["liwa-x"]
    assert mention_finder(Options())(analysed("هاجم لواء الفجر الجديد الحاجز")) == []


def test_a_delegation_takes_the_country_of_its_demonym():
    doc = Pipeline().run("وقالت المصادر إن الوفد الإيراني التقى رئيس الوزراء العراقي في بغداد.", published="2015-08-03")
    meeting = [e for e in doc.events if e.plover_type == "CONSULT"][0]
    assert (meeting.actor1.country, meeting.actor1.sector) == ("IRN", "GOV")


def test_a_person_a_place_is_named_after_is_no_actor():
    """مستشفى الملك خالد: the king's name names the hospital; no king acts in the sentence."""
    doc = Pipeline().run("تعرض طبيب بمستشفى الملك خالد في المدينة لاعتداء من مراجع أمس.", published="2015-07-01")
    assert not any("king" in (e.canonical or "").lower() or e.text.startswith("الملك") for e in doc.entities)
    assert all(ev.actor1 is None or ev.actor1.id != "title-king" for ev in doc.events)
