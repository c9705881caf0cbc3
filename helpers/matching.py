"""Find dictionary phrases in a token table: leftmost-longest, on normalised and folded forms.

Places, threats and themes all use this one matcher. A phrase is a space-separated sequence of
Persian words; a word ending in ``*`` matches any form that starts with it (``تروریس*``), and
quanteda's globs ``*`` and ``?`` elsewhere in a word match the whole form (``*ستان``). Each
token is tried in three forms: its normalised form (restored ZWNJs, Persian letters), its folded
form (plural to singular) and its base (the part before an attached suffix such as ‌ها, ‌ای, or
the ezafe hamza). Matching starts only at tokens that can begin a phrase, so a text is scanned
once however many phrases there are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from helpers.morphology import lemma
from helpers.normalization import EZAFE_HAMZA, ZWNJ, normalize_word

#: A phrase that can start at a token: (number of words, phrase, first word's form rank, and
#: its later words as (word, is_prefix, memo of token norm -> form rank)).
Candidate = tuple[int, "Phrase", int, tuple[tuple[str, bool, dict], ...]]
#: The distinct norms of a text and, per token, the index of its norm among them.
Vocabulary = tuple[list[str], np.ndarray]

MATCH_COLUMNS = ["first_token", "end_token", "start", "end", "surface", "key", "pattern", "form"]


class PatternError(ValueError):
    """A dictionary pattern that cannot be used."""


@dataclass(frozen=True)
class Phrase:
    """One pattern: its words and the key it stands for. ``prefix`` says how each word matches:
    False exactly, True as a prefix (a trailing ``*``), or a compiled glob (``*``/``?`` inside
    a word, as quanteda allows) that the whole form must match."""

    words: tuple[str, ...]
    prefix: tuple[bool | re.Pattern, ...]
    key: Hashable
    pattern: str


@lru_cache(maxsize=200_000)
def token_forms(norm: str) -> tuple[tuple[str, str], ...]:
    """The (form, kind) pairs a token is matched in: normalised, folded, base before a suffix.

    Latin letters are matched without case (patterns are lower-cased too): NATO, Nato, nato.
    """
    norm = norm.lower() if norm.isascii() else norm
    forms = [(norm, "norm")]
    folded = lemma(norm)
    if folded != norm:
        forms.append((folded, "fold"))
    base = norm.rstrip(EZAFE_HAMZA).split(ZWNJ)[0]
    if base and all(base != f for f, _ in forms):
        forms.append((base, "base"))
    return tuple(forms)


_GLOB = re.compile(r"([*?])")


def parse_pattern(pattern: str, key: Hashable) -> Phrase:
    """Split a pattern into normalised words, marking wildcards; raise PatternError if bad.

    ``تروریس*`` matches any word starting with تروریس (the fast, common case); quanteda's other
    globs, ``*`` and ``?`` anywhere in a word (``*ستان``, ``?ایران``), match the whole form.
    """
    if not isinstance(pattern, str) or not pattern.strip():
        raise PatternError(f"Empty pattern for {key!r}: give at least one Persian word.")
    words, prefix = [], []
    for word in pattern.split():
        core = word[:-1] if word.endswith("*") else word
        word = word.lower() if word.isascii() else word  # Latin letters match without case
        core = core.lower() if core.isascii() else core
        if "*" not in core and "?" not in core:
            literal, kind = normalize_word(core), word.endswith("*")
        else:  # a glob: normalise the literal pieces, match the whole form
            pieces = _GLOB.split(word)
            literal = "".join(p if p in "*?" else normalize_word(p) for p in pieces if p)
            kind = re.compile("".join(".*" if p == "*" else "." if p == "?"
                                      else re.escape(normalize_word(p)) for p in pieces if p))
        if not literal.strip("*?"):
            raise PatternError(
                f"Empty pattern for {key!r}: {core!r} in {pattern!r} normalises to nothing (only "
                "tatweel, diacritics, joiners or wildcards); write the letters of the word.")
        words.append(literal)
        prefix.append(kind)
    return Phrase(tuple(words), tuple(prefix), key, pattern)


class PhraseMatcher:
    """Many phrases, found in one pass over a token table (leftmost-longest, non-overlapping)."""

    def __init__(self, patterns: Iterable[tuple[str, Hashable]]):
        self.phrases = [parse_pattern(p, k) for p, k in patterns]
        self._exact: dict[str, list[Phrase]] = defaultdict(list)
        self._prefix: dict[str, list[Phrase]] = defaultdict(list)
        self._globs: list[Phrase] = []  # phrases whose first word is a glob: tried on every form
        for phrase in self.phrases:
            if isinstance(phrase.prefix[0], re.Pattern):
                self._globs.append(phrase)
                continue
            index = self._prefix if phrase.prefix[0] else self._exact
            index[phrase.words[0]].append(phrase)
        self._prefix_lengths = sorted({len(p) for p in self._prefix})
        # Per-matcher memo of what each distinct token can start and match; a matcher reused
        # over a corpus therefore pays for each vocabulary word once.
        self._candidate_cache: dict[str, _Starts | tuple[()]] = {}
        # Per pattern word (and whether it is a prefix): {token norm: form rank or None}.
        self._word_caches: dict[tuple[str, bool], dict[str, int | None]] = {}
        # Per phrase: its words after the first, each with its memo (see _longest_at).
        self._checks = {id(phrase): tuple(
            (word, is_prefix, self._word_caches.setdefault((word, is_prefix), {}))
            for word, is_prefix in zip(phrase.words[1:], phrase.prefix[1:], strict=True)
        ) for phrase in self.phrases}

    def __len__(self) -> int:
        return len(self.phrases)

    def __reduce__(self):
        # A copy or a pickle is built again from the patterns: the memos are keyed by the
        # identity of this matcher's own phrase objects.
        return (PhraseMatcher, ([(p.pattern, p.key) for p in self.phrases],))

    def _starting(self, forms: tuple[tuple[str, str], ...]) -> list[Phrase]:
        found: list[Phrase] = []
        for form, _kind in forms:
            found.extend(self._exact.get(form, ()))
            for n in self._prefix_lengths:
                if n <= len(form):
                    found.extend(self._prefix.get(form[:n], ()))
            found.extend(p for p in self._globs if p.prefix[0].fullmatch(form))
        return found

    def _candidates(self, norm: str) -> _Starts | tuple[()]:
        """Phrases that can start at a token, best first: (length, phrase, rank, later words).

        ``rank`` is the first word's form rank; later words are ``(word, is_prefix, memo)``.
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
                ranked.append((len(phrase.words), phrase, first, self._checks[id(phrase)]))
        ranked.sort(key=lambda c: (c[0], len(c[1].pattern)), reverse=True)  # stable
        result = _Starts(tuple(ranked)) if ranked else ()
        if len(self._candidate_cache) < _CACHE_LIMIT:
            self._candidate_cache[norm] = result
        return result

    def _starters(self, norms: list[str]) -> dict[str, tuple[tuple[int, Phrase, int], ...]]:
        """The candidates of each distinct token that can start a phrase."""
        return _starting_candidates(norms, self._candidate_cache, self._candidates)

    def matches(
        self, norms: list[str], vocabulary: Vocabulary | None = None
    ) -> list[tuple[int, int, Phrase, int]]:
        """Leftmost-longest matches in a list of token norms: (first, end, phrase, form rank).

        ``vocabulary`` (the distinct norms and each token's index into them) saves a pass over
        every token when the caller has it (``TokenColumns.vocabulary``).
        """
        candidates = self._starters(norms if vocabulary is None else vocabulary[0])
        if not candidates:
            return []
        out = []
        free = 0  # where the next match may start
        for i in _positions(norms, candidates, vocabulary):
            if i >= free:
                hit = _longest_at(norms, i, candidates[norms[i]])
                if hit is not None:
                    out.append((i, *hit))
                    free = hit[0]
        return out

    def find(self, tokens: pd.DataFrame, raw: str | None = None) -> pd.DataFrame:
        """One row per match: token range, raw span, surface, key, pattern and matched form."""
        return matches_table(self.matches(tokens["norm"].tolist()), tokens, raw)


