"""Keyword-in-context tables and place × threat co-occurrence, built from span tables.

``kwic`` takes a text (or a corpus) and either a pattern in the dictionary syntax (a word, a
phrase such as ``شورای امنیت``, globs such as ``تحریم*``) or a mention table. A pattern is
matched by the package's one matcher (:class:`helpers.matching.PhraseMatcher`) on the
normalised and folded tokens; a mention table is used as it is. Either way the result is built
from spans (``start``, ``end`` into ``doc.raw``): the neighbouring tokens come from
``doc.tokens`` and the text shown is sliced from ``doc.raw``, so a row shows exactly what was
matched. Columns follow reading order, as in quanteda: ``pre`` (the words before), ``keyword``,
``post`` (the words after).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from helpers.document import Document, load_document
from helpers.matching import PhraseMatcher

KWIC_COLUMNS = ["doc_id", "start", "end", "pre", "keyword", "post"]
# Columns of a mention table that kwic does not carry over (it has its own view of them).
_DROPPED = {"surface", "first_token", "end_token"}
_SPACE = re.compile(r"\s+")
_UNITS = ("sentence", "paragraph")


def kwic(
    source,
    pattern: str | Iterable[str] | pd.DataFrame,
    window: int = 5,
) -> pd.DataFrame:
    """Keyword in context: one row per match of ``pattern`` (or per row of a mention table).

    ``source`` is a Document, several Documents, or a corpus result
    (``helpers.analyze_corpus``), whose texts are read again from ``documents["path"]``.
    ``pattern`` is a word, a phrase or a glob (``تحریم*``, ``*ستان``), a list of them, or
    a mention table with ``start`` and ``end`` (and ``doc_id`` for several texts). Each row has
    ``doc_id, start, end, pre, keyword, post``: ``window`` tokens before and after the keyword,
    as written in the raw text; a pattern search adds ``pattern, form, paragraph, sentence``,
    a mention table keeps its other columns.
    """
    if not isinstance(window, int | np.integer) or isinstance(window, bool) or window < 0:
        raise ValueError(f"window must be a number of tokens >= 0, not {window!r}")
    if isinstance(pattern, pd.DataFrame):
        missing = [c for c in ("start", "end") if c not in pattern.columns]
        if missing:
            raise KeyError(
                f"The mention table lacks {missing}: pass a table from find_places, "
                "find_threats, find_themes, or a pattern such as 'تحریم*'."
            )
    else:
        patterns = _patterns(pattern)
        matcher = PhraseMatcher([(p, p) for p in patterns])
    tables = []
    for doc, spans in _texts(source, pattern if isinstance(pattern, pd.DataFrame) else None):
        if spans is None:
            spans = _matches(doc, matcher)
        tables.append(_kwic_one(doc, spans, int(window)))
    if not tables:  # no text at all (an empty corpus): the columns a text would have given
        extra = (pattern.columns if isinstance(pattern, pd.DataFrame)
                 else ["pattern", "form", "paragraph", "sentence"])
        columns = KWIC_COLUMNS + [c for c in extra if c not in KWIC_COLUMNS and c not in _DROPPED]
        types = {"start": "int64", "end": "int64", "paragraph": "Int64", "sentence": "Int64"}
        if isinstance(pattern, pd.DataFrame):
            types.update(pattern.dtypes.astype(str).to_dict())
        return pd.DataFrame({c: pd.array([], dtype=types.get(c, "str")) for c in columns})
    if len(tables) == 1:
        return tables[0]
    return pd.concat(tables, ignore_index=True)


def _patterns(pattern: str | Iterable[str]) -> list[str]:
    """The patterns of a kwic search, as a list of non-empty strings."""
    if isinstance(pattern, str):
        patterns = [pattern]
    elif isinstance(pattern, Iterable):
        patterns = list(pattern)
    else:
        raise TypeError(
            "kwic() takes a pattern (a str such as 'تحریم*'), a list of patterns or a mention "
            f"table, not {type(pattern).__name__}."
        )
    bad = [p for p in patterns if not isinstance(p, str) or not p.strip()]
    if bad or not patterns:
        raise ValueError(
            f"kwic() needs patterns with at least one Persian word each, not {bad or patterns!r}."
        )
    return patterns


def _texts(source, mentions: pd.DataFrame | None) -> Iterator[tuple[Document, pd.DataFrame]]:
    """Each text of ``source`` with its rows of ``mentions`` (None when searching a pattern)."""
    if isinstance(source, Document):
        docs: Iterable[Document] = [source]
        if mentions is not None:
            yield source, mentions
            return
    elif hasattr(source, "documents") and isinstance(source.documents, pd.DataFrame):
        docs = _corpus_documents(source.documents, mentions)
    elif isinstance(source, Iterable) and not isinstance(source, str | bytes):
        docs = list(source)
        wrong = [type(d).__name__ for d in docs if not isinstance(d, Document)]
        if wrong:
            raise TypeError(f"kwic() takes Documents; got {sorted(set(wrong))}.")
    else:
        raise TypeError(
            "kwic() takes a Document (helpers.load_document), a list of them or a corpus result "
            f"(helpers.analyze_corpus), not {type(source).__name__}."
        )
    for doc in docs:
        if mentions is None:
            yield doc, None
        else:
            yield doc, _rows_of(mentions, doc.doc_id)


def _rows_of(mentions: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    if "doc_id" not in mentions.columns:
        raise KeyError(
            "With several texts the mention table needs a doc_id column to say which text each "
            "row is in; pass the table from the corpus result (e.g. corpus.places)."
        )
    return mentions[mentions["doc_id"].astype(str) == str(doc_id)]


def _corpus_documents(documents: pd.DataFrame, mentions: pd.DataFrame | None
                      ) -> Iterator[Document]:
    """The texts of a corpus result, read again from their paths (only those with mentions)."""
    missing = [c for c in ("doc_id", "path") if c not in documents.columns]
    if missing:
        raise KeyError(f"The corpus result's documents table lacks {missing}.")
    wanted = None
    if mentions is not None:
        if "doc_id" not in mentions.columns:
            _rows_of(mentions, "")
        wanted = set(mentions["doc_id"].astype(str))
    encodings = documents["encoding"] if "encoding" in documents.columns else [None] * len(
        documents)
    for doc_id, path, encoding in zip(documents["doc_id"].astype(str), documents["path"],
                                      encodings):
        if wanted is not None and doc_id not in wanted:
            continue
        if path is None or pd.isna(path):
            raise ValueError(
                f"Text {doc_id!r} has no path in the corpus result, so its words cannot be shown; "
                "load it with helpers.load_document and call kwic on the Document."
            )
        try:
            yield load_document(path, encoding=None if pd.isna(encoding) else encoding,
                                doc_id=doc_id)
        except FileNotFoundError as err:
            raise FileNotFoundError(
                f"kwic() reads the texts again, and {path} (text {doc_id!r}) is gone; put it "
                "back or run analyze_corpus again on the texts you have."
            ) from err


def _matches(doc: Document, matcher: PhraseMatcher) -> pd.DataFrame:
    """The matches of ``matcher`` in ``doc`` as spans, with where each one is."""
    tokens = doc.tokens
    found = matcher.find(tokens, doc.raw)
    first = found["first_token"].to_numpy(dtype=np.int64)
    return pd.DataFrame({
        "start": found["start"].to_numpy(dtype=np.int64),
        "end": found["end"].to_numpy(dtype=np.int64),
        "pattern": pd.array(found["pattern"], dtype="str"),
        "form": pd.array(found["form"], dtype="str"),
        "paragraph": tokens["paragraph"].array.take(first),
        "sentence": tokens["sentence"].array.take(first),
    })


def _kwic_one(doc: Document, spans: pd.DataFrame, window: int) -> pd.DataFrame:
    """The KWIC rows of one text's spans."""
    tokens = doc.tokens
    starts, ends = tokens["start"].to_numpy(), tokens["end"].to_numpy()
    parts = tokens["part"].astype(str).to_numpy()
    s, e = spans["start"].to_numpy(dtype=np.int64), spans["end"].to_numpy(dtype=np.int64)
    if len(spans) and (s.min() < 0 or e.max() > len(doc.raw) or (e < s).any()):
        raise ValueError(
            f"The spans do not fit the text of {doc.doc_id!r}: were they found in another "
            "document? Pass the Document the mention table was made from."
        )
    first = np.searchsorted(starts, s, side="left")
    after = np.searchsorted(starts, e, side="left")
    n = len(starts)
    # The context stays inside the span's part, so a title word never shows the body's start.
    part = parts[np.minimum(first, n - 1)] if n else np.array([], dtype=object)
    pre_tok = np.maximum(first - window, 0)
    post_tok = np.minimum(after + window, n) - 1
    raw = doc.raw
    pre, post = [], []
    for lo, f, hi, a, p, b, c in zip(pre_tok, first, post_tok, after, part, s, e):
        while lo < f and parts[lo] != p:
            lo += 1
        while hi >= a and parts[hi] != p:
            hi -= 1
        pre.append(_clean(raw[starts[lo]:b]) if lo < f else "")
        post.append(_clean(raw[c:ends[hi]]) if hi >= a else "")
    table = pd.DataFrame({
        "doc_id": spans["doc_id"].astype(str).to_numpy() if "doc_id" in spans else doc.doc_id,
        "start": s, "end": e,
        "pre": pd.array(pre, dtype="str"),
        "keyword": pd.array([_clean(raw[a:b]) for a, b in zip(s, e)], dtype="str"),
        "post": pd.array(post, dtype="str"),
    })
    for column in spans.columns:
        if column not in table.columns and column not in _DROPPED:
            table[column] = spans[column].array  # keeps nullable and category dtypes
    return table


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def cooccurrence(
    places: pd.DataFrame,
    threats: pd.DataFrame,
    unit: str = "sentence",
    *,
    place_level: str = "place",
    threat_level: str = "category",
    include_org_names: bool = False,
) -> pd.DataFrame:
    """How many sentences (or paragraphs) mention both a place and a threat; one row per pair."""
    if unit not in _UNITS:
        raise ValueError(f"unit must be one of {', '.join(_UNITS)}, not {unit!r}")
    place_column = {"place": "place", "country": "country", "region": "region"}.get(place_level)
    if place_column is None:
        raise ValueError(f"place_level must be place, country or region, not {place_level!r}")
    if threat_level not in ("threat", "category"):
        raise ValueError(f"threat_level must be 'threat' or 'category', not {threat_level!r}")
    for name, table, column in (("places", places, place_column),
                                ("threats", threats, threat_level)):
        missing = [c for c in ("doc_id", unit, column) if c not in table.columns]
        if missing:
            raise KeyError(f"{name} lacks column(s) {missing}; pass what the finder returned.")
    if not include_org_names and "in_org_name" in places.columns:
        places = places[~places["in_org_name"].astype(bool)]
    keys = ["doc_id", unit]
    left = places[keys + [place_column]].dropna().drop_duplicates()
    right = threats[keys + [threat_level]].dropna().drop_duplicates()
    pairs = left.merge(right, on=keys)
    counts = (pairs.groupby([place_column, threat_level]).size()
              .rename(f"{unit}s").reset_index())
    return (counts.sort_values([f"{unit}s", place_column, threat_level],
                               ascending=[False, True, True], kind="stable")
            .reset_index(drop=True))
