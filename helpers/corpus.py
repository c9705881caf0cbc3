"""Analyse many texts at once: places, threats and themes per document, on local cores or Dask.

``analyze_document`` is the unit of work: it loads one text, finds its places, threats and themes
and returns small tables (never the Document, so memory stays flat however many texts there are).
``analyze_corpus`` runs it over files and folders, one file at a time per worker process, and
gathers the tables with a ``doc_id`` column. A file that cannot be read (missing, empty, binary,
wrongly encoded) becomes a row of ``failures`` with its path and the reason, and the run goes on:
every input ends up either in ``documents`` or in ``failures``.

Nothing is lost and nothing hangs: a worker process that dies (killed by the out-of-memory
killer, or crashing) costs only the text that killed it. The texts it held are tried again one
at a time in a fresh process, and a text whose process dies even then becomes a failure row;
the same holds for Dask's ``KilledWorker``. A long text is analysed in pieces of whole
paragraphs (``_pieces``), so its working memory is that of a piece, with the same tables.

Past one machine the same function runs on a Dask cluster::

    from distributed import Client
    result = helpers.analyze_corpus(paths, scheduler=Client("tcp://scheduler:8786"))

The workers must be able to import ``helpers`` (install the package on them) and read the paths
(a shared file system, with the same mount point on every worker).
"""

from __future__ import annotations

import itertools
import os
import signal
import stat
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers._batch import TextBatch, rows_by_text
from helpers._rows import Rows, concat_rows, doc_ids, n_rows, split_rows, strings
from helpers.dictionary import Dictionary, finder, load_dictionary, match_rows, register
from helpers.document import (
    Document,
    Span,
    TextLoadError,
    decode,
    load_document,
    read_file,
)
from helpers.lexicons import LexiconError
from helpers.matching import PatternError, PhraseMatcher
from helpers.normalization import SCAN_TABLE, fast_translate, normalize_word
from helpers.tokens import scan_tokens, token_forms

TABLES = ("documents", "places", "threats", "themes", "theme_counts", "failures")
FAILURE_COLUMNS = ["doc_id", "path", "stage", "error", "reason"]
DOCUMENT_COLUMNS = [
    "doc_id", "title", "date", "source_url", "path", "encoding",
    "characters", "paragraphs", "sentences", "tokens",
]
# Errors that mean "this input is not a readable text": reported, never raised.
LOAD_ERRORS = (TextLoadError, OSError, UnicodeError)
# Errors in the package's own data (gazetteer, lexicons, theme dictionary) or installation: they
# would fail every text alike, so they stop the run at once with their own message.
FATAL_ERRORS = (LexiconError, PatternError, ImportError)


class CorpusError(ValueError):
    """Corpus input that cannot be analysed at all (nothing given, bad option)."""