def matches_table(
    found: list[tuple[int, int, Phrase, int]], tokens: pd.DataFrame, raw: str | None
) -> pd.DataFrame:
    """The table of ``PhraseMatcher.find`` for matches from ``PhraseMatcher.matches``."""
    if not found:
        return _empty_matches()
    starts = tokens["start"].tolist()
    ends = tokens["end"].tolist()
    rows = []
    for i, last, phrase, rank in found:
        start, end = starts[i], ends[last - 1]
        surface = (raw[start:end] if raw is not None
                   else " ".join(tokens["surface"].iloc[i:last]))
        rows.append((i, last, start, end, surface, phrase.key, phrase.pattern, FORM_NAMES[rank]))
    return pd.DataFrame(dict(zip(MATCH_COLUMNS, map(list, zip(*rows)))))


class _Starts:
    """The phrases that can start at one token norm (best first), and which of them its next
    token leaves standing.

    Most tokens that can start a phrase (از, به, ائتلاف) start only phrases of several words
    that the next word rules out; ``viable`` settles that with one lookup per next norm.
    """

    __slots__ = ("all", "_by_next")

    def __init__(self, candidates: tuple[Candidate, ...]):
        self.all = candidates
        self._by_next: dict[str, tuple[Candidate, ...]] = {}

    def viable(self, next_norm: str) -> tuple[Candidate, ...]:
        """The candidates that are one word long or whose second word ``next_norm`` can be."""
        found = self._by_next.get(next_norm)
        if found is None:
            found = tuple(c for c in self.all
                          if c[0] == 1 or _check_rank(*c[3][0], next_norm) is not None)
            if len(self._by_next) < _NEXT_LIMIT:
                self._by_next[next_norm] = found
        return found


