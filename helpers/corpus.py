"""Analyse many texts at once: places, threats and themes per document, on local cores or Dask.

``analyze_document`` is the unit of work: it loads one text, finds its places, threats and themes
and returns small tables (never the Document, so memory stays flat however many texts there are).
``analyze_corpus`` runs it over files and folders, one file at a time per worker process, and
gathers the tables with a ``doc_id`` column. A file that cannot be read (missing, empty, binary,
wrongly encoded) becomes a row of ``failures`` with its path and the reason, and the run goes on:
every input ends up either in ``documents`` or in ``failures``.

Past one machine the same function runs on a Dask cluster (``dask.bag``)::

    from distributed import Client
    result = helpers.analyze_corpus(paths, scheduler=Client("tcp://scheduler:8786"))

The workers must be able to import ``helpers`` (install the package on them) and read the paths
(a shared file system, with the same mount point on every worker).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.document import Document, TextLoadError, load_document

#: The mention tables every document contributes, and the function that finds each.
ANALYSES: dict[str, tuple[str, str]] = {
    "places": ("helpers.places", "find_places"),
    "threats": ("helpers.threats", "find_threats"),
    "themes": ("helpers.themes", "find_themes"),
}
TABLES = ("documents", "places", "threats", "themes", "theme_counts", "failures")
FAILURE_COLUMNS = ["doc_id", "path", "stage", "error", "reason"]
DOCUMENT_COLUMNS = [
    "doc_id", "title", "date", "source_url", "path", "encoding",
    "characters", "paragraphs", "sentences", "tokens",
]
# Errors that mean "this input is not a readable text": reported, never raised.
LOAD_ERRORS = (TextLoadError, OSError, UnicodeError)


class CorpusError(ValueError):
    """Corpus input that cannot be analysed at all (nothing given, bad option)."""


@dataclass
class CorpusResult:
    """The tables of a corpus run: documents, places, threats, themes, theme_counts, failures."""

    documents: pd.DataFrame
    places: pd.DataFrame
    threats: pd.DataFrame
    themes: pd.DataFrame
    theme_counts: pd.DataFrame
    failures: pd.DataFrame
    inputs: int = field(default=0)

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name (the order the CLI writes them in)."""
        return {name: getattr(self, name) for name in TABLES}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(f"No table {name!r}; the tables are {', '.join(TABLES)}.")
        return getattr(self, name)

    def __repr__(self) -> str:
        return (
            f"CorpusResult({len(self.documents)} documents, {len(self.failures)} failures; "
            f"{len(self.places)} place, {len(self.threats)} threat and {len(self.themes)} theme "
            "mentions)"
        )


@dataclass(frozen=True)
class _Task:
    """One input for a worker: where the text is and what to call it."""

    index: int
    path: str
    doc_id: str
    encoding: str | None = None
    problem: str | None = None  # set for an input that is known to be bad before loading


# ----------------------------------------------------------------------------- one document


def _analysers() -> dict[str, Any]:
    import importlib

    found = {}
    for name, (module, function) in ANALYSES.items():
        try:
            found[name] = getattr(importlib.import_module(module), function)
        except (ImportError, AttributeError) as err:
            raise ImportError(
                f"{module}.{function} is needed to analyse texts but cannot be imported ({err}); "
                "check that the helpers package is complete and up to date."
            ) from err
    return found


def _theme_counts(themes: pd.DataFrame) -> pd.DataFrame:
    from helpers.themes import theme_counts

    return theme_counts(themes)


