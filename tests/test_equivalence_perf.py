"""The faster paths find exactly what the plain ones do: one pass for many matchers, cheap attrs."""

from __future__ import annotations

import copy
import pickle
import random

import pandas as pd
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
    assert isinstance(copy.deepcopy(mentions.attrs)["dictionary"], str)  # a key, not the dictionary
    assert helpers.theme_counts(mentions.head(3))["count"].sum() == 3


def test_mention_tables_pickle_and_save_with_their_attrs(seed_doc, tmp_path):
    import pickle

    pytest.importorskip("pyarrow")
    mentions = helpers.find_themes(seed_doc)
    again = pickle.loads(pickle.dumps(mentions))
    assert helpers.theme_counts(again).equals(helpers.theme_counts(mentions))
    mentions.to_parquet(tmp_path / "themes.parquet")
    read = pd.read_parquet(tmp_path / "themes.parquet")
    assert read.attrs["words"] == mentions.attrs["words"]
    assert helpers.theme_counts(read, doc=seed_doc)["count"].sum() == len(mentions)


def test_a_copied_dictionary_is_its_own(seed_doc):
    book = helpers.load_themes()
    mine = copy.deepcopy(book)
    assert mine is not book and mine.patterns is not book.patterns
    mine.patterns.loc[0, "pattern"] = "چیزی دیگر"
    assert book.patterns.loc[0, "pattern"] != "چیزی دیگر"
    expected = helpers.find_themes(seed_doc, book)
    other = helpers.load_document("نیروهای ائتلاف در عراق با گروه‌های تروریستی مبارزه کردند.")
    # A copy or a pickle made after use is its own dictionary and finds what the original does,
    # also in a text whose words the original's caches have not seen.
    for mine in (copy.deepcopy(book), pickle.loads(pickle.dumps(book))):
        found = helpers.find_themes(seed_doc, mine)
        assert helpers.themes._book_of(found) is mine.dictionary
        pd.testing.assert_frame_equal(found, expected)
        pd.testing.assert_frame_equal(helpers.find_themes(other, mine),
                                      helpers.find_themes(other, book))


def test_mentions_outliving_their_dictionary(seed_doc, tmp_path):
    import gc

    text = (helpers.data_dir() / "themes" / "themes.yaml").read_text(encoding="utf-8")
    path = tmp_path / "my_themes.yaml"
    path.write_text(text, encoding="utf-8")
    mentions = helpers.find_themes(seed_doc, helpers.load_themes(path))
    gc.collect()  # the researcher's dictionary object is gone: it is read again from its file
    assert helpers.theme_counts(mentions)["count"].sum() == len(mentions)
    path.unlink()  # and when the file is gone too, say so rather than use another dictionary
    gc.collect()
    with pytest.raises(ValueError, match="my_themes.yaml"):
        helpers.theme_counts(mentions)
    default = helpers.find_themes(seed_doc)  # the default one can always be loaded again
    assert helpers.theme_counts(default)["count"].sum() == len(default)
