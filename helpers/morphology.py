"""Fold Persian word forms for counting: plural → lemma, and stop-word lookup.

Folding is deliberately conservative: only plural morphology (ها/های/هایی..., ان/یان/گان,
ات, broken plurals from data/lexicon/broken_plurals.tsv) and the ezafe/indefinite ی after a
vowel or silent ه are removed. The derivational -ی of adjectives is kept: قانونی (legal) is
not counted as قانون (law), nor ایرانی as ایران.
"""

from __future__ import annotations

import functools
from pathlib import Path

from helpers.zwnj import (
    ZWNJ,
    LexiconFormatError,
    lexicon,
    lexicon_dir,
    restore_zwnj,
    zwnj_rules,
)

_HA_SUFFIXES = ("هایشان", "هایمان", "هایتان", "هایی", "هایش", "هایم", "هایت", "های", "ها")


def load_broken_plurals(path: Path) -> dict[str, str]:
    """Read and validate a ``plural<TAB>singular`` table ('=' keeps the plural as lemma)."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: restore it from version control")
    table: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != 2 or not all(cells):
            raise LexiconFormatError(
                f"{path}:{number}: expected plural<TAB>singular (or '=' as singular); "
                "separate the two columns with one TAB"
            )
        plural, singular = cells
        key = plural.replace(ZWNJ, "")
        if key in table:
            raise LexiconFormatError(f"{path}:{number}: {plural!r} is listed twice; keep one line")
        if any(ch in "يك" for ch in plural + singular):
            raise LexiconFormatError(
                f"{path}:{number}: write Persian ی and ک, not Arabic ي and ك, in {line!r}"
            )
        table[key] = plural if singular == "=" else singular
    return table


@functools.lru_cache(maxsize=1)
def broken_plurals() -> dict[str, str]:
    """The broken-plural table, keyed by the plural written without ZWNJ."""
    return load_broken_plurals(lexicon_dir() / "broken_plurals.tsv")


def _is_noun_like(word: str) -> bool:
    # Compounds are listed with their ZWNJ (بازداشت‌شده), so look the restored form up too.
    tags = lexicon().tags
    found = tags.get(word, frozenset()) | tags.get(restore_zwnj(word), frozenset())
    return bool(found & {"N", "AJ"})


def _protected(word: str) -> bool:
    """A tagged word that is not itself a plural must not lose letters (ایران, تنها, ذات)."""
    tags = lexicon().tags.get(word, frozenset())
    return bool(tags) and "PL" not in tags


def _singular(bare: str) -> str | None:
    """The singular of a plural written without ZWNJ, or None if it is not a known plural."""
    table = broken_plurals()
    if bare in table:
        return table[bare]
    if _protected(bare):
        return None
    lex = lexicon()
    # An untagged stem (تروریست) counts only where the ZWNJ restorer also sees a plural
    # boundary, which keeps تنهایی from becoming تن + هایی.
    plural_cuts = {pos for pos, rule in zwnj_rules(bare) if rule == "plural-ha"}
    for suffix in _HA_SUFFIXES:
        stem = bare[: -len(suffix)]
        if not bare.endswith(suffix) or len(stem) < 2:
            continue
        if lex.strong(stem) or stem in table or len(stem) in plural_cuts:
            return table.get(stem, stem)
    if bare.endswith("ات") and len(bare) >= 5:
        stem = bare[:-2]
        if _is_noun_like(stem + "ه"):
            return stem + "ه"
        if _is_noun_like(stem):
            return stem
    if bare.endswith("گان") and _is_noun_like(bare[:-3] + "ه"):
        return bare[:-3] + "ه"
    if bare.endswith("یان") and bare[-4:-3] in ("و", "ا") and _is_noun_like(bare[:-3]):
        return bare[:-3]
    if bare.endswith("ان") and len(bare) >= 4 and _is_noun_like(bare[:-2]):
        return bare[:-2]
    return None


@functools.lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The counting lemma of a word: plural and broken-plural forms map to the singular."""
    bare = word.replace(ZWNJ, "")
    for candidate in (bare, *_without_ezafe(bare)):
        # A plural+ی (ezafe or indefinite) folds to the same lemma as the plural.
        plural = _singular(candidate)
        if plural is not None:
            return restore_zwnj(plural)
        if candidate != bare:
            return restore_zwnj(candidate)
    return word


def _without_ezafe(bare: str) -> tuple[str, ...]:
    """Forms with an ezafe/indefinite ending removed, only where it is unambiguous."""
    lex = lexicon()
    if _protected(bare):
        return ()
    if bare.endswith("ای") and bare[:-2].endswith("ه") and lex.strong(bare[:-2]):
        return (bare[:-2],)  # جلسه‌ای → جلسه
    # Only a single ی after ا/و: -یی is usually an abstract noun (تنهایی, توانایی).
    stem = bare[:-1]
    if bare.endswith("ی") and not bare.endswith("یی") and stem[-1:] in ("ا", "و"):
        if len(stem) >= 2 and (lex.strong(stem) or stem in broken_plurals()):
            return (stem,)  # انتهای → انتها, شرکای → شرکا
    return ()


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Persian stop words (hazm's list plus project additions), ZWNJ spelling, ی/ک."""
    path = lexicon_dir() / "stopwords.txt"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: regenerate it with tools/build_lexicon.py")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@functools.lru_cache(maxsize=1)
def _bare_stopwords() -> frozenset[str]:
    return frozenset(w.replace(ZWNJ, "") for w in stopwords())


def is_stopword(word: str) -> bool:
    """True if the word, with or without its ZWNJs, is a stop word."""
    return word in stopwords() or word.replace(ZWNJ, "") in _bare_stopwords()