def _with_doc_id(table: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    table = table.reset_index(drop=True)
    if "doc_id" in table.columns:
        table = table.drop(columns="doc_id")
    table.insert(0, "doc_id", pd.Series([doc_id] * len(table), dtype=object))
    return table


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
    if doc_id is not None:
        doc.doc_id = doc_id
    found = {name: find(doc) for name, find in _analysers().items()}
    found["theme_counts"] = _theme_counts(found["themes"])
    meta = doc.metadata()
    meta["path"] = str(doc.path) if doc.path is not None else None
    tables = {"documents": pd.DataFrame([meta]).reindex(columns=DOCUMENT_COLUMNS)}
    for name, table in found.items():
        tables[name] = _with_doc_id(table, doc.doc_id)
    return tables


def _failure(task: _Task, stage: str, err: BaseException | str) -> dict[str, Any]:
    if isinstance(err, BaseException):
        error, reason = type(err).__name__, str(err) or repr(err)
    else:
        error, reason = "InputError", err
    return {"doc_id": task.doc_id, "path": task.path, "stage": stage, "error": error,
            "reason": reason}


def _run_task(task: _Task, errors: str = "report") -> tuple[int, dict | None, dict | None]:
    """Analyse one input: (index, tables or None, failure row or None). Never raises on bad input."""
    if task.problem is not None:
        return task.index, None, _failure(task, "find", task.problem)
    try:
        doc = load_document(Path(task.path), encoding=task.encoding, doc_id=task.doc_id)
    except LOAD_ERRORS as err:
        return task.index, None, _failure(task, "load", err)
    try:
        return task.index, analyze_document(doc), None
    except Exception as err:  # a text that loads but breaks an analysis: report, go on
        if errors == "raise":
            raise
        return task.index, None, _failure(task, "analyse", err)


def _run_tasks(tasks: Sequence[_Task], errors: str = "report") -> list[tuple]:
    """Analyse a batch of inputs (one Dask partition or one process chunk)."""
    return [_run_task(task, errors) for task in tasks]


# ----------------------------------------------------------------------------- inputs


def expand_paths(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[tuple[str, str | None]]:
    """Files as given and folders as their sorted ``*.txt``: (path, problem or None) per input."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    expanded: list[tuple[str, str | None]] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            texts = sorted(p for p in path.glob("*.txt") if p.is_file())
            if not texts:
                expanded.append((str(path), f"The folder {path} holds no .txt files."))
            expanded.extend((str(p), None) for p in texts)
        else:
            expanded.append((str(path), None))
    return expanded


def _tasks(paths: Any, encoding: str | None) -> list[_Task]:
    expanded = expand_paths(paths)
    if not expanded:
        raise CorpusError("No paths given: pass files or folders of .txt files to analyse.")
    tasks, seen = [], {}
    for index, (path, problem) in enumerate(expanded):
        stem = Path(path).stem or Path(path).name or "text"
        seen[stem] = seen.get(stem, 0) + 1
        doc_id = stem if seen[stem] == 1 else f"{stem}~{seen[stem]}"  # unique across folders
        tasks.append(_Task(index, path, doc_id, encoding, problem))
    return tasks


# ----------------------------------------------------------------------------- gathering


def _gather(outcomes: Iterable[tuple[int, dict | None, dict | None]], inputs: int) -> CorpusResult:
    """Collect per-document outcomes (any order) into tables sorted by input order."""
    pieces: dict[str, list[tuple[int, pd.DataFrame]]] = {name: [] for name in TABLES[:-1]}
    failures: list[tuple[int, dict]] = []
    for index, tables, failure in outcomes:
        if failure is not None:
            failures.append((index, failure))
            continue
        for name, table in tables.items():
            pieces[name].append((index, table))
    combined = {}
    for name, items in pieces.items():
        items.sort(key=lambda item: item[0])
        frames = [table for _, table in items if len(table)]
        if frames:
            combined[name] = pd.concat(frames, ignore_index=True)
        elif items:  # documents without any mention: keep the columns
            combined[name] = items[0][1].iloc[:0].reset_index(drop=True)
        else:
            combined[name] = pd.DataFrame(columns=DOCUMENT_COLUMNS if name == "documents"
                                          else ["doc_id"])
    failures.sort(key=lambda item: item[0])
    combined["failures"] = pd.DataFrame([f for _, f in failures], columns=FAILURE_COLUMNS)
    return CorpusResult(**combined, inputs=inputs)


def _progress(iterable: Iterable, total: int, progress: bool, desc: str) -> Iterator:
    if not progress or os.environ.get("CI"):
        return iter(iterable)
    from tqdm.auto import tqdm

    return iter(tqdm(iterable, total=total, desc=desc, unit="text", file=sys.stderr))


def _default_workers(n_tasks: int) -> int:
    # Starting a process costs about a second (it imports pandas); not worth it for a few texts.
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
) -> CorpusResult:
    """Analyse many texts (files, or folders of .txt) into tables with a ``doc_id`` column.

    ``workers`` processes share the files (None: one per core for 8 texts or more, else 1).
    ``scheduler`` runs the same per-document function on Dask instead: a
    ``distributed.Client``, a scheduler address such as ``"tcp://scheduler:8786"``, or one of
    Dask's local schedulers (``"processes"``, ``"threads"``, ``"synchronous"``).
    ``errors="raise"`` re-raises a failing analysis (not a bad file) to debug it.
    """
    if errors not in ("report", "raise"):
        raise CorpusError(f"errors must be 'report' or 'raise', not {errors!r}.")
    if scheduler is not None:
        return analyze_corpus_dask(paths, scheduler, progress=progress, encoding=encoding,
                                   errors=errors)
    tasks = _tasks(paths, encoding)
    if workers is None:
        workers = _default_workers(len(tasks))
    if not isinstance(workers, int) or workers < 1:
        raise CorpusError(f"workers must be a positive whole number, not {workers!r}.")
    workers = min(workers, len(tasks))
    if workers == 1:
        outcomes = (_run_task(task, errors) for task in tasks)
        return _gather(_progress(outcomes, len(tasks), progress, "texts"), len(tasks))

    import multiprocessing
    from functools import partial

    if chunksize is None:
        chunksize = max(1, min(16, len(tasks) // (workers * 4)))
    # "spawn" gives the same clean workers on Linux, macOS and Windows, and is safe in Jupyter
    # and next to threads (Dask, tqdm).
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        outcomes = pool.imap(partial(_run_task, errors=errors), tasks, chunksize=chunksize)
        return _gather(_progress(outcomes, len(tasks), progress, "texts"), len(tasks))


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
) -> CorpusResult:
    """Run ``analyze_document`` over the texts with ``dask.bag`` on a Dask cluster.

    ``client`` is a ``distributed.Client`` (``Client("tcp://scheduler:8786")`` for your own
    cluster, ``Client(LocalCluster())`` for this machine), a scheduler address (a client is made
    and closed here), a local scheduler name such as ``"processes"``, or None for Dask's default.
    Folders are expanded here; each worker reads its own files, so the paths must be readable
    at the same place on every worker, and ``helpers`` must be installed there.
    """
    import dask
    import dask.bag as db

    tasks = _tasks(paths, encoding)
    if partition_size is None:
        partition_size = max(1, min(16, len(tasks) // 32 or 1))
    bag = db.from_sequence(tasks, partition_size=partition_size)
    partitions = bag.map_partitions(_run_tasks, errors).to_delayed()

    own_client = None
    if isinstance(client, str) and client not in _LOCAL_SCHEDULERS:
        from distributed import Client

        client = own_client = Client(client, timeout="30s")
    try:
        if client is None or isinstance(client, str):
            (results,) = dask.compute(partitions, scheduler=client)
            outcomes = (outcome for part in results for outcome in part)
            return _gather(_progress(outcomes, len(tasks), progress, "texts"), len(tasks))
        from distributed import as_completed

        futures = client.compute(partitions)

        def stream() -> Iterator[tuple]:
            for future in as_completed(futures):
                yield from future.result()
                future.release()  # let the cluster forget finished partitions

        return _gather(_progress(stream(), len(tasks), progress, "texts"), len(tasks))
    finally:
        if own_client is not None:
            own_client.close()
