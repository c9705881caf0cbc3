"""Validate a dictionary on your own texts: precision from a read sample, and scores against gold.

A count is only as good as the dictionary's precision and recall on the texts it is run on, so
the content-analysis literature asks for a check before a count is reported (oolong does this in
R). Two checks, for any mention table (themes, threats, places, any ``helpers.find`` result; one
document or a corpus):

- **Precision by reading.** :func:`validation_sample` draws random mentions, each with its words
  in context, into a CSV with an empty ``correct`` column. A reader writes yes or no in each row;
  :func:`read_validation` reads the file back and gives precision per category with a Wilson 95 %
  interval.
- **Precision and recall against gold.** :func:`evaluate` compares a mention table with spans a
  person marked by hand (a CSV of ``doc_id, start, end, label``, offsets into ``doc.raw``):
  precision, recall and F1 by category, and the misses and false hits to read.

The category is a column of the mention table, named by ``by=``: ``category`` in the tables of
``helpers.find``, ``theme`` or ``subtheme`` in theme tables, ``category`` in threat tables,
``place`` in place tables.
"""

from __future__ import annotations

import csv
import heapq
import io
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from helpers.document import Document, load_document

#: What a reader may write in the ``correct`` column (any case; Persian digits too).
YES = frozenset({"yes", "1", "true", "۱"})
NO = frozenset({"no", "0", "false", "۰"})
TOTAL = "all"
#: The columns of every sample (label columns of the mention table follow ``category``).
SAMPLE_COLUMNS = ["item", "doc_id", "start", "end", "category", "keyword", "context", "correct",
                  "note", "stratum", "stratum_mentions"]
#: Label columns copied into a sample when the mention table has them (to help the reader).
_LABEL_COLUMNS = ("key", "subtheme", "label_fa", "label_en", "pattern")
GOLD_COLUMNS = ["doc_id", "start", "end", "label"]
MATCHES = ("exact", "overlap")
_SPACE = re.compile(r"\s+")
#: How a context marks its mention (not [ ], which translations use for inserted words).
MARK = ("⟦", "⟧")
_DEFAULT = "category"


class AnnotationError(ValueError):
    """A validation sheet or gold-annotation file that cannot be read as it stands."""


# ------------------------------------------------------------------------------ statistics