@dataclass
class CorpusResult:
    """The tables of a corpus run: documents, places, threats, themes, theme_counts, failures.

    Each table is the per-document table with a ``doc_id`` column, rows in input order; columns
    of repeated labels (``CATEGORY_COLUMNS``: ids, codes, theme and place names) are pandas
    categories, so a large corpus's tables stay small.
    """

    documents: pd.DataFrame
    places: pd.DataFrame
    threats: pd.DataFrame
    themes: pd.DataFrame
    theme_counts: pd.DataFrame
    failures: pd.DataFrame
    inputs: int = field(default=0)
    #: One mention table per extra dictionary (``dictionaries=``), by the dictionary's name.
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name (the order the CLI writes them in), extra dictionaries last."""
        return {**{name: getattr(self, name) for name in TABLES}, **self.extra}

    def __getitem__(self, name: str) -> pd.DataFrame:
        tables = self.tables()
        if name not in tables:
            raise KeyError(f"No table {name!r}; the tables are {', '.join(tables)}.")
        return tables[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        extra = self.__dict__.get("extra") or {}
        if name in extra:
            return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __repr__(self) -> str:
        return (
            f"CorpusResult({len(self.documents)} documents, {len(self.failures)} failures; "
            f"{len(self.places)} place, {len(self.threats)} threat and {len(self.themes)} theme "
            "mentions" + "".join(f"; {len(t)} {n}" for n, t in self.extra.items()) + ")"
        )


@dataclass(frozen=True)
class _Task:
    """One input for a worker: where the text is and what to call it."""

    index: int
    path: str
    doc_id: str
    encoding: str | None = None
    problem: str | None = None  # set for an input that is known to be bad before loading
    data: bytes | None = None  # the file's bytes, when the client sends them (send_texts)
    error: BaseException | None = None  # why the client could not read the file


# ----------------------------------------------------------------------------- one document


class _Resources:
    """The gazetteer, threat lexicon and theme dictionary (and any extra dictionaries, by
    name), loaded once for a batch of texts."""

    def __init__(self, extra: Sequence[Dictionary] = ()) -> None:
        self.extra = {d.name: d for d in extra}
        try:
            from helpers import places, themes, threats
        except ImportError as err:
            raise ImportError(
                f"The finders cannot be imported ({err}); check that the helpers package is "
                "complete and up to date."
            ) from err
        self.places, self.threats, self.themes = places, threats, themes
        self.gazetteer = places._gazetteer(None)
        self.threat_dictionary = threats.threat_dictionary()
        self.book = themes._themes(None)

    @cached_property
    def cut_rule(self) -> tuple[frozenset[str], dict[str, PhraseMatcher]]:
        """Where a long text may be cut (``_pieces``): after which marks, and for a mark that
        is a word inside some phrase (the gazetteer's «آنتونی جی . بلینکن»), a matcher of the
        words that may follow it there: a cut before one of those would split the phrase."""
        matchers = [self.gazetteer.places, self.gazetteer.names]
        for d in (self.threat_dictionary, self.book.dictionary, *self.extra.values()):
            if d.meta.get("finder") == "gazetteer":  # found by the gazetteer's own matchers
                compiled = self.places._gazetteer(d.meta.get("path"))
                matchers += [compiled.places, compiled.names]
            else:  # patterns, contexts and exclusions: all that match_rows matches
                matchers += d.scanner.matchers
        phrases = [phrase for matcher in matchers for phrase in matcher.phrases]
        mark_of = {normalize_word(c): c for c in _CUT_MARKS}
        ending = {mark_of[p.words[-1]] for p in phrases if p.words[-1] in mark_of}
        follow: dict[str, list[tuple[str, int]]] = {}
        for phrase in phrases:
            for k, word in enumerate(phrase.words[:-1]):
                if word in mark_of:
                    after = phrase.words[k + 1] + ("*" if phrase.prefix[k + 1] else "")
                    follow.setdefault(mark_of[word], []).append((after, 0))
        # A mark that ends a phrase is left out: a place name ending there could be joined
        # (و ، یا) to one at the start of the next paragraph.
        marks = frozenset(c for c in _CUT_MARKS if c not in ending)
        return marks, {m: PhraseMatcher(dict.fromkeys(words)) for m, words in follow.items()
                       if m in marks}


def _analysers(resources: _Resources | None = None) -> dict[str, Callable[[Document], Rows]]:
    """What ``analyze_document`` finds in each text: places, threats, themes, as rows."""
    r = resources or _Resources()
    return {
        "places": partial(r.places.place_rows, compiled=r.gazetteer),
        "threats": partial(match_rows, d=r.threat_dictionary),
        "themes": partial(match_rows, d=r.book.dictionary),
        **{name: finder(d)[0] for name, d in r.extra.items()},
    }


def _builders(r: _Resources) -> dict[str, Callable[[Rows, Any], pd.DataFrame]]:
    """How each table is made from the rows of one text or of many joined."""
    return {
        "documents": _documents_table,
        "places": partial(r.places.places_table, compiled=r.gazetteer),
        "threats": partial(r.threats.threats_table, dictionary=r.threat_dictionary),
        "themes": partial(r.themes.themes_table, book=r.book),
        "theme_counts": partial(r.themes.theme_counts_table, book=r.book),
        **{name: finder(d)[1] for name, d in r.extra.items()},
    }


def _documents_table(rows: Rows, ids: Any) -> pd.DataFrame:
    """One row per text: title, date, address, path and sizes (missing text is <NA>, not None)."""
    return pd.DataFrame({
        "doc_id": ids,
        "title": strings(rows["title"]),
        "date": pd.array(rows["date"], dtype=object),
        **{c: strings(rows[c]) for c in ("source_url", "path", "encoding")},
        **{c: np.array(rows[c], dtype=np.int64)
           for c in ("characters", "paragraphs", "sentences", "tokens")},
    })


def _analyze_rows(doc: Document, doc_id: str, resources: _Resources,
                  analysers: dict[str, Callable[[Document], Rows]]) -> dict[str, Rows]:
    """Every table's rows for one text (a text that fails an analysis raises here)."""
    found = {name: find(doc) for name, find in analysers.items()}
    return _with_counts(doc, doc_id, found, doc.token_columns.words, resources)


def _analyze_batch_rows(docs: list[Document], doc_ids: list[str], resources: _Resources,
                        analysers: dict[str, Callable[[Document], Rows]]) -> list[dict[str, Rows]]:
    """What ``_analyze_rows`` gives for each text, with each finder run once on all of them."""
    batch = TextBatch(docs)
    found = {}
    for name, find in analysers.items():
        rows, owner = rows_by_text(batch, find(batch))
        found[name] = split_rows(rows, owner, len(docs))
    return [
        _with_counts(doc, doc_id, {name: parts[i] for name, parts in found.items()},
                     int(batch.words[i]), resources)
        for i, (doc, doc_id) in enumerate(zip(docs, doc_ids, strict=True))
    ]


def _with_counts(doc: Document, doc_id: str, found: dict[str, Rows], words: int,
                 resources: _Resources) -> dict[str, Rows]:
    """A text's mention rows, with its theme counts and its row of the documents table."""
    if "themes" in found:
        found["theme_counts"] = resources.themes.theme_count_rows(found["themes"], words,
                                                                  resources.book)
    meta = doc._metadata(words, shown_path=False)  # the path as given, not made relative
    return {"documents": _document_row(doc, meta), **found}


def _document_row(doc: Document, meta: dict[str, Any]) -> Rows:
    """A text's row of the documents table, from its metadata (the path as given)."""
    meta = {**meta, "path": str(doc.path) if doc.path is not None else None}
    return {c: [meta.get(c)] for c in DOCUMENT_COLUMNS[1:]}


def _build_tables(items: list[tuple[str, dict[str, Rows]]],
                  resources: _Resources) -> dict[str, pd.DataFrame]:
    """Each table once for many texts' rows: (doc_id, rows by table name) in order."""
    builders = _builders(resources)
    tables = {}
    for name in [*TABLES[:-1], *resources.extra]:
        parts = [(doc_id, rows[name]) for doc_id, rows in items if name in rows]
        if not parts:
            continue
        joined = concat_rows([rows for _, rows in parts])
        counts = [n_rows(rows) for _, rows in parts]
        tables[name] = builders[name](joined, doc_ids([d for d, _ in parts], counts))
    return tables


def analyze_document(
    doc_or_path: Document | str | os.PathLike,
    *,
    encoding: str | None = None,
    doc_id: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Places, threats, themes and theme counts of one text, each with a ``doc_id`` column."""
    if isinstance(doc_or_path, Document):
        doc = doc_or_path
    else:
        source = Path(doc_or_path) if isinstance(doc_or_path, str) else doc_or_path
        doc = load_document(source, encoding=encoding, doc_id=doc_id)
    doc_id = doc_id if doc_id is not None else doc.doc_id  # a given Document is not changed
    resources = _Resources()
    pieces = _pieces(doc, resources)
    if len(pieces) > 1:
        tables = _analyze_long(doc, doc_id, pieces, resources, _analysers(resources))
        return {name: plain(table) for name, table in tables.items()}
    rows = _analyze_rows(doc, doc_id, resources, _analysers(resources))
    return _build_tables([(doc_id, rows)], resources)


# ----------------------------------------------------------------------------- long texts

# A text longer than _LONG_TEXT characters is analysed in pieces of about _PIECE characters
# (bench/bench_memory.py): finding a text's tokens and matches holds about 60 bytes per
# character at once (9 GB for a 100 MB text), and its mention rows several times the size of
# its tables. Short texts are analysed together (TextBatch), up to _BATCH_CHARS at a time.
# Smaller pieces save little more memory and cost time (tables built per piece).
_PIECE = 250_000
_LONG_TEXT = 2 * _PIECE
_BATCH_CHARS = 2 * _PIECE
# Marks a long text may be cut after: at a paragraph break after one of these, nothing the
# finders do reaches across. A phrase never runs over a punctuation token, unless its pattern
# has the mark as a word (then the next paragraph must not begin with the word after it: see
# _Resources.cut_rule); find_places looks one token to either side of a name only for list
# joiners (و ، , یا ؛) and geographic cue words, none of which is here; and contexts (sentence,
# paragraph) never cross a paragraph break.
_CUT_MARKS = ".!?؟…:»)]\"”"


@dataclass(frozen=True)
class _Piece:
    """A stretch of a long text: ``raw[start:end]``, holding body paragraphs first to stop."""

    start: int
    end: int
    first: int
    stop: int


def _pieces(doc: Document, resources: _Resources) -> list[_Piece]:
    """A text cut into runs of whole body paragraphs of about ``_PIECE`` characters.

    A text of ``_LONG_TEXT`` characters or fewer is one piece. A cut stands only at a paragraph
    break after a paragraph that ends with a mark (``_CUT_MARKS``, as ``resources.cut_rule``
    allows), where no phrase, list or place cue can cross; a text without such breaks stays
    whole. The first piece holds everything before the body (title, date), the last everything
    after it.
    """
    if len(doc.raw) <= _LONG_TEXT:
        return [_Piece(0, len(doc.raw), 0, 0)]
    marks, follow = resources.cut_rule
    spans = doc.paragraph_spans
    raw = doc.raw

    def can_cut(i: int) -> bool:  # between paragraphs i - 1 and i
        mark = raw[spans[i - 1][1] - 1]
        if mark not in marks:
            return False
        return mark not in follow or not follow[mark].matches([_first_norm(doc, spans[i][0])])

    starts = np.fromiter((s for s, _ in spans), dtype=np.int64, count=len(spans))
    cuts: list[int] = []
    i = 1
    while True:
        begin = int(starts[cuts[-1]]) if cuts else 0
        i = max(i, int(np.searchsorted(starts, begin + _PIECE)))
        while i < len(spans) and not can_cut(i):
            i += 1
        if i >= len(spans):
            break
        cuts.append(i)
        i += 1
    bounds = [0, *cuts, len(spans)]
    return [
        _Piece(spans[first][0] if k else 0,
               spans[stop - 1][1] if stop < len(spans) else len(raw), first, stop)
        for k, (first, stop) in enumerate(itertools.pairwise(bounds))
    ]


def _first_norm(doc: Document, start: int) -> str:
    """The normalised form of the first token at or after ``start``, as the tokens have it."""
    size = 64
    while True:
        text = doc.raw[start : start + size]
        starts, ends, _words, _texts = scan_tokens(fast_translate(text, SCAN_TABLE))
        if not len(starts):
            if start + size >= len(doc.raw):
                return ""
        elif ends[0] < len(text) or start + size >= len(doc.raw):  # the token ends in view
            surface = text[starts[0] : ends[0]]
            return token_forms([surface], doc.skip_rules, doc.overrides)[2][0]
        size *= 4


def _analyze_long(doc: Document, doc_id: str, pieces: list[_Piece], resources: _Resources,
                  analysers: dict[str, Callable[[Document], Rows]]) -> dict[str, pd.DataFrame]:
    """A long text's tables, found piece by piece, in the whole text's offsets and numbering.

    Each piece is a Document of its own stretch of text, given the whole text's parts and
    paragraphs there (so nothing depends on finding them again in a piece); its rows are shifted
    back by the characters, tokens, paragraphs and sentences before it, and made into tables
    with label columns as categories at once, so only the compact tables accumulate. A test
    checks that the tables are those of the text analysed whole.
    """
    spans = doc.paragraph_spans
    built: dict[str, list[pd.DataFrame]] = {}
    theme_counts = None
    tokens = sentences = words = 0
    for piece in pieces:
        part = _piece_document(doc, piece)
        found = {name: _shifted(find(part), piece.start, tokens, piece.first, sentences)
                 for name, find in analysers.items()}
        if "themes" in found:  # counts add up over pieces; the words are set at the end
            count = resources.themes.theme_count_rows(found["themes"], 0, resources.book)
            theme_counts = count if theme_counts is None else {
                "count": theme_counts["count"] + count["count"], "words": count["words"]}
        for name, table in _build_tables([(doc_id, found)], resources).items():
            built.setdefault(name, []).append(_as_categories(table))
        columns = part.token_columns
        tokens += len(columns)
        words += columns.words
        sentences += len(part.sentence_spans)
        del part, found, columns
    meta = {"title": doc.title, "date": doc.date, "source_url": doc.source_url,
            "encoding": doc.encoding, "characters": len(doc.raw), "paragraphs": len(spans),
            "sentences": sentences, "tokens": words}
    rows: dict[str, Rows] = {"documents": _document_row(doc, meta)}
    if theme_counts is not None:
        rows["theme_counts"] = {**theme_counts, "words": np.full_like(theme_counts["words"],
                                                                      words)}
    for name, table in _build_tables([(doc_id, rows)], resources).items():
        built[name] = [_as_categories(table)]
    return {name: _concat_categories(built[name])
            for name in [*TABLES[:-1], *resources.extra] if name in built}


def _piece_document(doc: Document, piece: _Piece) -> Document:
    """``doc.raw[piece.start:piece.end]`` as a Document with the whole text's parts and
    paragraphs there, made without the checks of loading: the text was checked and its
    structure found when it was loaded (a piece looked at alone could seem to have a title,
    a footer or no Persian at all)."""
    part = object.__new__(Document)
    part.raw = doc.raw[piece.start : piece.end]
    part.doc_id, part.path, part.encoding = doc.doc_id, None, doc.encoding
    part.skip_rules, part.overrides = doc.skip_rules, doc.overrides
    part.parts = _parts_within(doc.parts, piece.start, piece.end)
    part.paragraph_spans = [(s - piece.start, e - piece.start)
                             for s, e in doc.paragraph_spans[piece.first : piece.stop]]
    return part


def _parts_within(parts: dict[str, Span], start: int, end: int) -> dict[str, Span]:
    """The parts of a text that reach into ``raw[start:end]``, cut to it, in its offsets."""
    within = {}
    for name, span in parts.items():
        s, e = max(span.start, start), min(span.end, end)
        if s < e:
            within[name] = Span(s - start, e - start, span.label)
    return within


def _shifted(rows: Rows, chars: int, tokens: int, paragraphs: int, sentences: int) -> Rows:
    """A piece's rows in the whole text's numbering (-1, outside the body, stays -1)."""
    out = dict(rows)
    for column, by in (("start", chars), ("end", chars), ("first_token", tokens),
                       ("end_token", tokens)):
        if column in out:
            out[column] = np.asarray(out[column]) + by
    for column, by in (("paragraph", paragraphs), ("sentence", sentences)):
        if column in out:
            values = np.asarray(out[column])
            out[column] = np.where(values >= 0, values + by, values)
    return out


def _failure(task: _Task, stage: str, err: BaseException | str) -> dict[str, Any]:
    if isinstance(err, BaseException):
        error, reason = type(err).__name__, str(err) or repr(err)
    else:
        error, reason = "InputError", err
    return {"doc_id": task.doc_id, "path": task.path, "stage": stage, "error": error,
            "reason": reason}


def _load_task(task: _Task) -> tuple[Document | None, dict | None]:
    """Load one input: (Document or None, failure or None); bad input never raises."""
    if task.problem is not None:
        return None, _failure(task, "find", task.problem)
    if task.error is not None:
        return None, _failure(task, "load", task.error)
    try:
        if task.data is not None:  # read by the client: the same checks on the bytes it sent
            text, used = decode(task.data, encoding=task.encoding, name=task.path)
            return Document(raw=text, doc_id=task.doc_id, path=Path(task.path),
                            encoding=used), None
        return load_document(Path(task.path), encoding=task.encoding, doc_id=task.doc_id), None
    except LOAD_ERRORS as err:
        return None, _failure(task, "load", err)


def _with_texts(tasks: list[_Task]) -> list[_Task]:
    """The tasks with each file's bytes, read here (or the error a worker would have met)."""
    sent = []
    for task in tasks:
        if task.problem is None:
            try:
                task = replace(task, data=read_file(Path(task.path)))
            except LOAD_ERRORS as err:
                task = replace(task, error=err)
        sent.append(task)
    return sent


def _analyze_loaded(loaded: list[tuple[_Task, Document]], errors: str, resources: _Resources,
                    analysers: dict) -> list[tuple[_Task, dict | None, dict | None]]:
    """Rows of every loaded text, or the failure of a text that breaks an analysis.

    The texts are analysed together (``TextBatch``); if that raises, they are analysed again one
    by one, so that only the texts that break are reported and the others still count. A text
    alone is analysed as itself (in pieces if it is long).
    """
    if len(loaded) > 1:
        try:
            rows = _analyze_batch_rows([doc for _, doc in loaded],
                                       [t.doc_id for t, _ in loaded], resources, analysers)
            return [(task, r, None) for (task, _), r in zip(loaded, rows, strict=True)]
        except FATAL_ERRORS:
            raise
        except Exception:
            if errors == "raise":
                raise
    analysed = []
    for task, doc in loaded:
        try:
            analysed.append((task, _analyze_rows(doc, task.doc_id, resources, analysers), None))
        except FATAL_ERRORS:
            raise
        except Exception as err:  # a text that loads but breaks an analysis: report, go on
            if errors == "raise":
                raise
            analysed.append((task, None, _failure(task, "analyse", err)))
    return analysed


@dataclass
class _Batch:
    """The outcome of a batch of inputs: each table built once, and the failures.

    ``order`` gives, per table, the input index of each row, so batches that come back in any
    order (processes, Dask) are put back in input order.
    """

    size: int
    tables: dict[str, pd.DataFrame]
    order: dict[str, np.ndarray]
    failures: list[tuple[int, dict]]


def _run_tasks(tasks: Sequence[_Task], errors: str = "report",
               dictionaries: Sequence[Dictionary] = ()) -> _Batch:
    """Analyse a batch of inputs (one process chunk or Dask partition) into one set of tables.

    Texts are loaded one after another. Short ones wait until about ``_BATCH_CHARS``
    characters are waiting and are analysed together; a long one is analysed at once, in
    pieces. Each group's tables are built as it is done, with labels as categories, so a batch
    holds only the texts being analysed and compact tables, however long its texts are.
    """
    resources = _Resources(dictionaries)
    analysers = _analysers(resources)
    groups: list[_Batch] = []
    waiting: list[tuple[_Task, Document]] = []
    size = 0
    for task in tasks:
        doc, failure = _load_task(task)
        if failure is not None:
            groups.append(_Batch(1, {}, {}, [(task.index, failure)]))
            continue
        pieces = _pieces(doc, resources)
        if len(pieces) > 1:
            if waiting:  # first the texts before it, so that rows stay in input order
                groups.append(_run_group(waiting, errors, resources, analysers))
                waiting, size = [], 0
            groups.append(_run_long(task, doc, pieces, errors, resources, analysers))
        else:
            waiting.append((task, doc))
            size += len(doc.raw)
        del doc
        if size >= _BATCH_CHARS:
            groups.append(_run_group(waiting, errors, resources, analysers))
            waiting, size = [], 0
    if waiting:
        groups.append(_run_group(waiting, errors, resources, analysers))
    names = [n for n in [*TABLES[:-1], *resources.extra] if any(n in g.tables for g in groups)]
    return _Batch(
        len(tasks),
        {n: _concat_categories([g.tables[n] for g in groups if n in g.tables]) for n in names},
        {n: np.concatenate([g.order[n] for g in groups if n in g.tables]) for n in names},
        sorted((f for g in groups for f in g.failures), key=lambda item: item[0]),
    )


def _run_group(loaded: list[tuple[_Task, Document]], errors: str, resources: _Resources,
               analysers: dict) -> _Batch:
    """Texts analysed together (``_analyze_loaded``), their tables built once."""
    items, indices, failures = [], [], []
    for task, rows, failure in _analyze_loaded(loaded, errors, resources, analysers):
        if failure is not None:
            failures.append((task.index, failure))
        else:
            items.append((task.doc_id, rows))
            indices.append(task.index)
    tables = {name: _as_categories(table)
              for name, table in _build_tables(items, resources).items()}
    order = {}
    for name in tables:
        counts = [n_rows(rows[name]) for _, rows in items if name in rows]
        order[name] = np.repeat(np.array(indices, dtype=np.int64), counts)
    return _Batch(len(loaded), tables, order, failures)


def _run_long(task: _Task, doc: Document, pieces: list[_Piece], errors: str,
              resources: _Resources, analysers: dict) -> _Batch:
    """A long text analysed in pieces (``_analyze_long``), or its failure."""
    try:
        tables = _analyze_long(doc, task.doc_id, pieces, resources, analysers)
    except FATAL_ERRORS:
        raise
    except Exception as err:
        if errors == "raise":
            raise
        return _Batch(1, {}, {}, [(task.index, _failure(task, "analyse", err))])
    order = {name: np.full(len(table), task.index, dtype=np.int64)
             for name, table in tables.items()}
    return _Batch(1, tables, order, [])


def _run_partition(tasks: Sequence[_Task], errors: str = "report",
                   dictionaries: Sequence[Dictionary] = ()) -> list[_Batch]:
    """A Dask partition's tasks as a one-item list (a bag partition is a list)."""
    return [_run_tasks(tasks, errors, dictionaries)]


# ----------------------------------------------------------------------------- inputs


def expand_paths(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
) -> list[tuple[str, str | None]]:
    """Files as given, folders as their sorted ``*.txt``, patterns globbed: (path, problem).

    ``problem`` says why an input cannot be read (an empty folder, a pattern matching nothing,
    a broken link, a named pipe or device), or is None; such inputs become failure rows.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    import glob

    expanded: list[tuple[str, str | None]] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            texts = sorted(p for p in path.glob("*.txt") if not p.is_dir())
            if not texts:
                expanded.append((str(path), f"The folder {path} holds no .txt files."))
            expanded.extend((str(p), _not_a_file(p)) for p in texts)
        elif not os.path.lexists(path) and glob.has_magic(str(item)):  # e.g. texts/*.txt
            matches = sorted(m for m in glob.glob(str(item)) if not os.path.isdir(m))
            if not matches:
                expanded.append((str(item), f"No file matches the pattern {item}."))
            expanded.extend((m, _not_a_file(Path(m))) for m in matches)
        else:
            expanded.append((str(path), _not_a_file(path)))
    return expanded


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a text (a broken link, a pipe, a device), or None.

    A named pipe is never opened: reading one waits until something writes to it.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return (f"{path} is a broken link: it points to {os.readlink(path)}, which does not "
                    "exist. Fix or remove the link.")
        return None  # missing: loading says so
    except OSError as err:  # a loop of links, no permission to look
        return f"{path} cannot be read: {err.strerror or err}."
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "not a regular file")
    return f"{path} is {kind}, not a text file: it was not read."


def _tasks(paths: Any, encoding: str | None) -> list[_Task]:
    """One task per input, with a unique ``doc_id`` (see ``_doc_ids``)."""
    expanded = expand_paths(paths)
    if not expanded:
        raise CorpusError("No paths given: pass files or folders of .txt files to analyse.")
    ids = _doc_ids([path for path, _ in expanded])
    return [_Task(index, path, doc_id, encoding, problem)
            for index, ((path, problem), doc_id) in enumerate(zip(expanded, ids, strict=True))]


def _doc_ids(paths: list[str]) -> list[str]:
    """Each input's ``doc_id``: its file name without the extension, unique in the run.

    When two inputs have the same name (``a/report.txt``, ``b/report.txt``), the first keeps
    it and the others get the first free ``~2``, ``~3``... (``report~2``): never a name that
    another input has of its own.
    """
    stems = [Path(p).stem or Path(p).name or "text" for p in paths]
    taken = set(stems)
    ids, seen = [], set()
    for stem in stems:
        doc_id, n = stem, 1
        while doc_id in seen or (n > 1 and doc_id in taken):
            n += 1
            doc_id = f"{stem}~{n}"
        seen.add(doc_id)
        ids.append(doc_id)
    return ids


# ----------------------------------------------------------------------------- gathering


class _Collector:
    """Batches' tables gathered as they arrive, then joined in input order.

    Tables wait as they came until about ``_COMPACT_ROWS`` rows have arrived; they are then
    joined and their label columns become categories (one conversion per column for many
    batches), which keeps a large corpus's tables small.
    """

    def __init__(self, names: Sequence[str] = TABLES[:-1]) -> None:
        self.pending: dict[str, list[tuple[np.ndarray, pd.DataFrame]]] = {n: [] for n in names}
        self.pending_rows = dict.fromkeys(names, 0)
        self.chunks: dict[str, list[tuple[np.ndarray, pd.DataFrame]]] = {n: [] for n in names}
        self.templates: dict[str, pd.DataFrame] = {}

    def add(self, batch: _Batch) -> None:
        for name, table in batch.tables.items():
            if name not in self.templates:
                self.templates[name] = table.iloc[:0].reset_index(drop=True)
            if len(table):
                self.pending[name].append((batch.order[name], table))
                self.pending_rows[name] += len(table)
                if self.pending_rows[name] >= _COMPACT_ROWS:
                    self._compact(name)

    def _compact(self, name: str) -> None:
        items = self.pending[name]
        if items:
            order = np.concatenate([o for o, _ in items])
            chunk = _concat_categories([t for _, t in items])  # batches send categories
            self.chunks[name].append((order, _as_categories(chunk)))
            self.pending[name], self.pending_rows[name] = [], 0

    def table(self, name: str) -> pd.DataFrame:
        """All rows of one table, in input order (rows of one document keep their order)."""
        self._compact(name)
        chunks = self.chunks[name]
        if not chunks:
            if name in self.templates:
                return _as_categories(self.templates[name])
            return pd.DataFrame(columns=DOCUMENT_COLUMNS if name == "documents" else ["doc_id"])
        order = np.concatenate([o for o, _ in chunks])
        table = _concat_categories([t for _, t in chunks])
        if (np.diff(order) < 0).any():  # batches came back out of order (Dask)
            table = table.iloc[np.argsort(order, kind="stable")]
        return table.reset_index(drop=True)


# Rows of a table joined before their labels become categories (see _Collector).
_COMPACT_ROWS = 20_000


# Columns that repeat a few values over many rows (labels, codes, ids): stored as pandas
# categories in corpus tables, which cuts their memory several-fold. Any other column is kept.
CATEGORY_COLUMNS = frozenset({
    "doc_id", "part", "form", "pattern", "kind", "key",
    "theme", "subtheme", "label_fa", "label_en", "theme_fa", "theme_en",
    "place", "place_fa", "code", "place_kind", "country", "country_code", "region",
    "region_code", "threat", "threat_fa", "category", "category_label", "category_fa",
    "category_en",
})


def _as_categories(table: pd.DataFrame) -> pd.DataFrame:
    for column in table.columns:
        if column in CATEGORY_COLUMNS and not isinstance(table[column].dtype, pd.CategoricalDtype):
            values = table[column]
            # Only text (and missing values) becomes a category: infer_dtype checks in C.
            kind = pd.api.types.infer_dtype(values, skipna=True)
            if kind in ("string", "empty") or values.isna().all():
                table[column] = values.astype("category")
    return table


def _concat_categories(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate chunks, first giving each category column the union of the categories.

    Empty chunks are left out when there are others: their text columns have no values to
    infer a type from, so their categories could not be joined with the others'.
    """
    frames = [f for f in frames if len(f)] or frames[:1]
    if len(frames) == 1:
        return frames[0]
    for column in frames[0].columns:
        if all(isinstance(f[column].dtype, pd.CategoricalDtype) for f in frames):
            union = pd.api.types.union_categoricals([f[column] for f in frames],
                                                    sort_categories=True).categories
            for frame in frames:
                frame[column] = frame[column].cat.set_categories(union)
    return pd.concat(frames, ignore_index=True)


def plain(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of a corpus table with category columns turned back into ordinary values."""
    labels = table.select_dtypes("category").columns
    return table.astype({c: table[c].cat.categories.dtype for c in labels})


def _gather(batches: Iterable[_Batch], inputs: int,
            extra: Sequence[Dictionary] = ()) -> CorpusResult:
    """Collect batches (in any order) into tables sorted by input order."""
    collector = _Collector([*TABLES[:-1], *(d.name for d in extra)])
    failures: list[tuple[int, dict]] = []
    for batch in batches:
        failures.extend(batch.failures)
        collector.add(batch)
    combined = {name: collector.table(name) for name in TABLES[:-1]}
    failures.sort(key=lambda item: item[0])
    combined["failures"] = pd.DataFrame([f for _, f in failures], columns=FAILURE_COLUMNS)
    tables = {}
    for d in extra:  # each extra table says which dictionary it came from, for counts()
        tables[d.name] = collector.table(d.name)
        tables[d.name].attrs = {"dictionary": register(d), "dictionary_source": d.source}
    return CorpusResult(**combined, inputs=inputs, extra=tables)


def _progress(batches: Iterable[_Batch], total: int, progress: bool) -> Iterator[_Batch]:
    """The batches, counted on a progress bar of texts (none on CI or when switched off)."""
    if not progress or os.environ.get("CI"):
        yield from batches
        return
    try:  # a widget bar in Jupyter when ipywidgets is installed, else a text bar
        import ipywidgets  # noqa: F401
        from tqdm.auto import tqdm
    except ImportError:
        from tqdm import tqdm

    with tqdm(total=total, desc="texts", unit="text", file=sys.stderr) as bar:
        for batch in batches:
            bar.update(batch.size)
            yield batch


# Texts per batch: each batch's tables are built once, so per-text pandas costs vanish; small
# enough that a progress bar moves and memory stays flat.
_BATCH = 32


def _batches(tasks: Sequence[_Task], size: int) -> list[Sequence[_Task]]:
    return [tasks[i : i + size] for i in range(0, len(tasks), size)]


# Imported once by the fork server, so that each worker starts with pandas and the dictionaries
# loaded (helpers/_preload.py).
_PRELOAD = ["helpers._preload"]


def _process_context() -> Any:
    """How worker processes start: forked from a fork server where there is one, else spawned.

    Both give clean single-threaded workers, safe in Jupyter and next to threads (Dask, tqdm),
    which plain fork is not. A fork server (Linux, macOS) imports the package once and forks
    each worker from it, so workers start in a fraction of a second instead of importing pandas
    and compiling the dictionaries again; the server stays for later runs in the same session.
    Windows has only spawn.
    """
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _extra_dictionaries(dictionaries: Sequence[Dictionary | str | os.PathLike]
                        ) -> tuple[Dictionary, ...]:
    """The extra dictionaries of a run, loaded and checked here (once), with distinct names."""
    if isinstance(dictionaries, (str, os.PathLike, Dictionary)):
        dictionaries = [dictionaries]
    loaded, seen = [], set(TABLES)
    for source in dictionaries:
        d = load_dictionary(source)
        if d.name in seen:
            raise CorpusError(
                f"Two tables would be called {d.name!r} (dictionary {d.source}); give the "
                "dictionary another `name:` in its file, or load it with "
                "helpers.load_dictionary(path, name=...).")
        seen.add(d.name)
        loaded.append(d)
    return tuple(loaded)


def _on_processes(batches: Iterable[Sequence[_Task]], workers: int, errors: str,
                  dictionaries: Sequence[Dictionary]) -> Iterator[_Batch]:
    """The batches analysed on ``workers`` processes, as they finish; a dead worker loses nothing.

    Batches go to a process pool ``workers`` at a time, so the batches in flight are known.
    When a worker dies (killed by the out-of-memory killer, or crashing in a library), the pool
    breaks: the batches in flight are set aside and the others go on in a new pool. The texts
    set aside are then analysed one at a time in a fresh process (``_one_at_a_time``), so a
    text whose process dies even alone is the one reported, as a failure, and the others count.
    """
    context = _process_context()
    waiting = deque(batches)
    set_aside: list[_Task] = []
    while waiting:
        yield from _pool_round(waiting, workers, context, errors, dictionaries, set_aside)
    yield from _one_at_a_time(set_aside, errors, dictionaries, context)


def _pool_round(waiting: deque, workers: int, context: Any, errors: str,
                dictionaries: Sequence[Dictionary], set_aside: list[_Task]) -> Iterator[_Batch]:
    """Batches from ``waiting`` on one process pool, until they are done or the pool breaks."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(workers, mp_context=context)
    running: dict[Any, Sequence[_Task]] = {}
    ended = False
    try:
        while waiting or running:
            broken = False
            while waiting and len(running) < workers and not broken:
                batch = waiting.popleft()
                try:
                    running[pool.submit(_run_tasks, batch, errors, dictionaries)] = batch
                except BrokenProcessPool:  # broke since the last wait: this batch never ran
                    waiting.appendleft(batch)
                    broken = True
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            if broken or any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                broken = True
                done, _ = wait(running)  # a broken pool fails every batch in flight at once
            for future in done:
                batch = running.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):
                    set_aside.extend(batch)
                else:
                    yield future.result()  # a fatal error (broken package data) raises here
            if broken:
                break
        ended = True
    finally:
        # On an error (or Ctrl-C) return at once: the workers finish their batch and exit.
        pool.shutdown(wait=ended, cancel_futures=True)


def _one_at_a_time(tasks: list[_Task], errors: str, dictionaries: Sequence[Dictionary],
                   context: Any) -> Iterator[_Batch]:
    """Texts analysed one at a time in a fresh process, a new one after each death.

    Only one text is in the process at a time, so a text whose process dies is the one that
    killed it: it becomes a failure row saying how the process died, and the next text goes to
    a new process.
    """
    pending = deque(sorted(tasks, key=lambda t: t.index))
    while pending:
        connection, theirs = context.Pipe()
        process = context.Process(target=_serve_alone, args=(theirs, errors, dictionaries),
                                  daemon=True)
        process.start()
        theirs.close()  # so that reading ends (EOFError) when the process dies
        died = None
        try:
            while pending:
                task = pending.popleft()
                try:
                    connection.send(task)
                    raised, value = connection.recv()
                except (EOFError, OSError):
                    died = task
                    break
                if raised:
                    raise value
                yield value
        finally:
            connection.close()  # the process reads the end and exits
            process.join()
        if died is not None:
            failure = _died(died, "WorkerDied", _exit_status(process.exitcode))
            yield _Batch(1, {}, {}, [(died.index, failure)])


def _serve_alone(connection: Any, errors: str, dictionaries: Sequence[Dictionary]) -> None:
    """In a fresh process: analyse the texts sent, one at a time, sending back each batch (or
    what it raised), until the connection closes."""
    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        try:
            outcome = (False, _run_tasks([task], errors, dictionaries))
        except BaseException as err:  # sent to the parent, which raises it
            outcome = (True, err)
        try:
            connection.send(outcome)
        except Exception as err:  # an exception that cannot be pickled
            connection.send((True, RuntimeError(f"{outcome[1]!r} (and could not be sent: "
                                                f"{err})")))


def _died(task: _Task, error: str, how: str) -> dict[str, Any]:
    """The failure row of a text whose worker died each time, even alone: ``how`` it died."""
    reason = (f"The worker process analysing this text died ({how}), with the other texts of "
              "its batch and again when it was analysed alone, so only this text is left out. "
              "Check its size and the memory free (the out-of-memory killer ends a process "
              "that takes too much), or analyse it alone with helpers.analyze_document.")
    return {"doc_id": task.doc_id, "path": task.path, "stage": "analyse", "error": error,
            "reason": reason}


def _exit_status(exitcode: int | None) -> str:
    """How a process ended, in words: 'killed by SIGKILL', 'exited with status 1'."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exited with status {exitcode}"


def _default_workers(n_tasks: int) -> int:
    # The first parallel run of a session starts the fork server (about two seconds: it imports
    # pandas and compiles the dictionaries); not worth it for a few texts.
    if n_tasks < 8:
        return 1
    return max(1, min(os.cpu_count() or 1, n_tasks))


def analyze_corpus(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    workers: int | None = None,
    progress: bool = True,
    encoding: str | None = None,
    scheduler: Any = None,
    chunksize: int | None = None,
    errors: str = "report",
    send_texts: bool = False,
    dictionaries: Sequence[Dictionary | str | os.PathLike] = (),
) -> CorpusResult:
    """Analyse many texts (files, or folders of .txt) into tables with a ``doc_id`` column.

    Texts are analysed in batches (``chunksize`` texts, up to 32), each batch's tables built
    once. ``workers`` processes share the batches (None: one per core for 8 texts or more,
    else 1). ``scheduler`` runs the same batches on Dask instead: a ``distributed.Client``, a
    scheduler address such as ``"tcp://scheduler:8786"``, or one of Dask's local schedulers
    (``"processes"``, ``"threads"``, ``"synchronous"``); with Dask, ``send_texts=True`` sends
    the files' bytes from this process, for workers that cannot read the paths (see
    ``analyze_corpus_dask``). ``errors="raise"`` re-raises a failing analysis (not a bad file)
    to debug it. Broken package data (a LexiconError from the gazetteer or dictionaries) always
    raises at once. ``dictionaries`` adds one mention table per dictionary (a path or a loaded
    :class:`~helpers.dictionary.Dictionary`), named after it: ``result.tables()[name]``.

    Every input ends up in ``documents`` or in ``failures``: a file that cannot be read (missing,
    empty, binary, a broken link, a named pipe, which is never opened), a text that breaks an
    analysis, and a text whose worker process dies (the out-of-memory killer) even when it is
    analysed alone; a worker's death never stops or hangs the run. A text's ``doc_id`` is its
    file name without the extension; a name met twice gets ``~2``, ``~3``... (``report~2``).
    A long text is analysed in pieces of whole paragraphs, with the same tables.
    """
    if errors not in ("report", "raise"):
        raise CorpusError(f"errors must be 'report' or 'raise', not {errors!r}.")
    extra = _extra_dictionaries(dictionaries)
    if scheduler is not None:
        return analyze_corpus_dask(paths, scheduler, progress=progress, encoding=encoding,
                                   errors=errors, send_texts=send_texts, dictionaries=extra)
    tasks = _tasks(paths, encoding)
    if workers is None:
        workers = _default_workers(len(tasks))
    if not isinstance(workers, int) or workers < 1:
        raise CorpusError(f"workers must be a positive whole number, not {workers!r}.")
    workers = min(workers, len(tasks))
    if chunksize is None:
        chunksize = max(1, min(_BATCH, len(tasks) // (workers * 4)))
    if not isinstance(chunksize, int) or chunksize < 1:
        raise CorpusError(f"chunksize must be a positive whole number, not {chunksize!r}.")
    batches = _batches(tasks, chunksize if workers > 1 else _BATCH)
    if workers == 1:
        outcomes = (_run_tasks(batch, errors, extra) for batch in batches)
        return _gather(_progress(outcomes, len(tasks), progress), len(tasks), extra)

    outcomes = _on_processes(batches, workers, errors, extra)
    return _gather(_progress(outcomes, len(tasks), progress), len(tasks), extra)


def corpus_theme_totals(theme_counts: pd.DataFrame) -> pd.DataFrame:
    """Theme mentions summed over documents (dictionary order), with words and per 1,000 words."""
    keys = [c for c in ("theme", "subtheme", "label_fa", "label_en") if c in theme_counts.columns]
    if theme_counts.empty:
        return pd.DataFrame(columns=[*keys, "count", "words", "per_1000"])
    docs = theme_counts.drop_duplicates("doc_id")
    words = int(docs["words"].sum()) if "words" in docs.columns else 0
    table = plain(theme_counts).groupby(keys, sort=False)["count"].sum().reset_index()
    table["words"] = words
    table["per_1000"] = (1000 * table["count"] / words).round(3) if words else 0.0
    return table


def compare_themes(theme_counts: pd.DataFrame, value: str = "per_1000") -> pd.DataFrame:
    """Themes (rows, dictionary order) by document (columns): ``count`` or ``per_1000`` words."""
    if value not in ("count", "per_1000"):
        raise ValueError(f"value must be 'count' or 'per_1000', not {value!r}.")
    for column in ("doc_id", "label_fa", value):
        if column not in theme_counts.columns:
            raise KeyError(f"theme_counts lacks {column!r}: pass CorpusResult.theme_counts.")
    rows = [c for c in ("label_fa", "label_en") if c in theme_counts.columns]
    table = plain(theme_counts).pivot_table(index=rows, columns="doc_id", values=value,
                                            aggfunc="sum", fill_value=0, sort=False)
    table.columns.name = "doc_id"
    return table


def compare_places(places: pd.DataFrame, top: int | None = 15) -> pd.DataFrame:
    """Mentions of each place (rows, most mentioned first) by document (columns), with a total."""
    from helpers.places import place_counts

    if places.empty:
        return pd.DataFrame(columns=["total"])
    per_doc = []
    for doc_id, mentions in plain(places).groupby("doc_id", sort=False):
        counts = place_counts(mentions)
        counts["doc_id"] = doc_id
        per_doc.append(counts)
    table = pd.concat(per_doc, ignore_index=True).pivot_table(
        index=["place_fa", "place"], columns="doc_id", values="mentions", aggfunc="sum",
        fill_value=0, sort=False)
    table["total"] = table.sum(axis=1)
    table = table.sort_values("total", ascending=False, kind="stable")
    table.columns.name = "doc_id"
    return table.head(top) if top is not None else table


def spread(table: pd.DataFrame) -> pd.DataFrame:
    """For each row of a comparison table: in how many documents it occurs, and the most."""
    docs = table.drop(columns="total", errors="ignore")
    return pd.DataFrame({
        "documents": (docs > 0).sum(axis=1),
        "of": docs.shape[1],
        "most_in": docs.idxmax(axis=1).where(docs.max(axis=1) > 0),
    })


def plot_comparison(
    table: pd.DataFrame, *, ax: Any = None, title: str | None = None, label: str = "",
    fmt: str = "{:.0f}", gloss: bool = True,
) -> Any:
    """Heatmap of a comparison table: Persian row labels on the right, one column per document."""
    import matplotlib.pyplot as plt

    from helpers.figures import fa

    data = table.drop(columns="total", errors="ignore")
    if data.empty:
        raise ValueError("Nothing to plot: the comparison table is empty.")
    if ax is None:
        glossed = gloss and isinstance(data.index, pd.MultiIndex)
        _fig, ax = plt.subplots(figsize=(6.5 + 0.9 * data.shape[1],
                                         (0.62 if glossed else 0.4) * len(data) + 2.4))
    values = data.to_numpy(dtype=float)
    image = ax.imshow(values, cmap="Blues", aspect="auto", vmin=0)
    names = []
    for key in data.index:
        parts = key if isinstance(key, tuple) else (key,)
        fa_label = fa(str(parts[0]))
        names.append(f"{fa_label}\n{parts[1]}" if gloss and len(parts) > 1 else fa_label)
    ax.set_yticks(range(len(names)), names)
    ax.yaxis.tick_right()
    for tick in ax.get_yticklabels():
        tick.set_multialignment("left")
    ax.set_xticks(range(data.shape[1]), [str(c) for c in data.columns], rotation=90,
                  ha="center")
    high = values.max() if values.size else 0
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize="small",
                color="white" if high and v > 0.6 * high else "black")
    if title:
        ax.set_title(fa(title), loc="right")
    if label:
        bar = ax.figure.colorbar(image, ax=ax, location="bottom", shrink=0.6, aspect=30)
        bar.set_label(fa(label))
    return ax


# ----------------------------------------------------------------------------- Dask


_LOCAL_SCHEDULERS = {"threads", "threading", "processes", "multiprocessing", "sync",
                     "synchronous", "single-threaded"}


def analyze_corpus_dask(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    client: Any = None,
    *,
    progress: bool = True,
    encoding: str | None = None,
    partition_size: int | None = None,
    errors: str = "report",
    send_texts: bool = False,
    dictionaries: Sequence[Dictionary | str | os.PathLike] = (),
) -> CorpusResult:
    """Run the corpus analysis on a Dask cluster: one task per partition of texts.

    ``client`` is a ``distributed.Client`` (``Client("tcp://scheduler:8786")`` for your own
    cluster, ``Client(LocalCluster())`` for this machine), a scheduler address (a client is made
    and closed here), a local scheduler name (``"threads"``, ``"synchronous"``; ``"processes"``
    runs on this package's own process pool, as ``workers=`` does), or None for Dask's default.
    Folders are expanded here, and ``helpers`` must be installed on every worker. Each worker
    reads its own files, so the paths must be readable at the same place on every worker (a
    shared file system); or, with ``send_texts=True``, this process reads every file and sends
    the bytes with the tasks, which needs no shared file system but holds the whole corpus in
    this process's memory while the tasks are sent.

    A dead worker loses nothing. When the scheduler gives up on a partition (``KilledWorker``:
    its workers died ``distributed.scheduler.allowed-failures`` + 1 times; 3 + 1 by default),
    its texts are analysed again one at a time, and a text whose workers die even alone is
    reported in ``failures`` (error ``KilledWorker``) while every other text counts. Such a
    text costs two rounds of worker restarts, so for corpora that may hold one, set
    ``distributed.scheduler.allowed-failures`` to 1 where the scheduler starts.
    """
    tasks = _tasks(paths, encoding)
    if send_texts:
        tasks = _with_texts(tasks)
    if partition_size is None:
        partition_size = max(1, min(16, len(tasks) // 32 or 1))
    extra = _extra_dictionaries(dictionaries)
    if client in ("processes", "multiprocessing"):
        parts = _batches(tasks, partition_size)
        workers = max(1, min(os.cpu_count() or 1, len(parts)))
        outcomes = _on_processes(parts, workers, errors, extra)
        return _gather(_progress(outcomes, len(tasks), progress), len(tasks), extra)
    if client is None:
        client = _default_client()

    own_client = None
    if isinstance(client, str) and client not in _LOCAL_SCHEDULERS:
        from distributed import Client

        client = own_client = Client(client, timeout="30s")
    try:
        if client is None or isinstance(client, str):
            import dask
            import dask.bag as db

            bag = db.from_sequence(tasks, partition_size=partition_size)
            partitions = bag.map_partitions(_run_partition, errors, extra).to_delayed()
            (results,) = dask.compute(partitions, scheduler=client)
            outcomes = (batch for part in results for batch in part)
        else:
            outcomes = _on_cluster(client, _batches(tasks, partition_size), errors, extra)
        return _gather(_progress(outcomes, len(tasks), progress), len(tasks), extra)
    finally:
        if own_client is not None:
            own_client.close()


def _default_client() -> Any:
    """The ``distributed.Client`` that Dask's default scheduler is, if one is (else None)."""
    if "distributed" not in sys.modules:
        return None
    import dask
    from distributed import default_client

    if dask.config.get("scheduler", None) not in (None, "dask.distributed"):
        return None
    try:
        return default_client()
    except ValueError:  # no client in this session
        return None


def _on_cluster(client: Any, parts: list[Sequence[_Task]], errors: str,
                dictionaries: Sequence[Dictionary]) -> Iterator[_Batch]:
    """Partitions analysed as cluster tasks, as they finish; a dead worker loses nothing.

    A partition the scheduler gave up on (``KilledWorker``) is set aside; its texts are then
    analysed one at a time, the run's only task on the cluster, so a text whose worker dies
    then is the one that kills it: it becomes a failure row, and the others count.
    """
    from distributed import KilledWorker, as_completed

    futures = {client.submit(_run_tasks, part, errors, dictionaries, pure=False): part
               for part in parts}
    set_aside: list[_Task] = []
    for future in as_completed(futures):
        try:
            batch = future.result()
        except KilledWorker:
            set_aside.extend(futures[future])
            continue
        finally:
            future.release()  # let the cluster forget finished partitions
        yield batch
    for task in sorted(set_aside, key=lambda t: t.index):
        future = client.submit(_run_tasks, [task], errors, dictionaries, pure=False)
        try:
            batch = future.result()
        except KilledWorker as err:
            batch = _Batch(1, {}, {}, [(task.index, _died(task, "KilledWorker", f"Dask: {err}"))])
        finally:
            future.release()
        yield batch
