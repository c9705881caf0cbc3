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
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from helpers.zwnj import zwnj_rules

ZWNJ = "\u200c"
EZAFE_HAMZA = "\u0654"

# One-for-one folds: offsets are unchanged, so they are applied with str.translate.
LETTER_FOLDS = {
    "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
    "\u0649": "\u06cc",  # alef maksura -> Persian yeh
    "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
    "\u0629": "\u0647",  # teh marbuta -> heh
}
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
FOLD_TABLE = str.maketrans(
    {**LETTER_FOLDS, **{a: p for a, p in zip(ARABIC_INDIC_DIGITS, PERSIAN_DIGITS)}}
)
LATIN_TO_PERSIAN_DIGITS = str.maketrans("0123456789", PERSIAN_DIGITS)

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
TATWEEL = "\u0640"
BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200d\u00ad"
NON_JOINING = set("اآأإدذرزژوؤۀةء") | {ZWNJ}

# Word characters in text that may still carry marks; used for tokens and word-level rules.
WORD_CHARS = r"[^\W_]|[" + DIACRITICS + TATWEEL + EZAFE_HAMZA + ZWNJ + "]"
WORD = rf"[^\W_](?:(?:{WORD_CHARS})*[^\W_\u200c]|[{DIACRITICS}{EZAFE_HAMZA}])*"
_MARKS_RE = re.compile(f"[{DIACRITICS}{TATWEEL}]")

# Edits that change length, found in one pass. Group names are the audit's rule names.
_H = "[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]"  # horizontal whitespace
_INVISIBLE = f"[{DIACRITICS}{TATWEEL}{BIDI_CONTROLS}\u200b]"  # deleted below
_LETTER_OR_MARK = rf"(?:[^\W_]|[{DIACRITICS}{EZAFE_HAMZA}])"
_CLOSERS = "،؛؟!.:»)\\]"
_OPENERS = "«(\\["
_EDIT_ALTERNATIVES = tuple(
    (re.search(r"\(\?P<(\w+)>", alt).group(1), alt)  # type: ignore[union-attr]
    for alt in (
        rf"(?P<diacritic>[{DIACRITICS}]+)",
        rf"(?P<tatweel>{TATWEEL}+)",
        rf"(?P<invisible>[{BIDI_CONTROLS}\u200b]+)",
        r"(?P<heh_hamza>\u06c0)",
        r"(?P<presentation_form>[\ufb50-\ufdff\ufe70-\ufefe]+)",
        # A ZWNJ run not after a letter goes whole; after a letter, a run not before a
        # letter goes whole; a run between letters keeps its first ZWNJ.
        rf"(?P<zwnj_stray>(?<!{_LETTER_OR_MARK}){ZWNJ}+"
        rf"|(?<={_LETTER_OR_MARK}){ZWNJ}+(?![{ZWNJ}]|{_LETTER_OR_MARK}))",
        r"(?P<carriage_return>\r(?=\n))",
        rf"(?P<whitespace> *[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]{_H}*| {{2,}}"
        rf"|(?<=[{_OPENERS}\n]) +|\A +| +(?={_INVISIBLE}*(?:[{_CLOSERS}\n]|\Z)))",
        r"(?P<space_after_punct>(?<=[،؛؟])(?=[^\W\d_]))",
        r"(?P<latin_digits>(?<![A-Za-z0-9./:_\-])[0-9]+(?![A-Za-z0-9]))",
    )
)
_EDIT_RE = re.compile("|".join(alt for _, alt in _EDIT_ALTERNATIVES))
_DROP_SPACE_BEFORE = re.compile(rf"{_INVISIBLE}*(?:[{_CLOSERS}\n]|\Z)")


def _replacement(rule: str, match: re.Match) -> str:
    before = match.group()
    if rule == "heh_hamza":
        return "\u0647" + EZAFE_HAMZA
    if rule == "presentation_form":
        return unicodedata.normalize("NFKC", before).translate(FOLD_TABLE)
    if rule == "whitespace":
        text, start, end = match.string, match.start(), match.end()
        at_line_start = start == 0 or text[start - 1] in "\n«([\u200c"
        if at_line_start or _DROP_SPACE_BEFORE.match(text, end):
            return ""
        return " "
    if rule == "space_after_punct":
        return " "
    if rule == "latin_digits":
        return before.translate(LATIN_TO_PERSIAN_DIGITS)
    return ""


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """The normalised form of one word: folded letters, no marks, restored ZWNJs."""
    clean = _MARKS_RE.sub("", word.translate(FOLD_TABLE))
    clean = clean.replace("\u06c0", "\u0647" + EZAFE_HAMZA).translate(LATIN_TO_PERSIAN_DIGITS)
    clean = clean.strip(ZWNJ)
    for position, _rule in reversed(zwnj_rules(clean)):
        clean = clean[:position] + ZWNJ + clean[position:]
    return clean


@lru_cache(maxsize=200_000)
def _zwnj_insertions_in_raw(word: str) -> tuple[tuple[int, str], ...]:
    """ZWNJ insertion points for a raw word, as offsets into that raw word."""
    clean_to_raw = [i for i, ch in enumerate(word) if not _MARKS_RE.match(ch)]
    clean = "".join(word[i] for i in clean_to_raw)
    if not clean:
        return ()
    clean_to_raw.append(len(word))
    return tuple((clean_to_raw[pos], rule) for pos, rule in zwnj_rules(clean))