def wilson_interval(successes: int, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``successes / n`` (NaNs when ``n`` is 0)."""
    if n <= 0:
        return math.nan, math.nan
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie between 0 and n={n}, not {successes}.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, not {confidence}.")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _stratified(table: pd.DataFrame, confidence: float) -> tuple[float, float, float]:
    """Precision over strata weighted by their size, with a Wilson interval on the effective n.

    Each stratum ``h`` has ``N`` mentions in the table it was drawn from, ``n`` read rows and
    ``k`` correct ones: p = sum(W p_h), W = N / sum(N) over the strata that have read rows;
    the effective sample size is p(1-p) / Var(p), Var(p) = sum(W² p_h(1-p_h) / n_h) (Kish).
    """
    read = table[table["n"] > 0]
    if read.empty:
        return math.nan, math.nan, math.nan
    weight = read["N"] / read["N"].sum()
    share = read["k"] / read["n"]
    p = min(1.0, max(0.0, float((weight * share).sum())))
    variance = float((weight**2 * share * (1 - share) / read["n"]).sum())
    n_eff = p * (1 - p) / variance if variance > 0 else float(read["n"].sum())
    low, high = wilson_interval(p * n_eff, n_eff, confidence)
    return p, low, high


# ------------------------------------------------------------------------------ texts


def _documents(docs: Any, wanted: Iterable[str]) -> dict[str, Document]:
    """The Documents named by ``wanted`` doc_ids, from whatever the caller passed as ``docs``."""
    wanted = list(dict.fromkeys(str(w) for w in wanted))
    how = ("pass docs= the texts the mentions came from: a Document, a list of Documents or "
           "paths, a mapping doc_id -> Document or path, or the corpus result")
    if docs is None:
        raise ValueError(f"The words in context need the texts: {how}.")
    sources: dict[str, Any] = {}
    if isinstance(docs, Document):
        sources[str(docs.doc_id)] = docs
    elif hasattr(docs, "documents") and isinstance(docs.documents, pd.DataFrame):
        sources = _corpus_sources(docs.documents)
    elif isinstance(docs, pd.DataFrame):
        sources = _corpus_sources(docs)
    elif isinstance(docs, Mapping):
        sources = {str(k): v for k, v in docs.items()}
    elif isinstance(docs, str | os.PathLike):
        doc = load_document(Path(docs))
        sources[str(doc.doc_id)] = doc
    elif isinstance(docs, Iterable):
        for item in docs:
            doc = item if isinstance(item, Document) else _load(item, None, None)
            sources[str(doc.doc_id)] = doc
    else:
        raise TypeError(f"docs is a {type(docs).__name__}; {how}.")
    missing = [w for w in wanted if w not in sources]
    if missing:
        shown = ", ".join(map(repr, missing[:5])) + (" ..." if len(missing) > 5 else "")
        known = ", ".join(map(repr, list(sources)[:5])) or "none"
        raise KeyError(f"No text for doc_id {shown} among the texts given (they are {known}); "
                       f"{how}.")
    return {w: _load(sources[w], w, None) for w in wanted}


def _corpus_sources(documents: pd.DataFrame) -> dict[str, Any]:
    """doc_id -> (path, encoding) from a corpus result's documents table."""
    missing = [c for c in ("doc_id", "path") if c not in documents.columns]
    if missing:
        raise KeyError(f"The documents table lacks {missing}: pass result.documents from "
                       "helpers.analyze_corpus, or a mapping doc_id -> path.")
    encodings = (documents["encoding"] if "encoding" in documents.columns
                 else pd.Series([None] * len(documents)))
    return {str(d): (p, None if pd.isna(e) else e)
            for d, p, e in zip(documents["doc_id"], documents["path"], encodings, strict=True)}


def _load(source: Any, doc_id: str | None, encoding: str | None) -> Document:
    if isinstance(source, Document):
        return source
    if isinstance(source, tuple):
        source, encoding = source
    if source is None or (not isinstance(source, str | os.PathLike) and pd.isna(source)):
        raise ValueError(f"Text {doc_id!r} has no path to read it from; pass docs= a mapping "
                         "doc_id -> Document.")
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"Text {doc_id!r} should be at {path}, but no file is there; "
                                "pass docs= a mapping doc_id -> path to where it is now.")
    return load_document(path, encoding=encoding, doc_id=doc_id)


def _units(doc: Document) -> list[tuple[int, int]]:
    """The stretches a context stays within: the title and each body paragraph."""
    units = [(s.start, s.end) for name, s in doc.parts.items() if name == "title"]
    return units + list(zip(doc.paragraphs["start"].tolist(), doc.paragraphs["end"].tolist(),
                            strict=True))


def _context(doc: Document, start: int, end: int, window: int,
             units: list[tuple[int, int]]) -> str:
    """``window`` words each side of ``raw[start:end]`` (marked ⟦ ⟧), in its paragraph or title."""
    raw = doc.raw
    lo, hi = 0, len(raw)
    for a, b in units:
        if a <= start and end <= b:
            lo, hi = a, b
            break
    before = raw[lo:start].split()
    after = raw[end:hi].split()
    pre = ("… " if len(before) > window else "") + " ".join(before[-window:] if window else [])
    post = " ".join(after[:window]) + (" …" if len(after) > window else "")
    keyword = _SPACE.sub(" ", raw[start:end]).strip()
    return f"{pre} {MARK[0]}{keyword}{MARK[1]} {post}".strip()


# ------------------------------------------------------------------------------ sampling


