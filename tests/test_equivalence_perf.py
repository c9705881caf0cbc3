"""The faster paths find exactly what the plain ones do: one pass for many matchers, cheap attrs."""

from __future__ import annotations

import copy
import random

import pytest

import helpers
from helpers.matching import MatcherSet, PhraseMatcher


def _random_matchers(rng: random.Random, words: list[str]) -> list[PhraseMatcher]:
    matchers = []
    for _ in range(rng.randint(1, 6)):
        patterns = []
        for k in range(rng.randint(1, 30)):
            i = rng.randrange(len(words))
            chosen = [w if rng.random() < 0.7 or len(w) < 3 else w[:-1] + "*"
                      for w in words[i : i + rng.randint(1, 4)]]
            if chosen:
                patterns.append((" ".join(chosen), f"k{k % 4}"))
        matchers.append(PhraseMatcher(patterns))
    return matchers


@pytest.mark.parametrize("seed", range(20))
def test_matcher_set_equals_each_matcher_alone(seed_doc, seed):
    rng = random.Random(seed)
    norms = seed_doc.tokens["norm"].tolist()
    words = [w for w in norms if w.isalpha()]
    matchers = _random_matchers(rng, words)
    together = MatcherSet(matchers).matches(norms)
    assert together == [m.matches(norms) for m in matchers]


def test_theme_matchers_in_one_pass(seed_doc):
    book = helpers.load_themes()
    norms = seed_doc.tokens["norm"].tolist()
    together = book.scanner.matches(norms)
    assert together == [m.matches(norms) for m in book.scanner.matchers]
    assert any(together)


def test_mention_attrs_copy_cheaply(seed_doc):
    book = helpers.load_themes()
    mentions = helpers.find_themes(seed_doc, book)
    assert copy.deepcopy(mentions.attrs)["themes"] is book
    assert mentions.head(3).attrs["themes"] is book
    assert helpers.theme_counts(mentions.head(3))["count"].sum() == 3
