"""Word counts for a Document: how often each word occurs, with or without stop words.

The ``gloss`` column gives a reader who does not read Persian the English meaning of each word
the shipped dictionaries know: a single-word pattern (no wildcard, not limited to a context)
whose normalised form equals the word, or whose lemma equals it, lends its entry's English label
(a pattern ending in ``*`` counts as its stem, so «تهدید*» glosses «تهدید»). A gloss is the label
the dictionary counts the word under, not a translation.
Places come first (the gazetteer's English name), then actors, threats and the two theme
dictionaries; the first that knows a word glosses it.
"""

from __future__ import annotations

import functools

import pandas as pd

from helpers._paths import data_dir
from helpers.document import Document
from helpers.lexicons import file_stamp
from helpers.morphology import is_stopword, lemma
from helpers.normalization import normalize_word

FORMS = ("surface", "norm", "fold")
COLUMNS = ["word", "gloss", "count", "share", "rank", "first_start", "surfaces"]
# The dictionaries that gloss words, in order of precedence (relative to data/).
GLOSS_SOURCES = ("gazetteer/gazetteer.csv", "actors/actors.yaml", "threats/threats.yaml",
                 "themes/themes.yaml", "themes/foreign_policy.yaml")


def word_frequencies(
    doc: Document, *, stopwords: bool = True, form: str = "fold", part: str | None = "body",
    gloss: bool = True,
) -> pd.DataFrame:
    """Count the words of ``doc``: one row per word form, most frequent first.

    ``form`` is the token column counted (``fold``: plural and singular together; ``norm``;
    ``surface``: as written). ``stopwords=True`` leaves out Persian stop words (and words without
    a letter, such as numbers). ``part`` is ``"body"``, ``"title"`` or ``None`` for both.
    Columns: ``word``, ``gloss`` (the English label a shipped dictionary gives the word, empty if
    none does; left out with ``gloss=False``), ``count``, ``share`` (of the counted words),
    ``rank``, ``first_start`` (raw offset of the first occurrence) and ``surfaces`` (the written
    forms, most common first).
    """
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, not {form!r}")
    columns = COLUMNS if gloss else [c for c in COLUMNS if c != "gloss"]
    tokens = doc.tokens
    words = tokens[tokens["kind"] == "word"]
    if part is not None:
        if part not in ("body", "title"):
            raise ValueError(f'part must be "body", "title" or None, not {part!r}')
        words = words[words["part"] == part]
    if stopwords:
        keep = [
            any(ch.isalpha() for ch in word) and not is_stopword(word) and not is_stopword(norm)
            for word, norm in zip(words[form], words["norm"])
        ]
        words = words[keep]
    if words.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("count", "rank", "first_start")
                                          else "float64" if c == "share" else "str")
                             for c in columns})
    grouped = words.groupby(form, sort=False)
    table = pd.DataFrame(
        {
            "count": grouped.size(),
            "first_start": grouped["start"].min(),
            "surfaces": grouped["surface"].agg(
                lambda s: " ".join(s.value_counts(sort=True).index)
            ),
        }
    )
    table.index.name = "word"
    table = table.reset_index()
    # Most frequent first; ties in order of first appearance, so the table is deterministic.
    table = table.sort_values(["count", "first_start"], ascending=[False, True], kind="stable")
    table["share"] = table["count"] / table["count"].sum()
    table["rank"] = range(1, len(table) + 1)
    if gloss:
        glossary = _current_glossary()
        table["gloss"] = [_lookup(glossary, word) for word in table["word"]]
    return table[columns].reset_index(drop=True)


def gloss_of(word: str) -> str:
    """The English gloss the shipped dictionaries give a Persian word ("" if none knows it)."""
    return _lookup(_current_glossary(), word)


def _lookup(glossary: tuple[dict[str, str], dict[str, str]], word: str) -> str:
    by_norm, by_lemma = glossary
    norm = normalize_word(word)
    return by_norm.get(norm) or by_lemma.get(norm) or by_lemma.get(lemma(norm), "")


def _current_glossary() -> tuple[dict[str, str], dict[str, str]]:
    """The glossary of the dictionaries as they are on disk now (rebuilt after an edit)."""
    return _glossary(*(file_stamp(data_dir() / s) for s in GLOSS_SOURCES))


@functools.lru_cache(maxsize=2)
def _glossary(*stamps: object) -> tuple[dict[str, str], dict[str, str]]:
    """Word -> English label, by normalised form and by lemma (``stamps``: reload on an edit)."""
    by_norm: dict[str, str] = {}
    by_lemma: dict[str, str] = {}
    for pattern, label in _single_word_labels():
        norm = normalize_word(pattern)
        by_norm.setdefault(norm, label)
        by_lemma.setdefault(lemma(norm), label)
    return by_norm, by_lemma


def _single_word_labels() -> list[tuple[str, str]]:
    """(pattern, English label) of every single-word, wildcard-free, context-free pattern."""
    from helpers.dictionary import load_dictionary
    from helpers.places import load_gazetteer

    pairs = []
    places = load_gazetteer(data_dir() / GLOSS_SOURCES[0])
    places = places[places["context"] == ""]
    for form, place, kind in zip(places["form"], places["place"], places["kind"]):
        pairs.append((form, f"{place} (adj.)" if kind == "demonym" else place))
    for source in GLOSS_SOURCES[1:]:
        d = load_dictionary(data_dir() / source)
        labels = dict(zip(zip(d.entries["category"], d.entries["key"]), d.entries["label_en"]))
        rows = d.patterns[~d.patterns["in_context"]]
        for category, key, pattern in zip(rows["category"], rows["key"], rows["pattern"]):
            pairs.append((pattern, labels[(category, key)]))
    # A trailing wildcard still names its stem: «تهدید*» glosses «تهدید».
    stems = [(p[:-1] if p.endswith("*") else p, label) for p, label in pairs]
    return [(p, label) for p, label in stems if p and not any(c in p for c in " *?")]