def _check_mentions(mentions: pd.DataFrame, by: str | None, without: str) -> None:
    """A mention table with spans and (unless ``by`` is None) the category column ``by``."""
    if not isinstance(mentions, pd.DataFrame):
        raise TypeError("Pass a mention table (a DataFrame from find_themes, find_threats, "
                        "find_places, helpers.find or a corpus result).")
    missing = [c for c in ("doc_id", "start", "end") if c not in mentions.columns]
    if missing:
        raise KeyError(f"The mention table lacks {missing}: pass a table from a finder.")
    if by is not None and by not in mentions.columns:
        labels = [c for c in mentions.columns if c in (
            "category", "key", "theme", "subtheme", "threat", "place", "code", "label_en")]
        hint = f"; or by=None {without}"
        raise KeyError(f"The mention table has no {by!r} column to take categories from; pass "
                       f"by= one of its label columns ({', '.join(labels) or 'none'}){hint}.")


def _allocate(sizes: pd.Series, n: int, rng: np.random.Generator) -> dict[Any, int]:
    """n rows shared as evenly as possible among strata, none given more than it holds.

    Rows go one at a time to the stratum with the fewest so far (ties in a random order), so
    shares differ by at most one except where a stratum has run out of mentions.
    """
    quota = dict.fromkeys(sizes.index, 0)
    tie = rng.permutation(len(sizes))
    heap = [(0, int(t), c) for t, c in zip(tie, sizes.index, strict=True) if sizes[c] > 0]
    heapq.heapify(heap)
    for _ in range(min(n, int(sizes.sum()))):
        given, t, c = heapq.heappop(heap)
        quota[c] = given + 1
        if quota[c] < sizes[c]:
            heapq.heappush(heap, (given + 1, t, c))
    return quota


def validation_sample(
    mentions: pd.DataFrame,
    n: int = 50,
    *,
    seed: int,
    path: str | os.PathLike | None = None,
    by: str | None = None,
    docs: Any = None,
    window: int = 12,
    bom: bool = False,
    overwrite: bool = False,
) -> pd.DataFrame:
    """Random mentions to read, each with its words in context and an empty ``correct`` column.

    With ``by=None`` it is a simple random sample of ``n`` mentions (their ``category`` column,
    if the table has one, still gives precision per category). With ``by`` (a column such as
    ``"category"`` or ``"theme"``) it is stratified: ``n`` is shared equally among the values of
    that column (a value with fewer mentions gives all it has, the rest go to the others), so
    rare categories get enough rows for an interval; :func:`read_validation` weights them back
    by their size for the total. A stratified sample is grouped by category, each group in
    random order; a simple one is in random order: either way a reader who stops early still
    holds a random sample. The same ``seed`` and table give the same sample.

    ``docs`` gives the texts for the context (``window`` words either side of the mention,
    which is marked ⟦ ⟧, within its paragraph): a Document, a list of Documents, a mapping
    doc_id -> Document or path, or the corpus result (texts read again from
    ``result.documents["path"]``). With ``path`` the sample is written as a UTF-8 CSV
    (``bom=True`` for Excel); an existing file is kept unless ``overwrite=True``, since it may
    hold a reader's marks.
    """
    _check_mentions(mentions, by, "for a simple random sample")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number of mentions >= 1, not {n!r}.")
    if not isinstance(window, int) or window < 0:
        raise ValueError(f"window must be a number of words >= 0, not {window!r}.")
    if path is not None and Path(path).exists() and not overwrite:
        raise FileExistsError(f"{path} exists and may hold your marks; pass overwrite=True to "
                              "replace it, or another path.")
    rng = np.random.default_rng(seed)
    table = mentions.reset_index(drop=True)
    category_column = by if by is not None else ("category" if "category" in table else None)
    category = (_as_text(table[category_column]) if category_column is not None
                else pd.Series([""] * len(table), dtype=object))
    if by is None:
        stratum = pd.Series([""] * len(table), dtype=object)
        picked = rng.permutation(len(table))[: min(n, len(table))].tolist()
    else:
        stratum = category
        sizes = stratum.value_counts().sort_index()
        quota = _allocate(sizes, int(n), rng)
        picked = []
        for value in sizes.index:
            rows = np.flatnonzero((stratum == value).to_numpy())
            picked += rng.permutation(rows)[: quota[value]].tolist()
    sizes = stratum.value_counts()
    rows = table.iloc[picked]
    texts = _documents(docs, rows["doc_id"].astype(str)) if len(rows) else {}
    keyword, context, units = [], [], {}
    for doc_id, start, end, surface in zip(
            rows["doc_id"].astype(str), rows["start"], rows["end"],
            rows["surface"] if "surface" in rows else [None] * len(rows), strict=True):
        doc = texts[doc_id]
        start, end = int(start), int(end)
        text = doc.raw[start:end]
        if not 0 <= start < end <= len(doc.raw) or (surface is not None and text != surface):
            raise ValueError(
                f"The mention {start}:{end} of text {doc_id!r} reads {surface!r} in the table but "
                f"{text!r} in the text: the text changed since it was analysed, or docs= holds "
                "another text with this doc_id.")
        keyword.append(_SPACE.sub(" ", text).strip())
        if doc_id not in units:
            units[doc_id] = _units(doc)
        context.append(_context(doc, start, end, window, units[doc_id]))
    sample = pd.DataFrame({
        "item": np.arange(1, len(rows) + 1),
        "doc_id": rows["doc_id"].astype(str).to_numpy(),
        "start": rows["start"].to_numpy(dtype=np.int64),
        "end": rows["end"].to_numpy(dtype=np.int64),
        "category": category.iloc[picked].to_numpy(),
    })
    for column in _LABEL_COLUMNS:
        if column in rows.columns and column != category_column:
            sample[column] = _as_text(rows[column]).to_numpy()
    sample["keyword"] = keyword
    sample["context"] = context
    sample["correct"] = ""
    sample["note"] = ""
    sample["stratum"] = stratum.iloc[picked].to_numpy()
    sample["stratum_mentions"] = [int(sizes[s]) for s in sample["stratum"]]
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        sample.to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8")
        sample.attrs["path"] = str(path)
    return sample


