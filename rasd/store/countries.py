"""The one country table of the store's filters and exports: ISO 3166 codes and names from
``pycountry``, ACLED's name and region from ``rasd/data/export/countries.tsv``."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rasd.datafiles import read_tsv
from rasd.errors import DataFileError

__all__ = ["Country", "countries", "country", "to_iso3"]


@dataclass(frozen=True, slots=True)
class Country:
    iso3: str
    iso_numeric: int          # ACLED's `iso`
    name: str                 # the name ACLED writes
    region: str               # ACLED's region
    actor_form: str = ""      # the country inside actor names ("the United States"); "" = name

    @property
    def in_actor_names(self) -> str:
        return self.actor_form or self.name


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every country of the table by ISO3.

    Raises:
        DataFileError: a row names a code pycountry does not know and gives no number.
    """
    import pycountry
    out: dict[str, Country] = {}
    for row in read_tsv("export/countries.tsv", ("iso3", "acled_region")):
        iso3 = row["iso3"].upper()
        known = pycountry.countries.get(alpha_3=iso3)
        numeric = row.int("iso_numeric")
        if numeric is None:
            if known is None:
                raise DataFileError(f"unknown ISO3 code {iso3!r} and no iso_numeric", where=row.where)
            numeric = int(known.numeric)
        name = row.cells.get("acled_name") or (
            getattr(known, "common_name", None) or known.name if known else iso3)
        out[iso3] = Country(iso3, numeric, name, row["acled_region"], row.cells.get("actor_form", ""))
    return out


def country(iso3: str | None) -> Country | None:
    """The table's row for an ISO3 code (None for none, a pseudo-country or an unknown code)."""
    return countries().get((iso3 or "").strip().upper()) if iso3 else None


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Lower-cased English and folded Arabic names → ISO3."""
    import pycountry
    from rasd.text.normalize import fold
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("alpha_2", "name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                names.setdefault(value.lower(), c.alpha_3)
    for c in countries().values():
        names.setdefault(c.name.lower(), c.iso3)
    # Arabic: the actor dictionary's states (سوريا، العراق …)
    from rasd.actors.dictionary import load_actors
    for entry in load_actors():
        if entry.kind == "state" and entry.country in countries():
            for variant in entry.variants:
                key = " ".join(fold(variant.strip("*").strip()).split())
                if key:
                    names.setdefault(key, entry.country)
    return names


def to_iso3(value: str) -> str:
    """ISO3 for a country given as ISO3, ISO2, an English name (pycountry's or ACLED's) or
    an Arabic name.

    Raises:
        ValueError: not a country; the message gives examples of accepted values.
    """
    text = " ".join(value.split())
    if text.upper() in countries():
        return text.upper()
    found = _names().get(text.lower())
    if found is None:
        from rasd.text.normalize import fold
        found = _names().get(" ".join(fold(text).split()))
    if found is None:
        raise ValueError(f"unknown country {value!r}: give an ISO 3166 code or a name, e.g. "
                         "SYR, Syria, سوريا, IQ, Iraq (ISO 3166-1)")
    return found