def _check_rank(word: str, is_prefix: bool, memo: dict, norm: str) -> int | None:
    """How loosely a token ``norm`` matches one later pattern word (memoised per word)."""
    r = memo.get(norm, _UNSEEN)
    if r is _UNSEEN:
        r = _word_rank(token_forms(norm), word, is_prefix)
        if len(memo) < _CACHE_LIMIT:
            memo[norm] = r
    return r


def _longest_at(norms: list[str], i: int, starts: _Starts) -> tuple[int, Phrase, int] | None:
    """The first candidate (the leftmost-longest) matching at token ``i``: (end, phrase, rank)."""
    n_tokens = len(norms)
    found = starts.viable(norms[i + 1]) if i + 1 < n_tokens else starts.all
    for length, phrase, rank, checks in found:
        if i + length > n_tokens:
            continue
        j = i
        for word, is_prefix, memo in checks:
            j += 1
            norm = norms[j]
            r = memo.get(norm, _UNSEEN)
            if r is _UNSEEN:
                r = _check_rank(word, is_prefix, memo, norm)
            if r is None:
                break
            if r > rank:
                rank = r
        else:
            return i + length, phrase, rank
    return None


class MatcherSet:
    """Several PhraseMatchers run in one pass over the tokens, each with its own matches.

    Each matcher stays leftmost-longest and non-overlapping on its own; matches of different
    matchers may overlap. The result is what each matcher's ``matches`` would give.
    """

    def __init__(self, matchers: Iterable[PhraseMatcher]):
        self.matchers = list(matchers)
        self._cache: dict[str, tuple[tuple[int, tuple], ...]] = {}

    def _candidates(self, norm: str) -> tuple[tuple[int, tuple], ...]:
        found = tuple(
            (k, c) for k, m in enumerate(self.matchers) if (c := m._candidates(norm))
        )
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[norm] = found
        return found

    def matches(
        self, norms: list[str], vocabulary: Vocabulary | None = None
    ) -> list[list[tuple[int, int, Phrase, int]]]:
        """Per matcher, its matches as ``PhraseMatcher.matches`` returns them."""
        out: list[list[tuple[int, int, Phrase, int]]] = [[] for _ in self.matchers]
        free = [0] * len(self.matchers)  # where each matcher's next match may start
        starters = _starting_candidates(norms if vocabulary is None else vocabulary[0],
                                        self._cache, self._candidates)
        for i in _positions(norms, starters, vocabulary):
            for k, candidates in starters[norms[i]]:
                if free[k] <= i:
                    hit = _longest_at(norms, i, candidates)
                    if hit is not None:
                        out[k].append((i, *hit))
                        free[k] = hit[0]
        return out


def _empty_matches() -> pd.DataFrame:
    """The table of no matches: the match columns, no rows."""
    return pd.DataFrame([], columns=MATCH_COLUMNS)


def _word_rank(forms: tuple[tuple[str, str], ...], word: str,
               is_prefix: bool | re.Pattern) -> int | None:
    """How loosely a token (given its forms) matches one pattern word: 0 norm, 1 fold, 2 base."""
    if isinstance(is_prefix, re.Pattern):
        for form, kind in forms:
            if is_prefix.fullmatch(form):
                return _FORM_RANK[kind]
        return None
    for form, kind in forms:
        if form == word or (is_prefix and form.startswith(word)):
            return _FORM_RANK[kind]
    return None


FORM_NAMES = ("norm", "fold", "base")
_UNSEEN = object()
_CACHE_LIMIT = 500_000
_NEXT_LIMIT = 2_000  # next norms remembered per starting norm (beyond it: worked out each time)
_FORM_RANK = {name: rank for rank, name in enumerate(FORM_NAMES)}


def _starting_candidates(norms: list[str], cache: dict, candidates_of) -> dict:
    """For each distinct token that can start a phrase, its (cached) candidates."""
    starters = {}
    for norm in set(norms):
        found = cache.get(norm)
        if found is None:
            found = candidates_of(norm)
        if found:
            starters[norm] = found
    return starters


def _positions(norms: list[str], starters: dict, vocabulary: Vocabulary | None) -> list[int]:
    """The token positions whose norm can start a phrase, in order."""
    if vocabulary is None:
        return [i for i, norm in enumerate(norms) if norm in starters]
    distinct, codes = vocabulary
    starts = np.fromiter(map(starters.__contains__, distinct), dtype=bool, count=len(distinct))
    return np.flatnonzero(starts[codes]).tolist()