@dataclass(frozen=True)
class Edit:
    """One change normalisation made: raw[start:end] became ``after``."""

    start: int
    end: int
    after: str
    rule: str


class Normalized:
    """A normalised text with the edits that made it from ``raw`` and the offset map back."""

    def __init__(self, raw: str, edits: list[Edit]):
        self.raw = raw
        self.edits = edits
        pieces: list[str] = []
        norm_starts: list[int] = []
        position = 0
        length = 0
        folded = raw.translate(FOLD_TABLE)
        for edit in edits:
            pieces.append(folded[position : edit.start])
            length += edit.start - position
            norm_starts.append(length)
            pieces.append(edit.after)
            length += len(edit.after)
            position = edit.end
        pieces.append(folded[position:])
        self.text = "".join(pieces)
        self._norm_starts = norm_starts
        self._norm_starts_np = np.asarray(norm_starts, dtype=np.int64)
        self._raw_starts = np.asarray([e.start for e in edits], dtype=np.int64)
        self._raw_ends = np.asarray([e.end for e in edits], dtype=np.int64)
        self._after_lens = np.asarray([len(e.after) for e in edits], dtype=np.int64)

    def __repr__(self) -> str:
        return f"Normalized({len(self.raw)} raw chars, {len(self.edits)} edits)"

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the span of ``raw`` it came from."""
        return int(self.raw_offsets([start], side="start")[0]), int(
            self.raw_offsets([end], side="end")[0]
        )

    def raw_offsets(self, positions, side: str = "start") -> np.ndarray:
        """Map normalised offsets to raw offsets (``side`` is "start" or "end" of a span)."""
        pos = np.asarray(positions, dtype=np.int64)
        if not len(self.edits):
            return pos.copy()
        k = np.searchsorted(self._norm_starts_np, pos, side="right") - 1
        safe_k = np.clip(k, 0, None)
        edit_norm_start = self._norm_starts_np[safe_k]
        edit_norm_end = edit_norm_start + self._after_lens[safe_k]
        after_edit = pos - edit_norm_end + self._raw_ends[safe_k]
        if side == "start":
            inside = pos < edit_norm_end
        else:
            inside = pos <= edit_norm_end
            inside &= pos > edit_norm_start
        mapped_inside = self._raw_starts[safe_k] if side == "start" else self._raw_ends[safe_k]
        out = np.where(inside, mapped_inside, after_edit)
        return np.where(k < 0, pos, out)

    def norm_offsets(self, positions) -> np.ndarray:
        """Map raw offsets to offsets in the normalised text (a deleted character maps to the gap)."""
        pos = np.asarray(positions, dtype=np.int64)
        if not len(self.edits):
            return pos.copy()
        k = np.searchsorted(self._raw_starts, pos, side="right") - 1
        safe_k = np.clip(k, 0, None)
        inside = pos < self._raw_ends[safe_k]
        edit_norm_end = self._norm_starts_np[safe_k] + self._after_lens[safe_k]
        after_edit = pos - self._raw_ends[safe_k] + edit_norm_end
        out = np.where(inside, self._norm_starts_np[safe_k], after_edit)
        # zero-width insertions at exactly pos: the raw char follows the inserted text
        return np.where(k < 0, pos, out)

    @cached_property
    def audit(self) -> pd.DataFrame:
        """Every change normalisation made: raw span, text before and after, and the rule."""
        rows = [(e.start, e.end, self.raw[e.start : e.end], e.after, e.rule) for e in self.edits]
        folds = [
            (m.start(), m.end(), m.group(), m.group().translate(FOLD_TABLE), _FOLD_RULES[m.group()])
            for m in _FOLD_RE.finditer(self.raw)
        ]
        table = pd.DataFrame(rows + folds, columns=["start", "end", "before", "after", "rule"])
        return table.sort_values(["start", "end"], kind="stable").reset_index(drop=True)


def find_edits(raw: str, words: list[tuple[int, str]] | None = None) -> list[Edit]:
    """All length-changing edits normalisation makes to ``raw``, sorted and non-overlapping."""
    edits = [
        Edit(m.start(), m.end(), _replacement(m.lastgroup, m), m.lastgroup)
        for m in _EDIT_RE.finditer(raw)
    ]
    if words is None:
        words = [(m.start(), m.group()) for m in re.finditer(WORD, raw)]
    for start, word in words:
        for offset, rule in _zwnj_insertions_in_raw(word):
            edits.append(Edit(start + offset, start + offset, ZWNJ, f"zwnj_{rule}"))
    edits.sort(key=lambda e: (e.start, e.end))
    merged: list[Edit] = []
    last_end = -1
    for edit in edits:
        if edit.start < last_end or (merged and edit.start == last_end == edit.end == merged[-1].end
                                     and merged[-1].start == merged[-1].end):
            continue
        merged.append(edit)
        last_end = edit.end
    return merged


def normalize_text(raw: str) -> Normalized:
    """Normalise ``raw`` and keep the offset map and audit of what changed."""
    return Normalized(raw, find_edits(raw))


def normalize(text: str) -> str:
    """The normalised form of a Persian text (see ``normalize_text`` for the audit)."""
    return normalize_text(text).text


def fold_digits(text: str) -> str:
    """Persian, Arabic-Indic and Latin digits as Latin digits, for reading numbers."""
    return text.translate(
        str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, "0123456789" * 2)
    )
