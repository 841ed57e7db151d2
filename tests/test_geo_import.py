"""`rasd gazetteer import`: GeoNames country dumps into the user gazetteer."""
from __future__ import annotations

import zipfile

import pytest
from typer.testing import CliRunner

from rasd.cli import app
from rasd.doc import Document
from rasd.errors import DataFileError
from rasd.geo import PlaceResolver, load_gazetteer, user_gazetteer_dir
from rasd.geo.importer import import_geonames
from rasd.options import Options
from rasd.text import TextAnalyzer


def row(gid, name, alt, lat, lon, fclass, fcode, cc, admin1, pop):
    cells = [str(gid), name, name, alt, str(lat), str(lon), fclass, fcode, cc, "", admin1, "",
             "", "", str(pop), "", "300", "Asia/Damascus", "2020-01-01"]
    assert len(cells) == 19
    return "\t".join(cells)


DUMP = "\n".join([
    row(9000001, "Muhafazat Hamah", "Hama Governorate,محافظة حماة", 35.2, 36.9, "A", "ADM1", "SY", "05", 0),
    # a hamlet the bundled data does not know, with an Arabic name
    row(9000002, "Tall Sukkariyah", "Tell Soukkariye,تل السكرية", 35.3012, 36.5521, "P", "PPL", "SY", "05", 350),
    # no Arabic name: left out
    row(9000003, "Kherbet Xyz", "Khirbat Xyz", 35.4, 36.5, "P", "PPL", "SY", "05", 100),
    # a stream (class H): left out
    row(9000004, "Nahr Foo", "نهر فو", 35.5, 36.4, "H", "STM", "SY", "05", 0),
    # another country: left out with --country SY
    row(9000005, "Bir Qadim", "بئر القديم", 31.0, 35.0, "P", "PPL", "JO", "02", 900),
    # a common word as a name is dropped, the other name kept
    row(9000006, "Maydan Sughayr", "بيان,ميدان الصغير", 35.1, 36.7, "P", "PPL", "SY", "05", 800),
]) + "\n"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("RASD_DATA_DIR", str(tmp_path / "rasd-data"))
    load_gazetteer.cache_clear()
    yield tmp_path / "rasd-data"
    load_gazetteer.cache_clear()


def test_import_via_cli_then_the_place_is_found(tmp_path, data_dir):
    dump = tmp_path / "SY.txt"
    dump.write_text(DUMP, "utf-8")
    result = CliRunner().invoke(app, ["gazetteer", "import", str(dump), "--country", "SY"])
    assert result.exit_code == 0, result.output
    out = data_dir / "gazetteer" / "SY.tsv"
    assert out.is_file() and user_gazetteer_dir() == data_dir / "gazetteer"
    assert "3 places" in result.output  # the ADM1, the hamlet, the other hamlet

    load_gazetteer.cache_clear()
    gaz = load_gazetteer()
    hamlet = gaz.get("gn:9000002")
    assert hamlet is not None
    assert (hamlet.name_ar, hamlet.kind, hamlet.country) == ("تل السكرية", "village", "SYR")
    assert hamlet.admin1 == "Muhafazat Hamah"
    assert gaz.get("gn:9000003") is None and gaz.get("gn:9000004") is None
    assert gaz.get("gn:9000005") is None
    assert gaz.get("gn:9000006").variants == ("ميدان الصغير",)

    # imported places need context, like every GeoNames-only place
    doc = TextAnalyzer(Options())(Document("سقطت قذائف على قرية تل السكرية"))
    doc = PlaceResolver(Options())(doc)
    (ent,) = doc.entities
    assert ent.text == "قرية تل السكرية" and ent.attrs["place"].lat == pytest.approx(35.3012)


def test_import_zip_without_country_filter(tmp_path, data_dir):
    dump = tmp_path / "SY.zip"
    with zipfile.ZipFile(dump, "w") as zf:
        zf.writestr("readme.txt", "GeoNames readme")
        zf.writestr("SY.txt", DUMP)
    result = import_geonames(dump)
    assert result.path == data_dir / "gazetteer" / "SY.tsv"
    assert result.rows_read == 6 and result.places == 4


def test_import_rejects_a_malformed_dump(tmp_path, data_dir):
    bad = tmp_path / "bad.txt"
    bad.write_text("1\tonly\tthree\n", "utf-8")
    with pytest.raises(DataFileError) as err:
        import_geonames(bad)
    assert err.value.where == "bad.txt:1"
    result = CliRunner().invoke(app, ["gazetteer", "import", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "E107" in result.output
