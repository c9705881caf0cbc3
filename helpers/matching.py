"""Find dictionary phrases in a token table: leftmost-longest, on normalised and folded forms.

Places, threats and themes all use this one matcher. A phrase is a space-separated sequence of
Persian words; a word ending in ``*`` matches any form that starts with it (``تروریس*``). Each
token is tried in three forms: its normalised form (restored ZWNJs, Persian letters), its folded
form (plural to singular) and its base (the part before an attached suffix such as ‌ها, ‌ای, or
the ezafe hamza). Matching starts only at tokens that can begin a phrase, so a text is scanned
once however many phrases there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from helpers.morphology import lemma
from helpers.normalize import EZAFE_HAMZA, ZWNJ, normalize_word

MATCH_COLUMNS = ["first_token", "end_token", "start", "end", "surface", "key", "pattern", "form"]


class PatternError(ValueError):
    """A dictionary pattern that cannot be used."""


@dataclass(frozen=True)
class Phrase:
    """One pattern: its words (``prefix`` marks a trailing ``*``) and the key it stands for."""

    words: tuple[str, ...]
    prefix: tuple[bool, ...]
    key: Hashable
    pattern: str


@lru_cache(maxsize=200_000)
def token_forms(norm: str) -> tuple[tuple[str, str], ...]:
    """The (form, kind) pairs a token is matched in: normalised, folded, base before a suffix."""
    forms = [(norm, "norm")]
    folded = lemma(norm)
    if folded != norm:
        forms.append((folded, "fold"))
    base = norm.rstrip(EZAFE_HAMZA).split(ZWNJ)[0]
    if base and all(base != f for f, _ in forms):
        forms.append((base, "base"))
    return tuple(forms)


def parse_pattern(pattern: str, key: Hashable) -> Phrase:
    """Split a pattern into normalised words, marking ``*`` wildcards; raise PatternError if bad."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise PatternError(f"Empty pattern for {key!r}: give at least one Persian word.")
    words, prefix = [], []
    for word in pattern.split():
        is_prefix = word.endswith("*")
        core = word.rstrip("*")
        if "*" in core or not core:
            raise PatternError(
                f"Pattern {pattern!r} for {key!r}: '*' may only end a word (as in تروریس*)."
            )
        words.append(normalize_word(core))
        prefix.append(is_prefix)
    return Phrase(tuple(words), tuple(prefix), key, pattern)


class PhraseMatcher:
    """Many phrases, found in one pass over a token table (leftmost-longest, non-overlapping)."""

    def __init__(self, patterns: Iterable[tuple[str, Hashable]]):
        self.phrases = [parse_pattern(p, k) for p, k in patterns]
        self._exact: dict[str, list[Phrase]] = defaultdict(list)
        self._prefix: dict[str, list[Phrase]] = defaultdict(list)
        for phrase in self.phrases:
            index = self._prefix if phrase.prefix[0] else self._exact
            index[phrase.words[0]].append(phrase)
        self._prefix_lengths = sorted({len(p) for p in self._prefix})

    def __len__(self) -> int:
        return len(self.phrases)

    def _starting(self, forms: tuple[tuple[str, str], ...]) -> list[Phrase]:
        found: list[Phrase] = []
        for form, _kind in forms:
            found.extend(self._exact.get(form, ()))
            for n in self._prefix_lengths:
                if n <= len(form):
                    found.extend(self._prefix.get(form[:n], ()))
        return found

    def find(self, tokens: pd.DataFrame, raw: str | None = None) -> pd.DataFrame:
        """One row per match: token range, raw span, surface, key, pattern and matched form."""
        norms = tokens["norm"].tolist()
        starts = tokens["start"].tolist()
        ends = tokens["end"].tolist()
        forms_of = {n: token_forms(n) for n in set(norms)}
        can_start = {n for n, f in forms_of.items() if self._starting(f)}
        rows = []
        next_free = 0
        n_tokens = len(norms)
        for i, norm in enumerate(norms):
            if i < next_free or norm not in can_start:
                continue
            best: tuple[int, int, Phrase, str] | None = None
            for phrase in self._starting(forms_of[norm]):
                length = len(phrase.words)
                if i + length > n_tokens:
                    continue
                form = _match_at(phrase, norms, i, forms_of)
                if form is None:
                    continue
                rank = (length, len(phrase.pattern))
                if best is None or rank > best[:2]:
                    best = (*rank, phrase, form)
            if best is None:
                continue
            _, _, phrase, form = best
            last = i + len(phrase.words)
            start, end = starts[i], ends[last - 1]
            surface = raw[start:end] if raw is not None else " ".join(tokens["surface"].iloc[i:last])
            rows.append((i, last, start, end, surface, phrase.key, phrase.pattern, form))
            next_free = last
        return pd.DataFrame(rows, columns=MATCH_COLUMNS)


def _match_at(
    phrase: Phrase, norms: list[str], i: int, forms_of: dict[str, tuple[tuple[str, str], ...]]
) -> str | None:
    """If ``phrase`` matches at token ``i``, the loosest form it needed ("norm", "fold", "base")."""
    loosest = 0
    for j, (word, is_prefix) in enumerate(zip(phrase.words, phrase.prefix)):
        for form, kind in forms_of[norms[i + j]]:
            if form == word or (is_prefix and form.startswith(word)):
                loosest = max(loosest, _FORM_RANK[kind])
                break
        else:
            return None
    return _FORM_NAMES[loosest]


_FORM_NAMES = ("norm", "fold", "base")
_FORM_RANK = {name: rank for rank, name in enumerate(_FORM_NAMES)}
