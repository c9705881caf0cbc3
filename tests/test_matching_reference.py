"""The optimised PhraseMatcher finds exactly what the plain leftmost-longest algorithm finds."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from helpers.matching import MATCH_COLUMNS, PhraseMatcher, token_forms

_RANK = {"norm": 0, "fold": 1, "base": 2}


def reference_find(matcher: PhraseMatcher, tokens: pd.DataFrame, raw: str) -> pd.DataFrame:
    """The matcher's documented rule, written plainly: at each free token try every phrase."""
    norms = tokens["norm"].tolist()
    rows, i = [], 0
    while i < len(norms):
        best = None
        for phrase in matcher.phrases:
            n = len(phrase.words)
            if i + n > len(norms):
                continue
            loosest = 0
            for j, (word, is_prefix) in enumerate(zip(phrase.words, phrase.prefix)):
                ranks = [_RANK[kind] for form, kind in token_forms(norms[i + j])
                         if form == word or (is_prefix and form.startswith(word))]
                if not ranks:
                    break
                loosest = max(loosest, ranks[0])
            else:
                rank = (n, len(phrase.pattern))
                if best is None or rank > best[0]:
                    best = (rank, phrase, loosest)
        if best is None:
            i += 1
            continue
        _, phrase, loosest = best
        last = i + len(phrase.words)
        start, end = int(tokens["start"].iloc[i]), int(tokens["end"].iloc[last - 1])
        rows.append((i, last, start, end, raw[start:end], phrase.key, phrase.pattern,
                     ("norm", "fold", "base")[loosest]))
        i = last
    return pd.DataFrame(rows, columns=MATCH_COLUMNS)


def _random_patterns(rng: random.Random, words: list[str]) -> list[tuple[str, str]]:
    patterns = []
    for k in range(rng.randint(1, 40)):
        i = rng.randrange(len(words))
        chosen = words[i : i + rng.randint(1, 4)]
        chosen = [w if rng.random() < 0.7 or len(w) < 3 else w[: len(w) - 1] + "*"
                  for w in chosen]
        if chosen:
            patterns.append((" ".join(chosen), f"k{k % 5}"))
    return patterns


@pytest.mark.parametrize("seed", range(25))
def test_optimised_matcher_equals_reference(seed_doc, seed):
    tokens = seed_doc.tokens
    words = tokens.loc[tokens["kind"] == "word", "surface"].tolist()
    patterns = _random_patterns(random.Random(seed), words)
    matcher = PhraseMatcher(patterns)
    expected = reference_find(matcher, tokens, seed_doc.raw)
    found = matcher.find(tokens, seed_doc.raw)
    pd.testing.assert_frame_equal(found, expected, check_dtype=False)
    again = matcher.find(tokens, seed_doc.raw)  # memoised second pass: same answer
    pd.testing.assert_frame_equal(again, found)
