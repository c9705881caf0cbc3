"""Normalise Persian text for matching, keeping every change auditable and mapped to raw offsets.

Normalisation is a list of edits on the raw string: one-for-one letter and digit folds (which keep
offsets), deletions (tatweel, diacritics, bidi marks, extra spaces), replacements (ۀ → هٔ,
presentation forms) and insertions (restored zero-width non-joiners, a space after Persian
punctuation). The normalised text is built from those edits, so any span in it maps back to
``raw`` exactly, and the audit lists each edit with its raw span and rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html import unescape
from html.entities import html5
from itertools import compress, repeat, starmap
from operator import itemgetter

import numpy as np
import pandas as pd

from helpers.script import (
    ARABIC_INDIC_DIGITS,
    EZAFE_HAMZA,
    LATIN_TO_PERSIAN_DIGITS,
    PERSIAN_DIGITS,
    ZWNJ,
)
from helpers.zwnj import zwnj_rules

# HTML left in a text by an export from a web page: character references (&nbsp; &#1740;
# &#x6CC; &zwnj;, also escaped twice: &amp;nbsp;) and tags (<p>, </div>, <br/>, <!-- -->, and
# escaped ones, &lt;p&gt;). Normalisation (rule "html") reads a reference as the character it
# stands for and a tag as a space, and the tokens are found as if it had been written so.
_HTML_RE = re.compile(
    r"(?P<tag><!--[\s\S]{0,10000}?-->"
    r"|</?[A-Za-z][A-Za-z0-9]{0,20}(?:[\s/][^<>]{0,1000})?>"
    r"|&(?:amp;)*lt;/?[A-Za-z][A-Za-z0-9]{0,20}"
    r"(?:[\s/](?:(?!&(?:amp;)*gt;)[^<>]){0,1000})?(?:&(?:amp;)*gt;|>))"
    r"|(?P<reference>&(?:amp;)*(?:#[0-9]{1,8}|#[xX][0-9A-Fa-f]{1,8}|[A-Za-z][A-Za-z0-9]{0,31});)"
)
# In the same-length text the tokens are found in (``markup_view``), what a reference or tag
# stands for is written at its start and the rest of its length is filled: with spaces after
# whitespace (a tag, &nbsp;), else with a mark (sukun), which normalisation removes and which,
# after a letter, is part of the word (a word may end in a mark): the word ends where the
# reference ends.
MARKUP_FILL = "\u0652"


def _reference_text(reference: str) -> str | None:
    """The text an HTML character reference stands for (None for an unknown name)."""
    body = reference[1:]
    while body.startswith("amp;") and len(body) > 4:  # escaped twice or more: &amp;nbsp;
        body = body[4:]
    text = unescape("&" + body) if body.startswith("#") else html5.get(body)
    return text if text is not None and len(text) < len(reference) else None


def find_markup(raw: str) -> list[tuple[int, int, str]]:
    """HTML residue in ``raw``: (start, end, what it stands for) of each reference and tag."""
    if "&" not in raw and "<" not in raw:
        return []
    found = []
    for m in _HTML_RE.finditer(raw):
        start, end = m.span()
        if m.lastgroup == "tag":
            found.append((start, end, " "))
            continue
        text = _reference_text(m.group())
        if text is None:
            if m.group().startswith("&amp;"):  # &amp;foo; with an unknown name: & + foo;
                found.append((start, start + 5, "&"))
            continue
        if text in ("&", "<", ">") and _makes_markup(raw, start, end, text):
            continue  # decoded, it would make new markup with the text around it: left as is
        found.append((start, end, text))
    return found


def _makes_markup(raw: str, start: int, end: int, text: str) -> bool:
    """True if ``raw[start:end]`` written as ``text`` would be part of a new tag or reference."""
    before = raw[max(0, start - 1100) : start]
    window = before + text + raw[end : end + 1100]
    at = len(before)
    return any(m.start() <= at < m.end() for m in _HTML_RE.finditer(window))


def markup_view(raw: str, markup: list[tuple[int, int, str]]) -> str:
    """``raw`` with each piece of markup written as what it stands for, filled to its length."""
    pieces, position = [], 0
    for start, end, text in markup:
        fill = " " if text.isspace() else MARKUP_FILL
        pieces += (raw[position:start], text, fill * (end - start - len(text)))
        position = end
    pieces.append(raw[position:])
    return "".join(pieces)


# One-for-one folds: offsets are unchanged, so they are applied with str.translate.
LETTER_FOLDS = {
    "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
    "\u0649": "\u06cc",  # alef maksura -> Persian yeh
    "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
    "\u0629": "\u0647",  # teh marbuta -> heh
}
FOLD_TABLE = str.maketrans(
    {**LETTER_FOLDS, **{a: p for a, p in zip(ARABIC_INDIC_DIGITS, PERSIAN_DIGITS)}}
)

_FOLD_RULES = {
    "\u064a": "arabic-yeh",
    "\u0649": "arabic-yeh",
    "\u0643": "arabic-kaf",
    "\u0629": "teh-marbuta",
    **{d: "digits" for d in ARABIC_INDIC_DIGITS},
}
_FOLD_RE = re.compile("[" + "".join(_FOLD_RULES) + "]")

# Marks removed for matching; the ezafe hamza (U+0654) is kept because it carries the ezafe.
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0655\u0670"
# Isolated and medial presentation forms of the same marks (U+FE70–FE7F) are removed too.
DIACRITICS += "".join(map(chr, range(0xFE70, 0xFE80)))
TATWEEL = "\u0640"
# Invisible format characters: bidi controls (with the Arabic letter mark U+061C), ZWJ, soft
# hyphen, word joiner and invisible operators (U+2060-2064), the byte-order mark or zero-width
# no-break space (U+FEFF) and the Mongolian vowel separator. Inside a word they are part of it
# (they split no token); normalisation removes them. (ZWNJ and U+200B are handled on their own.)
BIDI_CONTROLS = (
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200d\u00ad"
    "\u061c\u180e\u2060\u2061\u2062\u2063\u2064\ufeff"
)
NON_JOINING = set("اآأإدذرزژوؤۀةء") | {ZWNJ}

# Words are found in text translated with SCAN_TABLE (FOLD_TABLE, and "_" as a hyphen so that
# \w means a letter or digit). A word starts with a letter or digit and may hold marks, tatweel,
# ZWNJs and invisible controls inside; it ends with a letter, digit or mark.
SCAN_TABLE = {**FOLD_TABLE, ord("_"): "-"}


@lru_cache(maxsize=16)
def _table_regex(keys: frozenset[int]) -> re.Pattern:
    return re.compile("[" + re.escape("".join(map(chr, sorted(keys)))) + "]")


@lru_cache(maxsize=16)
def _table_chars(keys: frozenset[int]) -> tuple[str, ...]:
    return tuple(map(chr, sorted(keys)))


def fast_translate(text: str, table: dict[int, str]) -> str:
    """``text.translate(table)`` for a table of rare one-for-one characters, much faster.

    ``str.translate`` looks every character up in the table; a regex finds the few that are
    in it (usually none in Persian text) and only those are replaced.
    """
    keys = frozenset(table)
    pattern = _table_regex(keys)
    # Usually no character of the table occurs at all. In a long text, one ``in`` test per
    # character of the table (each a fast memchr-like scan) finds that out about ten times faster
    # than a regex search for the character class; in a short one the regex is quicker.
    if len(text) > 200:
        absent = not any(map(text.__contains__, _table_chars(keys)))
    else:
        absent = pattern.search(text) is None
    if absent:
        return text
    return pattern.sub(lambda m: table[ord(m.group())], text)
_WORD_END_MARKS = DIACRITICS + EZAFE_HAMZA
_WORD_INSIDE = ZWNJ + BIDI_CONTROLS + "\u200b"
WORD = rf"\w(?:[\w{_WORD_END_MARKS}{_WORD_INSIDE}]*[\w{_WORD_END_MARKS}])?"
_MARKS_RE = re.compile(f"[{DIACRITICS}{TATWEEL}]")
# Dropped from a word before its ZWNJs are placed: marks and invisible characters.
_IN_WORD_DROPPED_RE = re.compile(f"[{DIACRITICS}{TATWEEL}{BIDI_CONTROLS}\u200b]")
WORD_RE = re.compile(WORD)

# Edits that change length, found in one pass. Group names are the audit's rule names.
_H = "[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]"  # horizontal whitespace
_MARKS = f"{DIACRITICS}{TATWEEL}"  # always deleted
_INVISIBLE = f"[{_MARKS}{BIDI_CONTROLS}\u200b]"  # deleted below
# A gap between words: whitespace with the invisible characters and ZWNJs next to it. It starts
# and ends with one of _GAP (so marks attached to a letter stay with their letter).
_GAP = f"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000{BIDI_CONTROLS}\u200b{ZWNJ}]"
_GAP_OR_MARK = f"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000{BIDI_CONTROLS}\u200b{ZWNJ}{_MARKS}]"
_LETTER_OR_MARK = rf"(?:[^\W_]|[{DIACRITICS}{EZAFE_HAMZA}])"
_CLOSERS = "،؛؟!.:»)\\]"
_OPENERS = "«(\\["
_EDIT_ALTERNATIVES = tuple(
    (re.search(r"\(\?P<(\w+)>", alt).group(1), alt)  # type: ignore[union-attr]
    for alt in (
        # Every gap that holds whitespace, except the usual single space between two words
        # (a space after a letter and before a letter, digit or opening mark), which stays.
        rf"(?P<whitespace>(?<!{_GAP})(?={_GAP_OR_MARK}*?{_H})"
        rf"(?!(?<=[^{_OPENERS}\r\n{_MARKS}]) (?=[^{_GAP_OR_MARK[1:-1]}{_CLOSERS}\r\n]))"
        rf"{_GAP}(?:{_GAP_OR_MARK}*{_GAP})?)",
        # Matches the mark; the space goes in after it (see find_edits).
        rf"(?P<space_after_punct>[،؛؟](?=[{_MARKS}{BIDI_CONTROLS}\u200b{ZWNJ}]*[^\W\d_{_MARKS}]))",
        rf"(?P<diacritic>[{DIACRITICS}]+)",
        rf"(?P<tatweel>{TATWEEL}+)",
        rf"(?P<invisible>[{BIDI_CONTROLS}\u200b]+)",
        r"(?P<heh_hamza>\u06c0)",
        r"(?P<presentation_form>[\ufb50-\ufdff\ufe70-\ufefe]+)",
        # ZWNJ runs that may be stray: not right after a letter, doubled, or not right before a
        # letter; _replacement looks past deleted marks to decide.
        rf"(?P<zwnj_stray>(?<![^\W_{_MARKS}]|{EZAFE_HAMZA}){ZWNJ}+|{ZWNJ}{{2,}}"
        rf"|{ZWNJ}(?![^\W_{_MARKS}]))",
        # The CR of a CRLF line end (a CR with only spaces or marks before the LF) goes; a lone
        # CR (an old Mac line end) becomes LF.
        r"(?P<carriage_return>\r)",
        r"(?P<latin_digits>(?<![A-Za-z0-9./:_\-])[0-9]+(?![A-Za-z0-9]|[.,/:][0-9]))",
    )
)
# Every edit starts at one of these characters: one quick test rejects all other positions.
_TRIGGERS = (
    f" \t\u00a0\u2000-\u200a\u202f\u205f\u3000{BIDI_CONTROLS}\u200b{ZWNJ}{_MARKS}"
    "\u06c0\ufb50-\ufdff\ufe70-\ufefe\r0-9،؛؟"
)


# The usual single space between two words: the commonest trigger, and never edited. It is a
# space with a character before it not in _AFTER_NOT_PLAIN and one after it not in
# _BEFORE_NOT_PLAIN (character-class text, shared with _edit_starts).
_GM = _GAP_OR_MARK[1:-1]
_AFTER_NOT_PLAIN = rf"{_OPENERS}\r\n{_GM}"
_BEFORE_NOT_PLAIN = rf"{_GM}{_CLOSERS}\r\n"
_PLAIN_SPACE = rf"(?<=[^{_AFTER_NOT_PLAIN}]) (?=[^{_BEFORE_NOT_PLAIN}])"


def _compile_edits(alternatives) -> re.Pattern:
    return re.compile(f"(?=[{_TRIGGERS}])(?!{_PLAIN_SPACE})(?:" + "|".join(alternatives) + ")")


# Bits of _char_classes().
_IS_TRIGGER, _NO_PLAIN_SPACE_AFTER, _NO_PLAIN_SPACE_BEFORE = 1, 2, 4


@lru_cache(maxsize=1)
def _char_classes() -> np.ndarray:
    """A bit mask for every BMP character: in _TRIGGERS, _AFTER_NOT_PLAIN, _BEFORE_NOT_PLAIN."""
    bmp = np.arange(0x10000, dtype=np.uint32).tobytes().decode("utf-32-le", "surrogatepass")
    classes = np.zeros(0x10000, dtype=np.uint8)
    for bit, chars in (
        (_IS_TRIGGER, _TRIGGERS),
        (_NO_PLAIN_SPACE_AFTER, _AFTER_NOT_PLAIN),
        (_NO_PLAIN_SPACE_BEFORE, _BEFORE_NOT_PLAIN),
    ):
        classes[[m.start() for m in re.finditer(f"[{chars}]", bmp)]] |= bit
    # Characters beyond the BMP are looked up as U+FFFF, which is in no class, as they are not.
    assert classes[0xFFFF] == 0
    return classes


def _edit_starts(raw: str) -> list[int]:
    """Every position where _EDIT_RE can match: a trigger that is not a plain space."""
    codes = np.frombuffer(raw.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    classes = _char_classes().take(np.minimum(codes, 0xFFFF))
    spaces = np.flatnonzero(codes == 32)
    inner = spaces[(spaces > 0) & (spaces < len(codes) - 1)]  # a plain space has both neighbours
    plain = inner[
        ((classes[inner - 1] & _NO_PLAIN_SPACE_AFTER) == 0)
        & ((classes[inner + 1] & _NO_PLAIN_SPACE_BEFORE) == 0)
    ]
    classes[plain] = 0
    return np.flatnonzero(classes & _IS_TRIGGER).tolist()


# Below this length the regex search is quicker than numpy's fixed cost in _edit_starts.
_EDIT_STARTS_MIN_CHARS = 2000


def _edit_matches(pattern: re.Pattern, raw: str) -> Iterator[re.Match]:
    """``pattern.finditer(raw)`` for an edit regex (_EDIT_RE or one from _edit_regex), faster.

    The search tries the regex's two opening tests (a trigger, not the plain space) at every
    position: a pattern that opens with a lookahead gives the regex engine no first character to
    skip ahead to. _edit_starts does those tests for the whole text at once and leaves about one
    position in a hundred to try the regex at, from the end of the last match on (as finditer
    does; every match is at least one character long).
    """
    if len(raw) < _EDIT_STARTS_MIN_CHARS:
        yield from pattern.finditer(raw)
        return
    match, end = pattern.match, 0
    for start in _edit_starts(raw):
        if start >= end and (m := match(raw, start)) is not None:
            end = m.end()
            yield m


_EDIT_RE = _compile_edits(alt for _, alt in _EDIT_ALTERNATIVES)
# No space before a closing mark; but «.gov» or «:8080» after a space is a word, not a mark.
_DROP_SPACE_BEFORE = re.compile(
    rf"{_INVISIBLE}*(?:[،؛؟»)\]\r\n]|[.!:](?![{_MARKS}]*[^\W_{_MARKS}])|\Z)"
)
_MARK_SET = frozenset(_MARKS)
_CRLF_END = re.compile(f"{_GAP_OR_MARK}*\n")
_DELETED_SET = frozenset(_MARKS + BIDI_CONTROLS + "\u200b")


def _replacement(rule: str, match: re.Match) -> str:
    before = match.group()
    if rule == "heh_hamza":
        return "\u0647" + EZAFE_HAMZA
    if rule == "presentation_form":
        letters = unicodedata.normalize("NFKC", before).translate(FOLD_TABLE)
        letters = _MARKS_RE.sub("", letters).replace("\u06c0", "\u0647" + EZAFE_HAMZA)
        return " ".join(letters.split())
    if rule == "whitespace":
        text, start, end = match.string, match.start(), match.end()
        # The character before the gap, looking past marks that are deleted anyway.
        previous = start
        while previous > 0 and text[previous - 1] in _MARK_SET:
            previous -= 1
        at_line_start = previous == 0 or text[previous - 1] in "\r\n«(["
        if at_line_start or _DROP_SPACE_BEFORE.match(text, end):
            return ""
        return " "
    if rule == "zwnj_stray":
        text, start, end = match.string, match.start(), match.end()
        while start > 0 and text[start - 1] in _DELETED_SET:
            start -= 1
        # Past deleted marks and further ZWNJs (one ZWNJ-mark-ZWNJ is one run: the first stays,
        # the next finds a ZWNJ, not a letter, before it).
        while end < len(text) and (text[end] in _DELETED_SET or text[end] == ZWNJ):
            end += 1
        after_letter = start > 0 and (text[start - 1].isalnum() or text[start - 1] == EZAFE_HAMZA)
        before_letter = end < len(text) and text[end].isalnum()
        return ZWNJ if after_letter and before_letter else ""
    if rule == "space_after_punct":
        return " "
    if rule == "carriage_return":
        return "" if _CRLF_END.match(match.string, match.end()) else "\n"
    if rule == "latin_digits":
        return before.translate(LATIN_TO_PERSIAN_DIGITS)
    return ""


# Every rule a researcher can switch off with ``skip_rules``. Restored ZWNJs appear in the audit
# as ``zwnj_<rule>`` (the rule helpers.zwnj used); "zwnj" switches all of them off at once.
RULES: dict[str, str] = {
    "arabic-yeh": "Arabic yeh ي and alef maksura ى become Persian yeh ی",
    "arabic-kaf": "Arabic kaf ك becomes Persian keheh ک",
    "teh-marbuta": "teh marbuta ة becomes heh ه",
    "digits": "Arabic-Indic digits ٠–٩ become Persian digits ۰–۹",
    "latin_digits": "Latin digits 0–9 (outside Latin words and addresses) become Persian digits",
    "diacritic": "short vowels, tanwin, shadda, sukun and superscript alef are removed",
    "tatweel": "tatweel (kashida) ـ is removed",
    "invisible": "bidi controls, ZWJ, soft hyphen, zero-width space, word joiner and BOM "
    "(U+FEFF) are removed",
    "heh_hamza": "ۀ is written as heh + ezafe hamza هٔ",
    "presentation_form": "Arabic presentation forms become ordinary letters",
    "zwnj_stray": "ZWNJs at word edges and doubled ZWNJs are removed",
    "carriage_return": "the CR of a CRLF line end is removed; a lone CR becomes LF",
    "whitespace": "runs of spaces, tabs and no-break spaces become one space; no space at line "
    "ends, after «([ or before punctuation",
    "space_after_punct": "a space is put after ، ؛ ؟ when a word follows directly",
    "zwnj": "lost ZWNJs are restored (audit rules zwnj_<rule>, from helpers.zwnj)",
    "html": "HTML residue: a character reference (&nbsp; &#1740; &zwnj;) becomes its "
    "character, a tag (<p>, <br/>, <!-- -->) a space",
    "override": "a word spelled as the researcher asked in ``overrides``",
}
_FOLD_SOURCES = {
    "arabic-yeh": {"\u064a": "\u06cc", "\u0649": "\u06cc"},
    "arabic-kaf": {"\u0643": "\u06a9"},
    "teh-marbuta": {"\u0629": "\u0647"},
    "digits": dict(zip(ARABIC_INDIC_DIGITS, PERSIAN_DIGITS, strict=True)),
}
_LETTER_COUNTED = re.compile(f"[^{DIACRITICS}{TATWEEL}{EZAFE_HAMZA}{ZWNJ}]")


def _check_skip(skip_rules) -> frozenset[str]:
    """Validate rule names to switch off; raise with the list of known names."""
    if not skip_rules:
        return frozenset()
    if isinstance(skip_rules, str):
        skip_rules = {skip_rules}
    skip = frozenset(skip_rules)
    unknown = sorted(r for r in skip if r not in RULES and not r.startswith("zwnj_"))
    if unknown:
        raise ValueError(
            f"Unknown normalisation rule(s) {unknown}; skip_rules takes names from "
            f"helpers.normalization.RULES: {', '.join(RULES)} (or a zwnj_<rule> from the audit)."
        )
    return skip


@lru_cache(maxsize=64)
def _fold_table(skip: frozenset[str]) -> dict[int, str]:
    if not skip & _FOLD_SOURCES.keys():
        return FOLD_TABLE
    table: dict[str, str] = {}
    for rule, mapping in _FOLD_SOURCES.items():
        if rule not in skip:
            table.update(mapping)
    return str.maketrans(table)


@lru_cache(maxsize=64)
def _edit_regex(skip: frozenset[str]) -> re.Pattern:
    if not skip:
        return _EDIT_RE
    return _compile_edits(alt for rule, alt in _EDIT_ALTERNATIVES if rule not in skip)


def _bare(word: str) -> str:
    """A word's letters only: folded, no marks, no ZWNJs (the key of an override)."""
    clean = _MARKS_RE.sub("", word.translate(FOLD_TABLE)).replace("\u06c0", "\u0647" + EZAFE_HAMZA)
    return clean.replace(ZWNJ, "")


