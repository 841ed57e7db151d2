"""Line-level removal of page furniture from plain text.

Text copied or scraped from a news page keeps the page's furniture between and around the
paragraphs: the section header (``أخبار سوريا``), the byline (``متابعة الوسيلة:``), image
captions, share and related-link lines, ``زر الذهاب إلى الأعلى``, the copyright footer,
bare dates. Each such line is recognised by a rule of ``rasd/data/ingest/boilerplate.tsv``
(format in ``rasd/data/ingest/README.md``); a line no rule matches is kept, so body
paragraphs and headlines stay. Rules compare a *key* of the line: diacritics and tatweel
dropped, alef/yeh/teh-marbuta variants and Arabic-Indic digits folded as in
``rasd/data/text/charmap.json``, spaces collapsed; punctuation is left as it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from rasd.errors import DataFileError

__all__ = ["Rule", "BoilerplateRules", "CleanText", "load_rules", "remove_boilerplate", "line_key"]

_MATCH_KINDS = ("line", "prefix", "regex", "define")
_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_SPACES = re.compile(r"\s+")
_LINE_SPLIT = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0c")
_TITLE_END = re.compile(r"[.!?؟…:،,;؛\"'»”)\]]$")
_ARABIC = re.compile(r"[\u0621-\u064a]")


@dataclass(frozen=True, slots=True)
class Rule:
    """One furniture pattern: ``kind`` (header, byline, caption …), how it matches, where from."""
    kind: str
    match: str
    pattern: str
    max_words: int | None
    where: str


@dataclass(frozen=True)
class BoilerplateRules:
    """The compiled rules. Rules are grouped by word limit and joined into one regex per
    group; every rule is matched from the start of the line key."""
    rules: tuple[Rule, ...]
    groups: tuple[tuple[int, re.Pattern[str]], ...]  # (max words, combined regex)
    max_words: int

    def match(self, line: str) -> Rule | None:
        """The rule that marks a line as furniture.

        Args:
            line: one line of text, stripped or not.

        Returns:
            The first matching :class:`Rule`, or None for a content line.
        """
        if len(line.split()) > self.max_words:  # body paragraphs: no key needed
            return None
        key = line_key(line)
        if not key:
            return None
        words = key.count(" ") + 1
        for limit, regex in self.groups:
            if words > limit:
                continue
            found = regex.match(key)
            if found:
                return self.rules[int(found.lastgroup[1:])]  # type: ignore[index]
        return None


@dataclass(slots=True)
class CleanText:
    """Text with its furniture lines removed, and what was removed."""
    text: str
    removed: list[str] = field(default_factory=list)
    removed_kinds: list[str] = field(default_factory=list)
    headline: str | None = None
    dateline: str | None = None  # "place – outlet" / "reporter – outlet" line, first one


@lru_cache(maxsize=None)
def _key_folding() -> tuple[re.Pattern[str], tuple[tuple[str, str], ...]]:
    """From the shared charmap: the marks to drop, and the letter/digit/space folds.

    Punctuation folds (« → ") are left out: rules write punctuation as it appears.
    """
    from rasd.text.normalize import load_charmap

    cmap = load_charmap()
    drop = re.compile("[" + "".join(re.escape(c) for c in sorted(cmap.drop)) + "]")
    folds = tuple((src, dst) for src, dst in sorted(cmap.fold.items()) if dst.isalnum() or dst == " ")
    return drop, folds


def line_key(line: str) -> str:
    """The form of a line (or a pattern) that rules are matched against.

    Args:
        line: a line of text or a pattern.

    Returns:
        The line without diacritics, tatweel and invisible marks, with alef/yeh/teh
        marbuta variants and Arabic-Indic digits folded and spaces collapsed.
    """
    drop, folds = _key_folding()
    key = drop.sub("", line)
    for src, dst in folds:  # str.replace is far faster than str.translate on Arabic text
        if src in key:
            key = key.replace(src, dst)
    return " ".join(key.split())


def _compile(rule: Rule, defines: dict[str, str]) -> str:
    """A rule as a regular expression over the line key."""
    if rule.match == "line":
        return r"^[\W_]*(?:" + re.escape(line_key(rule.pattern)) + r")[\W_]*$"
    if rule.match == "prefix":
        return r"^[\W_]*(?:" + re.escape(line_key(rule.pattern)) + r")(?=[\W_]|$)"

    def expand(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in defines:
            raise DataFileError(f"unknown macro {{{name}}}", where=rule.where)
        return defines[name]

    return _MACRO.sub(expand, line_key(rule.pattern))


def _parse(text: str, source: str) -> tuple[list[Rule], dict[str, str]]:
    rules: list[Rule] = []
    defines: dict[str, str] = {}
    header_seen = False
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = raw.split("\t")
        where = f"{source}:{number}"
        if not header_seen:
            if cells[:4] != ["kind", "match", "pattern", "max_words"]:
                raise DataFileError("header must be: kind, match, pattern, max_words, note",
                                    where=where)
            header_seen = True
            continue
        if len(cells) < 3:
            raise DataFileError(f"want at least 3 tab-separated cells, got {len(cells)}",
                                where=where)
        kind, match, pattern = cells[0].strip(), cells[1].strip(), cells[2].strip()
        limit = cells[3].strip() if len(cells) > 3 else ""
        if match not in _MATCH_KINDS:
            raise DataFileError(f"match must be one of {', '.join(_MATCH_KINDS)}, not {match!r}",
                                where=f"{where}:match")
        if not pattern:
            raise DataFileError("empty pattern", where=f"{where}:pattern")
        if limit and not limit.isdigit():
            raise DataFileError(f"max_words must be a whole number, not {limit!r}",
                                where=f"{where}:max_words")
        if match == "define":
            # a named alternation that regex rules use as {NAME}
            defines[kind] = "(?:" + "|".join(line_key(p) for p in pattern.split("|")) + ")"
            continue
        rules.append(Rule(kind, match, pattern, int(limit) if limit else None, where))
    if not header_seen:
        raise DataFileError("no header line", where=source)
    return rules, defines


def _build(rules: list[Rule], defines: dict[str, str]) -> BoilerplateRules:
    by_limit: dict[int, list[str]] = {}
    unlimited = 10_000
    for index, rule in enumerate(rules):
        regex = _compile(rule, defines)
        try:
            re.compile(regex)
        except re.error as exc:
            raise DataFileError(f"bad regular expression: {exc}", where=f"{rule.where}:pattern") from exc
        limit = rule.max_words if rule.max_words is not None else unlimited
        if rule.max_words is None and rule.match == "line":
            limit = len(rule.pattern.split()) + 2  # room for stray punctuation tokens
        by_limit.setdefault(limit, []).append(f"(?P<r{index}>{regex})")
    groups = tuple((limit, re.compile("|".join(parts), re.IGNORECASE))
                   for limit, parts in sorted(by_limit.items()))
    return BoilerplateRules(tuple(rules), groups, max(by_limit, default=0))


@lru_cache(maxsize=None)
def load_rules(extra: tuple[Path, ...] = ()) -> BoilerplateRules:
    """The bundled rules of ``rasd/data/ingest/boilerplate.tsv`` plus those of ``extra``.

    Args:
        extra: more TSV files in the same format, added after the bundled rules.

    Returns:
        The compiled rules (cached: each set of files is read once).

    Raises:
        DataFileError: a file has a bad line (named by file:line:field).
    """
    bundled = files("rasd.data").joinpath("ingest/boilerplate.tsv").read_text("utf-8")
    rules, defines = _parse(bundled, "boilerplate.tsv")
    for path in extra:
        more, more_defines = _parse(Path(path).read_text("utf-8"), str(path))
        defines.update(more_defines)
        rules.extend(more)
    return _build(rules, defines)


def remove_boilerplate(text: str, rules: BoilerplateRules | None = None) -> CleanText:
    """Drop furniture lines from ``text`` and pick out the headline.

    Line ends are normalised to ``\\n``, lines are stripped of surrounding spaces and runs
    of blank lines shrink to one, so paragraphs keep their blank-line separation.

    Args:
        text: plain text, one paragraph or page element per line.
        rules: the rules to apply; the bundled ones when omitted.

    Returns:
        The clean text, the removed lines (in order) and their kinds, and the headline:
        the first kept line when it is short, has no final punctuation and more lines
        follow it (the line itself stays in the text).
    """
    rules = rules or load_rules()
    kept: list[str] = []
    out = CleanText("")
    for raw_line in _LINE_SPLIT.split(text):
        line = raw_line.strip()
        if not line:
            if kept and kept[-1]:
                kept.append("")
            continue
        rule = rules.match(line)
        if rule is not None:
            out.removed.append(line)
            out.removed_kinds.append(rule.kind)
            if rule.kind == "dateline" and out.dateline is None:
                out.dateline = line
            continue
        kept.append(line)
    if not any(kept) and out.dateline is not None:
        # "place – outlet" is also how a one-line report can read: never the only content
        kept = [out.dateline]
        index = out.removed.index(out.dateline)
        del out.removed[index], out.removed_kinds[index]
        out.dateline = None
    while kept and not kept[-1]:
        kept.pop()
    out.text = "\n".join(kept)
    content = [line for line in kept if line]
    if len(content) > 1 and _is_headline(content[0]):
        out.headline = content[0]
    return out


def _is_headline(line: str) -> bool:
    return (len(line) <= 200 and line.count(" ") < 25 and _ARABIC.search(line) is not None
            and _TITLE_END.search(line) is None)
