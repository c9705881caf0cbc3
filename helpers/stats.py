"""Word counts for a Document: how often each word occurs, with or without stop words."""

from __future__ import annotations

import pandas as pd

from helpers.document import Document
from helpers.morphology import is_stopword

FORMS = ("surface", "norm", "fold")


def word_frequencies(
    doc: Document, *, stopwords: bool = True, form: str = "fold", part: str | None = "body"
) -> pd.DataFrame:
    """Count the words of ``doc``: one row per word form, most frequent first.

    ``form`` is the token column counted (``fold``: plural and singular together; ``norm``;
    ``surface``: as written). ``stopwords=True`` leaves out Persian stop words (and words without
    a letter, such as numbers). ``part`` is ``"body"``, ``"title"`` or ``None`` for both.
    Columns: ``word``, ``count``, ``share`` (of the counted words), ``rank``, ``first_start``
    (raw offset of the first occurrence) and ``surfaces`` (the written forms, most common first).
    """
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, not {form!r}")
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
    columns = ["word", "count", "share", "rank", "first_start", "surfaces"]
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
    return table[columns].reset_index(drop=True)