def _check_overrides(overrides) -> dict[str, frozenset[int]]:
    """Overrides as {bare word: letter counts before which a ZWNJ stands}."""
    if not overrides:
        return {}
    checked = {}
    for word, spelling in dict(overrides).items():
        if _bare(word) != _bare(spelling):
            raise ValueError(
                f"Override {word!r} → {spelling!r} changes letters; an override only places "
                "ZWNJs (write the same letters, with ZWNJ where you want one)."
            )
        positions, letters = set(), 0
        for ch in _MARKS_RE.sub("", spelling):
            if ch == ZWNJ:
                positions.add(letters)
            elif _LETTER_COUNTED.match(ch):
                letters += 1
        checked[_bare(word)] = frozenset(p for p in positions if 0 < p < letters)
    return checked


_LATIN_DIGITS_RE = re.compile(r"(?<![A-Za-z0-9./:_\-])[0-9]+(?![A-Za-z0-9])")
_ZWNJ_RUN = re.compile(f"{ZWNJ}{{2,}}")
_STRAY_IN_WORD = re.compile(rf"(?<![^\W_]|{EZAFE_HAMZA}){ZWNJ}|{ZWNJ}(?![^\W_])")
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """The normalised form of one word: folded letters, no marks, restored ZWNJs."""
    if "&" in word or "<" in word:  # HTML references read as what they stand for
        word = markup_view(word, find_markup(word))
    clean = _IN_WORD_DROPPED_RE.sub("", word.translate(FOLD_TABLE))
    if _PRESENTATION_RE.search(clean):
        clean = _PRESENTATION_RE.sub(
            lambda m: unicodedata.normalize("NFKC", m.group()).translate(FOLD_TABLE), clean
        )
    clean = clean.replace("\u06c0", "\u0647" + EZAFE_HAMZA)
    clean = _LATIN_DIGITS_RE.sub(lambda m: m.group().translate(LATIN_TO_PERSIAN_DIGITS), clean)
    # As the zwnj_stray rule: one ZWNJ, and only between a letter (or ezafe hamza) and a letter.
    clean = _STRAY_IN_WORD.sub("", _ZWNJ_RUN.sub(ZWNJ, clean))
    for position, _rule in reversed(zwnj_rules(clean)):
        clean = clean[:position] + ZWNJ + clean[position:]
    return clean