def _as_text(values: pd.Series) -> pd.Series:
    """Labels as plain strings ("" for a missing one), whatever their dtype."""
    return pd.Series([("" if pd.isna(v) else str(v)) for v in values], index=values.index,
                     dtype=object)


# ------------------------------------------------------------------------------ files


def _read_rows(source: str | os.PathLike | pd.DataFrame, kind: str
               ) -> tuple[pd.DataFrame, list[str], str]:
    """A CSV (or DataFrame) as text cells, each row with where it is: (table, wheres, name)."""
    if isinstance(source, pd.DataFrame):
        table = source.reset_index(drop=False)
        index = table.pop(table.columns[0])
        cells = pd.DataFrame({c: _cells(table[c]) for c in table.columns})
        return cells, [f"row {i}" for i in index], f"the {kind} table"
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"No {kind} file at {path}: check the path.")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnnotationError(
            f"{path} is not UTF-8. In Excel choose 'Save As' > 'CSV UTF-8 (Comma delimited)'; "
            "in LibreOffice tick 'Edit filter settings' and choose Unicode (UTF-8).") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise AnnotationError(f"{path} is empty: it needs a header line.") from None
    header = [h.strip() for h in header]
    rows, wheres = [], []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue  # a blank line
        if len(record) > len(header):
            raise AnnotationError(
                f"{path}, line {reader.line_num}: {len(record)} cells under a header of "
                f"{len(header)}; a cell holding the separator {delimiter!r} must be quoted.")
        rows.append(record + [""] * (len(header) - len(record)))
        wheres.append(f"{path}, line {reader.line_num}")
    return pd.DataFrame(rows, columns=header, dtype=object), wheres, str(path)


def _cells(values: pd.Series) -> list[str]:
    out = []
    for v in values:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append("")
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v))
    return out


