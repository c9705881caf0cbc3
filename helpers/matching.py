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
from helpers.normalization import EZAFE_HAMZA, ZWNJ, normalize_word

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
        # Per-matcher memo of what each distinct token can start and match; a matcher reused
        # over a corpus therefore pays for each vocabulary word once.
        self._candidate_cache: dict[str, tuple[tuple[int, Phrase, int], ...]] = {}
        self._rank_cache: dict[tuple[str, str, bool], int | None] = {}

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

    def _candidates(self, norm: str) -> tuple[tuple[int, Phrase, int], ...]:
        """Phrases that can start at a token, best first: (length, phrase, first word's form rank).

        Sorted by (words, pattern length) descending and otherwise in the order ``_starting``
        finds them, so the first one that matches is the leftmost-longest choice.
        """
        cached = self._candidate_cache.get(norm)
        if cached is not None:
            return cached
        forms = token_forms(norm)
        seen: set[int] = set()
        ranked = []
        for phrase in self._starting(forms):
            if id(phrase) in seen:
                continue
            seen.add(id(phrase))
            first = _word_rank(forms, phrase.words[0], phrase.prefix[0])
            if first is not None:
                ranked.append((len(phrase.words), phrase, first))
        ranked.sort(key=lambda c: (c[0], len(c[1].pattern)), reverse=True)  # stable
        result = tuple(ranked)
        if len(self._candidate_cache) < _CACHE_LIMIT:
            self._candidate_cache[norm] = result
        return result

    def _rank_at(self, norm: str, word: str, is_prefix: bool) -> int | None:
        key = (norm, word, is_prefix)
        try:
            return self._rank_cache[key]
        except KeyError:
            rank = _word_rank(token_forms(norm), word, is_prefix)
            if len(self._rank_cache) < _CACHE_LIMIT:
                self._rank_cache[key] = rank
            return rank

    def find(self, tokens: pd.DataFrame, raw: str | None = None) -> pd.DataFrame:
        """One row per match: token range, raw span, surface, key, pattern and matched form."""
        norms = tokens["norm"].tolist()
        candidates = {}
        cache = self._candidate_cache
        for norm in set(norms):
            found = cache.get(norm)
            if found is None:
                found = self._candidates(norm)
            if found:
                candidates[norm] = found
        if not candidates:
            return _empty_matches()
        starts = tokens["start"].tolist()
        ends = tokens["end"].tolist()
        rank_at = self._rank_at
        rows = []
        n_tokens = len(norms)
        i = 0
        while i < n_tokens:
            found = candidates.get(norms[i])
            if found is None:
                i += 1
                continue
            for length, phrase, rank in found:
                if i + length > n_tokens:
                    continue
                for j in range(1, length):
                    r = rank_at(norms[i + j], phrase.words[j], phrase.prefix[j])
                    if r is None:
                        break
                    if r > rank:
                        rank = r
                else:
                    last = i + length
                    start, end = starts[i], ends[last - 1]
                    surface = (raw[start:end] if raw is not None
                               else " ".join(tokens["surface"].iloc[i:last]))
                    rows.append((i, last, start, end, surface, phrase.key, phrase.pattern,
                                 _FORM_NAMES[rank]))
                    i = last
                    break
            else:
                i += 1
        if not rows:
            return _empty_matches()
        return pd.DataFrame(dict(zip(MATCH_COLUMNS, map(list, zip(*rows)))))


def _empty_matches() -> pd.DataFrame:
    """The table of no matches: the match columns, no rows."""
    return pd.DataFrame([], columns=MATCH_COLUMNS)


def _word_rank(forms: tuple[tuple[str, str], ...], word: str, is_prefix: bool) -> int | None:
    """How loosely a token (given its forms) matches one pattern word: 0 norm, 1 fold, 2 base."""
    for form, kind in forms:
        if form == word or (is_prefix and form.startswith(word)):
            return _FORM_RANK[kind]
    return None


_FORM_NAMES = ("norm", "fold", "base")
_CACHE_LIMIT = 500_000
_FORM_RANK = {name: rank for rank, name in enumerate(_FORM_NAMES)}