@lru_cache(maxsize=200_000)
def _zwnj_insertions_in_raw(word: str) -> tuple[tuple[int, str], ...]:
    """ZWNJ insertion points for a raw word, as offsets into that raw word."""
    clean_to_raw = [i for i, ch in enumerate(word) if not _IN_WORD_DROPPED_RE.match(ch)]
    clean = "".join(word[i] for i in clean_to_raw)
    if not clean:
        return ()
    clean_to_raw.append(len(word))
    return tuple((clean_to_raw[pos], rule) for pos, rule in zwnj_rules(clean))


# An edit while edits are collected: (start, end, after, rule), the fields of an Edit.
_RawEdit = tuple[int, int, str, str]
_SPAN_KEY = itemgetter(0, 1)

# ZWNJ insertions decided so far, one table per set of skipped rules: word -> insertions as
# (offset in the word, rule), or () for a word that stays. A plain dict rather than an lru_cache,
# so that the pass over all of a text's words runs in C (map and compress).
_RESTORED: dict[frozenset[str], dict[str, tuple[tuple[int, str], ...]]] = {}
_RESTORED_MAX_WORDS = 200_000
_UNDECIDED = (None,)  # what the table gives for a new word: true, so compress keeps it


def _restored_table(skip: frozenset[str]) -> dict[str, tuple[tuple[int, str], ...]]:
    table = _RESTORED.get(skip)
    if table is None or len(table) > _RESTORED_MAX_WORDS:
        if len(_RESTORED) >= 64:
            _RESTORED.clear()
        # A new dict, not clear(): a call still using the old table is not disturbed.
        table = _RESTORED[skip] = {}
    return table