def _require(table: pd.DataFrame, columns: Iterable[str], name: str, what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise AnnotationError(f"{name} lacks the column(s) {missing} ({what}); its columns are "
                              f"{list(table.columns)}.")


def read_validation(
    source: str | os.PathLike | pd.DataFrame,
    *,
    allow_unmarked: bool = False,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Precision per category from a marked sample, with a Wilson interval, and a total row.

    ``source`` is the CSV :func:`validation_sample` wrote (after a reader filled ``correct``
    with yes/no, 1/0 or true/false) or the sample table itself. Columns: ``category, sampled,
    marked, correct, precision, ci_low, ci_high``; the last row, ``all``, is the precision of
    all the mentions the sample was drawn from (strata weighted by their size). An unmarked row
    is an error unless ``allow_unmarked=True``, which scores the marked rows only.
    """
    table, wheres, name = _read_rows(source, "validation")
    _require(table, ["category", "correct"], name, "as validation_sample writes them")
    marks: list[bool | None] = []
    unmarked = []
    for where, value in zip(wheres, table["correct"], strict=True):
        word = value.strip().lower()
        if not word:
            marks.append(None)
            unmarked.append(where)
        elif word in YES:
            marks.append(True)
        elif word in NO:
            marks.append(False)
        else:
            raise AnnotationError(
                f"{where}: correct is {value!r}; write yes or no (or 1/0, true/false).")
    if unmarked and not allow_unmarked:
        lines = [w.rsplit(", ", 1)[-1] for w in unmarked]
        shown = ", ".join(lines[:8]) + (f" and {len(lines) - 8} more" if len(lines) > 8 else "")
        raise AnnotationError(
            f"{name}: {len(unmarked)} row(s) have nothing in correct ({shown}); write yes or no "
            "in each, or pass allow_unmarked=True to score the marked rows only.")
    frame = pd.DataFrame({
        "category": table["category"].str.strip(),
        "stratum": (table["stratum"].str.strip() if "stratum" in table else ""),
        "N": _sizes(table, wheres),
        "read": [m is not None for m in marks],
        "k": [bool(m) for m in marks],
    })
    rows = []
    for category, group in frame.groupby("category", sort=False):
        marked, correct = int(group["read"].sum()), int(group["k"].sum())
        low, high = wilson_interval(correct, marked, confidence)
        rows.append((category, len(group), marked, correct,
                     correct / marked if marked else math.nan, low, high))
    strata = frame.groupby("stratum", sort=False).agg(
        N=("N", "first"), n=("read", "sum"), k=("k", "sum"))
    p, low, high = _stratified(strata, confidence)
    rows.append((TOTAL, len(frame), int(frame["read"].sum()), int(frame["k"].sum()), p, low,
                 high))
    out = pd.DataFrame(rows, columns=["category", "sampled", "marked", "correct", "precision",
                                      "ci_low", "ci_high"])
    if (out["category"].iloc[:-1] == "").all():
        out = out.iloc[[-1]].reset_index(drop=True)  # no categories: the total only
    else:
        out["category"] = out["category"].replace("", "(none)")
    out.attrs["source"] = name
    return out


def _sizes(table: pd.DataFrame, wheres: list[str]) -> list[int]:
    """Each row's stratum size (``stratum_mentions``); without it, every row counts alike."""
    if "stratum_mentions" not in table.columns:
        return [1] * len(table)
    sizes = []
    for where, value in zip(wheres, table["stratum_mentions"], strict=True):
        if not value.strip().isdigit() or int(value) < 1:
            raise AnnotationError(f"{where}: stratum_mentions is {value!r}; it is the number "
                                  "of mentions the row was drawn from: leave it as written.")
        sizes.append(int(value))
    return sizes


def read_gold(source: str | os.PathLike | pd.DataFrame, *, labels: bool = True) -> pd.DataFrame:
    """Hand-annotated spans, checked: ``doc_id, start, end, label`` (and any other columns).

    Offsets are whole numbers into ``doc.raw`` with ``start < end``; ``label`` is required
    unless ``labels=False``. A ``line`` column says where each span is in the file.
    """
    table, wheres, name = _read_rows(source, "gold")
    needed = GOLD_COLUMNS if labels else GOLD_COLUMNS[:3]
    _require(table, needed, name, "one row per hand-marked span, offsets into doc.raw")
    starts, ends = [], []
    for where, doc_id, start, end in zip(wheres, table["doc_id"], table["start"], table["end"],
                                         strict=True):
        if not doc_id.strip():
            raise AnnotationError(f"{where}: doc_id is empty; name the text of the span.")
        numbers = []
        for column, value in (("start", start), ("end", end)):
            text = value.strip()
            if not re.fullmatch(r"\d+", text):
                raise AnnotationError(f"{where}: {column} is {value!r}; offsets are whole "
                                      "numbers >= 0 (characters into doc.raw).")
            numbers.append(int(text))
        if numbers[0] >= numbers[1]:
            raise AnnotationError(f"{where}: start {numbers[0]} is not before end {numbers[1]}; "
                                  "a span ends after its last character.")
        starts.append(numbers[0])
        ends.append(numbers[1])
    gold = table.copy()
    gold["doc_id"] = gold["doc_id"].str.strip()
    gold["start"] = np.array(starts, dtype=np.int64)
    gold["end"] = np.array(ends, dtype=np.int64)
    if labels:
        gold["label"] = gold["label"].str.strip()
        empty = [w for w, v in zip(wheres, gold["label"], strict=True) if not v]
        if empty:
            raise AnnotationError(f"{empty[0]}: label is empty; write the category of the span "
                                  "(or score spans only: evaluate(..., by=None)).")
    gold["line"] = wheres
    keys = ["doc_id", "start", "end", *(["label"] if "label" in gold.columns else [])]
    repeated = gold[gold.duplicated(keys, keep=False)]
    if len(repeated):
        first = repeated.iloc[0]
        same = repeated[(repeated[keys] == first[keys]).all(axis=1)]["line"].tolist()
        raise AnnotationError(f"{same[1]} repeats {same[0]}: each span is marked once; "
                              "delete one of them.")
    return gold.reset_index(drop=True)


# ------------------------------------------------------------------------------ scoring


@dataclass
class Evaluation:
    """Scores of a mention table against gold spans: ``scores``, ``misses``, ``false_hits``.

    ``scores`` has one row per category and a total row ``all`` (micro-averaged): ``tp`` (a
    mention matching a gold span), ``fp`` (a mention matching none: a false hit), ``fn`` (a
    gold span no mention matches: a miss), ``precision``, ``recall``, ``f1``. ``misses`` are
    the unmatched gold rows (``found_as``: what the mention table has over that span, if
    anything); ``false_hits`` the unmatched mention rows (``gold_as``: the gold labels over
    that span); ``hits`` the matched pairs.
    """

    scores: pd.DataFrame
    misses: pd.DataFrame
    false_hits: pd.DataFrame
    hits: pd.DataFrame
    by: str | None
    match: str
    documents: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        total = self.scores.iloc[-1]

        def show(x: float) -> str:
            return "n/a" if pd.isna(x) else f"{x:.2f}"

        return (f"Evaluation(by={self.by!r}, match={self.match!r}, {len(self.documents)} "
                f"document(s): precision {show(total['precision'])}, recall "
                f"{show(total['recall'])}, F1 {show(total['f1'])}; {len(self.misses)} misses, "
                f"{len(self.false_hits)} false hits)")

    def _repr_html_(self) -> str:
        return self.scores._repr_html_()


def _max_matching(prefer: list[list[int]], n_right: int) -> dict[int, int]:
    """A maximum one-to-one matching (left -> right), trying each left's preferred rights first."""
    owner: list[int | None] = [None] * n_right

    def attempt(left: int, seen: set[int]) -> bool:
        for right in prefer[left]:
            if right in seen:
                continue
            seen.add(right)
            if owner[right] is None or attempt(owner[right], seen):
                owner[right] = left
                return True
        return False

    for left in range(len(prefer)):
        attempt(left, set())
    return {left: right for right, left in enumerate(owner) if left is not None}


def _pairs(gold: pd.DataFrame, found: pd.DataFrame, match: str) -> list[tuple[int, int]]:
    """Matched (gold row, mention row) pairs: same document and label, same or overlapping span."""
    keys = ["doc_id", "label"]
    joined = gold[[*keys, "start", "end"]].reset_index(names="g").merge(
        found[[*keys, "start", "end"]].reset_index(names="m"), on=keys, suffixes=("_g", "_m"))
    if match == "exact":
        joined = joined[(joined["start_g"] == joined["start_m"])
                        & (joined["end_g"] == joined["end_m"])]
    else:
        joined = joined[(joined["start_m"] < joined["end_g"])
                        & (joined["start_g"] < joined["end_m"])]
    if joined.empty:
        return []
    joined = joined.assign(
        shared=np.minimum(joined["end_g"], joined["end_m"])
        - np.maximum(joined["start_g"], joined["start_m"]),
        off=(joined["start_g"] - joined["start_m"]).abs()
        + (joined["end_g"] - joined["end_m"]).abs())
    joined = joined.sort_values(["g", "shared", "off", "m"], ascending=[True, False, True, True])
    pairs = []
    for _key, group in joined.groupby(keys, sort=False):
        lefts = list(dict.fromkeys(group["g"].tolist()))
        rights = list(dict.fromkeys(group["m"].tolist()))
        right_at = {m: i for i, m in enumerate(rights)}
        prefer = [[right_at[m] for m in group.loc[group["g"] == g, "m"]] for g in lefts]
        for left, right in _max_matching(prefer, len(rights)).items():
            pairs.append((lefts[left], rights[right]))
    return sorted(pairs)


def _overlapping_labels(spans: pd.DataFrame, other: pd.DataFrame) -> list[str]:
    """For each span, the labels of ``other``'s spans that overlap it in the same document."""
    out = []
    by_doc = {d: g for d, g in other.groupby("doc_id", sort=False)}
    for doc_id, start, end in zip(spans["doc_id"], spans["start"], spans["end"], strict=True):
        g = by_doc.get(doc_id)
        if g is None:
            out.append("")
            continue
        over = g[(g["start"] < end) & (start < g["end"])]
        labels = [x for x in dict.fromkeys(over["label"].tolist()) if isinstance(x, str) and x]
        out.append("; ".join(labels) if labels else ("(span)" if len(over) else ""))
    return out


def _ratio(a: int, b: int) -> float:
    return a / b if b else math.nan


def _score_row(label: str, tp: int, fp: int, fn: int) -> tuple:
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    if math.isnan(p) or math.isnan(r):
        f1 = math.nan
    else:
        f1 = 2 * p * r / (p + r) if p + r else 0.0
    return (label, tp, fp, fn, p, r, f1)


def evaluate(
    mentions: pd.DataFrame,
    gold: str | os.PathLike | pd.DataFrame,
    *,
    by: str | None = _DEFAULT,
    match: str = "exact",
    doc_ids: Iterable[str] | None = None,
) -> Evaluation:
    """Precision, recall and F1 of a mention table against hand-annotated spans, by category.

    ``gold`` is a DataFrame or CSV of ``doc_id, start, end, label`` (see :func:`read_gold`).
    ``by`` is the mention column whose values the gold ``label`` is compared with
    (``"category"`` by default; ``"theme"`` for theme tables, ``"place"`` for places ...);
    ``by=None`` scores spans only (a span found by several categories counts once). ``match``
    is ``"exact"`` (same start and end) or ``"overlap"`` (the spans share a character); either
    way a gold span and a mention pair up at most once. Only the documents named in the gold
    file are scored, or those in ``doc_ids`` (give them when a text was annotated and found to
    hold no span at all).
    """
    if match not in MATCHES:
        raise ValueError(f"match must be one of {MATCHES}, not {match!r}.")
    _check_mentions(mentions, by, "to score spans only")
    spans = read_gold(gold, labels=by is not None)
    annotated = (list(dict.fromkeys(str(d) for d in doc_ids)) if doc_ids is not None
                 else list(dict.fromkeys(spans["doc_id"])))
    table = mentions.reset_index(drop=True)
    found = pd.DataFrame({
        "doc_id": _as_text(table["doc_id"]),
        "start": table["start"].to_numpy(dtype=np.int64),
        "end": table["end"].to_numpy(dtype=np.int64),
        "label": _as_text(table[by]) if by is not None else None,
    })
    named = set(found["doc_id"])
    if doc_ids is None and len(found) and not named & set(annotated):
        raise ValueError(
            f"No document is in both tables: the gold spans name {sorted(annotated)[:5]}, the "
            f"mentions {sorted(named)[:5]}. doc_id must be the same (the file name without "
            ".txt, as load_document gives it); if the dictionary really found nothing in the "
            "annotated texts, say so with doc_ids=.")
    unknown = sorted(set(spans["doc_id"]) - set(annotated))
    if unknown:
        raise ValueError(f"The gold spans name {unknown[:5]}, which are not in doc_ids; add "
                         "them or drop their rows.")
    inside = found["doc_id"].isin(annotated).to_numpy()
    found, table = found[inside], table[inside]
    if by is None:  # a span marked with several labels is one span
        spans = spans.drop_duplicates(["doc_id", "start", "end"]).reset_index(drop=True)
    gold_spans = spans.copy()
    if by is None:
        gold_spans["label"] = None
        first = ~found.duplicated(["doc_id", "start", "end"]).to_numpy()
        found, table = found[first], table[first]
    found, table = found.reset_index(drop=True), table.reset_index(drop=True)
    pairs = _pairs(gold_spans.fillna({"label": ""}), found.fillna({"label": ""}), match)
    gold_hit = np.zeros(len(gold_spans), dtype=bool)
    found_hit = np.zeros(len(found), dtype=bool)
    gold_hit[[g for g, _m in pairs]] = True
    found_hit[[m for _g, m in pairs]] = True
    rows = []
    if by is not None:  # a pair shares its label, so a category's hits are its gold hits
        for label in dict.fromkeys([*found["label"], *gold_spans["label"]]):
            mine = (found["label"] == label).to_numpy()
            theirs = (gold_spans["label"] == label).to_numpy()
            rows.append(_score_row(label, int((theirs & gold_hit).sum()),
                                   int((mine & ~found_hit).sum()),
                                   int((theirs & ~gold_hit).sum())))
    rows.append(_score_row(TOTAL, len(pairs), int((~found_hit).sum()), int((~gold_hit).sum())))
    scores = pd.DataFrame(rows, columns=["category", "tp", "fp", "fn", "precision", "recall",
                                         "f1"])
    misses = spans[~gold_hit].reset_index(drop=True)
    misses["found_as"] = _overlapping_labels(misses, found)
    false_hits = table[~found_hit].reset_index(drop=True)
    false_hits["gold_as"] = _overlapping_labels(found[~found_hit], gold_spans)
    hits = pd.DataFrame({
        "doc_id": [gold_spans.at[g, "doc_id"] for g, _m in pairs],
        "label": [gold_spans.at[g, "label"] for g, _m in pairs],
        "gold_start": [int(gold_spans.at[g, "start"]) for g, _m in pairs],
        "gold_end": [int(gold_spans.at[g, "end"]) for g, _m in pairs],
        "start": [int(found.at[m, "start"]) for _g, m in pairs],
        "end": [int(found.at[m, "end"]) for _g, m in pairs],
    })
    hits["exact"] = (hits["gold_start"] == hits["start"]) & (hits["gold_end"] == hits["end"])
    return Evaluation(scores=scores, misses=misses, false_hits=false_hits, hits=hits, by=by,
                      match=match, documents=annotated)