def _restorations(word: str, skip: frozenset[str]) -> tuple[tuple[int, str], ...]:
    """The ZWNJ insertions for one word: (offset in the word, audit rule)."""
    return tuple(
        (offset, f"zwnj_{rule}")
        for offset, rule in _zwnj_insertions_in_raw(word)
        if f"zwnj_{rule}" not in skip
    )


def _override_edits(start: int, word: str, wanted: frozenset[int]) -> list[_RawEdit]:
    """Edits (as tuples) that put ZWNJs in ``word`` (at raw offset ``start``) where wanted."""
    edits, letters, have = [], 0, set()
    for i, ch in enumerate(word):
        if ch == ZWNJ:
            if letters in wanted and letters not in have:
                have.add(letters)
            else:
                edits.append((start + i, start + i + 1, "", "override"))
        elif _LETTER_COUNTED.match(ch):
            if letters in wanted and letters not in have and letters > 0:
                edits.append((start + i, start + i, ZWNJ, "override"))
                have.add(letters)
            letters += 1
    return edits


@dataclass(frozen=True)
class Edit:
    """One change normalisation made: raw[start:end] became ``after``."""

    start: int
    end: int
    after: str
    rule: str


class Normalized:
    """A normalised text with the edits that made it from ``raw`` and the offset map back."""

    def __init__(self, raw: str, edits: list[Edit], *, skip_rules=()):
        self.raw = raw
        self.edits = edits
        self.skip_rules = _check_skip(skip_rules)
        pieces: list[str] = []
        position = 0
        folded = fast_translate(raw, _fold_table(self.skip_rules))
        for edit in edits:
            pieces.append(folded[position : edit.start])
            pieces.append(edit.after)
            position = edit.end
        pieces.append(folded[position:])
        self.text = "".join(pieces)
        n = len(edits)
        self._raw_starts = np.fromiter((e.start for e in edits), dtype=np.int64, count=n)
        self._raw_ends = np.fromiter((e.end for e in edits), dtype=np.int64, count=n)
        self._after_lens = np.fromiter((len(e.after) for e in edits), dtype=np.int64, count=n)
        # Start of each edit in the normalised text: its raw start plus the length change so far.
        delta = self._after_lens - (self._raw_ends - self._raw_starts)
        self._norm_starts_np = self._raw_starts + np.cumsum(delta) - delta

    def __repr__(self) -> str:
        return f"Normalized({len(self.raw)} raw chars, {len(self.edits)} edits)"

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the span of ``raw`` it came from."""
        return int(self.raw_offsets([start], side="start")[0]), int(
            self.raw_offsets([end], side="end")[0]
        )

    def raw_offsets(self, positions, side: str = "start") -> np.ndarray:
        """Map normalised offsets to raw offsets (``side`` is "start" or "end" of a span).

        A start inside a replacement maps to the replaced raw text's start, an end to its end,
        so a mapped span always covers the raw text its normalised text came from.
        """
        if side not in ("start", "end"):
            raise ValueError(f'side must be "start" or "end", not {side!r}')
        pos = np.asarray(positions, dtype=np.int64)
        if not len(self.edits):
            return pos.copy()
        # The last edit starting at or before a start (strictly before an end).
        k = np.searchsorted(self._norm_starts_np, pos, side="right" if side == "start" else "left")
        k -= 1
        safe_k = np.clip(k, 0, None)
        edit_norm_end = self._norm_starts_np[safe_k] + self._after_lens[safe_k]
        after_edit = pos - edit_norm_end + self._raw_ends[safe_k]
        if side == "start":
            out = np.where(pos < edit_norm_end, self._raw_starts[safe_k], after_edit)
        else:
            out = np.where(pos <= edit_norm_end, self._raw_ends[safe_k], after_edit)
        return np.where(k < 0, pos, out)

    def norm_offsets(self, positions) -> np.ndarray:
        """Map raw offsets to normalised offsets (a deleted character maps to the gap)."""
        pos = np.asarray(positions, dtype=np.int64)
        if not len(self.edits):
            return pos.copy()
        k = np.searchsorted(self._raw_starts, pos, side="right") - 1
        safe_k = np.clip(k, 0, None)
        inside = pos < self._raw_ends[safe_k]
        edit_norm_end = self._norm_starts_np[safe_k] + self._after_lens[safe_k]
        after_edit = pos - self._raw_ends[safe_k] + edit_norm_end
        out = np.where(inside, self._norm_starts_np[safe_k], after_edit)
        return np.where(k < 0, pos, out)

    @cached_property
    def audit(self) -> pd.DataFrame:
        """Every change normalisation made: raw span, text before and after, and the rule."""
        rows = [(e.start, e.end, self.raw[e.start : e.end], e.after, e.rule) for e in self.edits]
        table = _fold_table(self.skip_rules)
        folds = [
            (m.start(), m.end(), m.group(), m.group().translate(table), _FOLD_RULES[m.group()])
            for m in _FOLD_RE.finditer(self.raw)
            if _FOLD_RULES[m.group()] not in self.skip_rules
        ]
        if folds and len(self.edits):  # a letter inside an edit (an HTML tag) is not listed twice
            at = np.array([f[0] for f in folds], dtype=np.int64)
            k = np.searchsorted(self._raw_starts, at, side="right") - 1
            inside = (k >= 0) & (at < self._raw_ends[np.clip(k, 0, None)])
            folds = list(compress(folds, (~inside).tolist()))
        audit = pd.DataFrame(rows + folds, columns=["start", "end", "before", "after", "rule"])
        audit = audit.astype({"start": "int64", "end": "int64"})
        return audit.sort_values(["start", "end"], kind="stable").reset_index(drop=True)

    def changes(self) -> pd.DataFrame:
        """The audit summarised: one row per rule and change, with how often it was made."""
        audit = self.audit
        return (
            audit.groupby(["rule", "before", "after"], sort=False)
            .size()
            .rename("count")
            .reset_index()
            .sort_values(["count", "rule"], ascending=[False, True], kind="stable")
            .reset_index(drop=True)
        )


def find_edits(
    raw: str,
    words: list[tuple[int, str]] | None = None,
    *,
    skip_rules=(),
    overrides=None,
) -> list[Edit]:
    """All length-changing edits normalisation makes to ``raw``, sorted and non-overlapping.

    ``words`` are the (start, text) of the words of ``raw`` translated with SCAN_TABLE (of its
    ``markup_view`` when it holds HTML residue); they are found here when not given.
    """
    skip = _check_skip(skip_rules)
    wanted = _check_overrides(overrides)
    markup = [] if "html" in skip else find_markup(raw)
    if not markup:
        return list(starmap(Edit, _edits_in(raw, words, skip, wanted)))
    view = markup_view(raw, markup)
    edits = _edits_in(view, words, skip, wanted)
    return list(starmap(Edit, _with_markup(view, markup, edits, _fold_table(skip))))


def _edits_in(raw: str, words, skip: frozenset[str], wanted: dict) -> list[_RawEdit]:
    """The edits of ``find_edits`` for a text without markup (or a ``markup_view``)."""
    # Edits are collected as (start, end, after, rule) tuples, which are much cheaper to make
    # than Edit objects; only the edits kept after merging become Edits.
    edits: list[_RawEdit] = []
    for m in _edit_matches(_edit_regex(skip), raw):
        rule = m.lastgroup
        if rule == "space_after_punct":
            edits.append((m.end(), m.end(), " ", rule))
            continue
        after = _replacement(rule, m)
        if after != m.group():  # a gap that is already one plain space stays
            edits.append((m.start(), m.end(), after, rule))
    if words is None:
        words = [(m.start(), m.group()) for m in WORD_RE.finditer(fast_translate(raw, SCAN_TABLE))]
    # Decide once per distinct word; then visit only the occurrences of words that change.
    restore = "zwnj" not in skip
    table = _restored_table(skip) if restore else {}
    if wanted:
        changes: dict[str, list[_RawEdit]] = {}
        for word in set(map(itemgetter(1), words)):
            key = _bare(word)
            if key in wanted:
                changes[word] = _override_edits(0, word, wanted[key])
            elif restore:
                found = table.get(word)
                if found is None:
                    found = table[word] = _restorations(word, skip)
                if found:
                    changes[word] = [(offset, offset, ZWNJ, rule) for offset, rule in found]
        for start, word in compress(words, map(changes.get, map(itemgetter(1), words))):
            edits.extend((start + s, start + e, after, rule) for s, e, after, rule in changes[word])
    elif restore:
        # map() is lazy: a new word is decided at its first occurrence (which compress keeps,
        # as _UNDECIDED is true), and its later occurrences find it in the table.
        get = table.get
        decided = map(get, map(itemgetter(1), words), repeat(_UNDECIDED))
        for start, word in compress(words, decided):
            found = get(word)
            if found is None:
                found = table[word] = _restorations(word, skip)
            for offset, rule in found:
                edits.append((start + offset, start + offset, ZWNJ, rule))
    # Sorted by span only, and stably: among edits of the same span the first found is kept.
    edits.sort(key=_SPAN_KEY)
    merged: list[_RawEdit] = []
    last_start = last_end = -1
    for edit in edits:
        start, end = edit[0], edit[1]
        if start < last_end:
            continue  # overlaps an earlier edit (e.g. a ZWNJ both stray and overridden)
        if start == end == last_start == last_end:
            continue  # a second insertion at the same point
        merged.append(edit)
        last_start, last_end = start, end
    return merged


def _with_markup(view: str, markup: list[tuple[int, int, str]], edits: list[_RawEdit],
                 table: dict[int, str]) -> list[_RawEdit]:
    """Edits of a ``markup_view`` as edits of the raw text it was made from.

    Outside the markup the view is the raw text, and its edits stand. Each piece of markup,
    with the edits that overlap it (a run of spaces around a tag, the space put after a «،»
    written as a reference), becomes one edit (rule "html") whose text is what those edits make
    of the view there, without the fill and with letters folded.
    """
    items = sorted([*((s, e, None, t) for s, e, t in markup), *edits], key=_SPAN_KEY)
    out: list[_RawEdit] = []
    group: list = []
    group_start = group_end = -1
    for item in [*items, None]:
        if item is not None and group:
            start, end = item[0], item[1]
            # Overlapping the group: a span reaching into it, or an insertion strictly inside.
            if start < group_end and (start < end or start > group_start):
                group.append(item)
                group_end = max(group_end, end)
                continue
        if len(group) == 1 and group[0][2] is not None:
            out.append(group[0])  # an edit that touches no markup
        elif group:
            out.append((group_start, group_end, _markup_text(view, group, table), "html"))
        if item is not None:
            group, group_start, group_end = [item], item[0], item[1]
    return out


def _markup_text(view: str, group: list, table: dict[int, str]) -> str:
    """What a group of markup and edits of the view becomes in the normalised text."""
    start, end = group[0][0], max(item[1] for item in group)
    keep = np.ones(end - start, dtype=bool)  # view characters not edited and not fill
    for s, e, after, text in group:
        if after is None:  # markup: the fill after what it stands for
            keep[s + len(text) - start : e - start] = False
    pieces, position = [], start
    for s, e, after, _rule in group:
        if after is None:
            continue
        pieces.append("".join(compress(view[position:s], keep[position - start : s - start])))
        pieces.append(after)
        position = e
    pieces.append("".join(compress(view[position:end], keep[position - start :])))
    return "".join(pieces).translate(table)


def normalize_text(raw: str, *, skip_rules=(), overrides=None) -> Normalized:
    """Normalise ``raw`` and keep the offset map and audit of what changed.

    ``skip_rules`` names rules from ``RULES`` to switch off (e.g. ``{"zwnj"}`` keeps the
    writer's ZWNJs as they are); ``overrides`` maps a word to the ZWNJ spelling to use for it.
    """
    if not isinstance(raw, str):
        raise TypeError(
            f"normalize_text() takes a str, not {type(raw).__name__}; decode bytes first."
        )
    return Normalized(raw, find_edits(raw, skip_rules=skip_rules, overrides=overrides),
                      skip_rules=skip_rules)


def normalize(text: str, *, skip_rules=(), overrides=None) -> str:
    """The normalised form of a Persian text (see ``normalize_text`` for the audit)."""
    return normalize_text(text, skip_rules=skip_rules, overrides=overrides).text


def mark_zwnj(text: str, mark: str = "·") -> str:
    """``text`` with each ZWNJ shown as ``mark``, so restored ZWNJs can be seen in a table."""
    return text.replace(ZWNJ, mark)


def fold_digits(text: str) -> str:
    """Persian, Arabic-Indic and Latin digits as Latin digits, for reading numbers."""
    return text.translate(
        str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, "0123456789" * 2)
    )
