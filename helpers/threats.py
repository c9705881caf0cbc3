"""Find threats (groups, attacks, foreign fighters, detention, financing ...) in a Persian text.

The threat lexicon (data/threats/threats.yaml) gives Persian patterns, an English label and a
category anchored on the Global Terrorism Database's attack types and the Global Coalition's
working groups (see the file's header). Matching is the shared PhraseMatcher: leftmost-longest
on normalised tokens, spans reported into ``doc.raw``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from helpers._paths import data_dir
from helpers._rows import Rows
from helpers.document import position_columns, span_columns
from helpers.lexicons import LexiconError, duplicates, read_yaml
from helpers.matching import PatternError, PhraseMatcher
from helpers.normalization import normalize_word

THREAT_COLUMNS = ["doc_id", "start", "end", "surface", "threat", "code", "category",
                  "category_label", "category_fa", "paragraph", "sentence", "part"]
_CATEGORY_NAME = re.compile(r"[a-z][a-z_]*")


def default_threat_lexicon_path() -> Path:
    """The threat lexicon shipped with the package."""
    return data_dir() / "threats" / "threats.yaml"


def load_threat_lexicon(path: str | Path | None = None) -> pd.DataFrame:
    """The threat lexicon as a table, one row per pattern; validated, cached per file."""
    return _load(str(Path(path) if path is not None else default_threat_lexicon_path())).copy()


@lru_cache(maxsize=8)
def _load(path: str) -> pd.DataFrame:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("categories"), dict) \
            or not isinstance(data.get("entries"), list):
        raise LexiconError(f"{path} must be a mapping with 'categories' (a mapping) and "
                           "'entries' (a list); see data/threats/threats.yaml.")
    categories = data["categories"]
    for name, info in categories.items():
        if not _CATEGORY_NAME.fullmatch(str(name)) or not isinstance(info, dict) \
                or not info.get("label") or not info.get("anchor"):
            raise LexiconError(f"{path}: category {name!r} needs a lower_case name, a 'label' "
                               "and an 'anchor' (the scheme it follows).")
    rows = []
    for number, entry in enumerate(data["entries"], start=1):
        if not isinstance(entry, dict) or not entry.get("threat") or not entry.get("patterns"):
            raise LexiconError(f"{path}: entry {number} needs 'threat' (an English label), "
                               "'category' and a non-empty list 'patterns'.")
        if entry.get("category") not in categories:
            raise LexiconError(
                f"{path}: entry {number} ({entry['threat']}) has category "
                f"{entry.get('category')!r}; use one of {', '.join(categories)}.")
        patterns = entry["patterns"]
        if isinstance(patterns, str) or not all(isinstance(p, str) and p.strip()
                                                 for p in patterns):
            raise LexiconError(f"{path}: entry {number} ({entry['threat']}): patterns must be a "
                               "list of non-empty Persian phrases.")
        code = re.sub(r"[^a-z0-9]+", "-", entry["threat"].lower()).strip("-")
        for pattern in patterns:
            category = categories[entry["category"]]
            rows.append((pattern.strip(), entry["threat"], code, entry["category"],
                         category["label"], category.get("label_fa") or category["label"]))
    table = pd.DataFrame(rows, columns=["pattern", "threat", "code", "category",
                                        "category_label", "category_fa"])
    normal = table["pattern"].map(lambda p: " ".join(normalize_word(w) for w in p.split()))
    # Spellings that normalise alike within one entry (بمبگذاری/بمب‌گذاری) are merged.
    keep = ~pd.DataFrame({"n": normal, "t": table["threat"]}).duplicated()
    table, normal = table[keep].reset_index(drop=True), normal[keep].reset_index(drop=True)
    repeated = duplicates(normal)
    if repeated:
        clash = table[normal.isin(repeated)]
        raise LexiconError(
            f"{path}: the pattern(s) {', '.join(sorted(set(clash['pattern'])))} appear more than "
            f"once (entries: {', '.join(sorted(set(clash['threat'])))}); keep each in one entry.")
    codes = duplicates(table.drop_duplicates("threat")["code"])
    if codes:
        raise LexiconError(f"{path}: two threats share the label {codes[0]!r}; rename one.")
    return table


@lru_cache(maxsize=8)
def _matcher(path: str) -> tuple[pd.DataFrame, PhraseMatcher]:
    table = _load(path)
    return table, _build(table)


def _build(table: pd.DataFrame) -> PhraseMatcher:
    try:
        return PhraseMatcher(zip(table["pattern"], table.index))
    except PatternError as err:
        raise LexiconError(f"Threat lexicon pattern cannot be used: {err}") from None


def find_threats(
    doc, *, lexicon: str | Path | pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per threat mention in ``doc``: raw span, threat label, category, where."""
    table, matcher = _lexicon(lexicon)
    return threats_table(threat_rows(doc, matcher=matcher), doc.doc_id, table=table)


def _lexicon(lexicon: str | Path | pd.DataFrame | None) -> tuple[pd.DataFrame, PhraseMatcher]:
    if isinstance(lexicon, pd.DataFrame):
        table = lexicon.reset_index(drop=True)
        return table, _build(table)
    path = Path(lexicon) if lexicon is not None else default_threat_lexicon_path()
    return _matcher(str(path))


def threat_rows(doc, *, matcher: PhraseMatcher | None = None) -> Rows:
    """The rows of ``find_threats`` as plain columns (see ``helpers._rows``)."""
    matcher = matcher if matcher is not None else _lexicon(None)[1]
    tokens = doc._token_columns
    found = matcher.matches(tokens.norm, tokens.vocabulary)
    first = np.array([m[0] for m in found], dtype=np.int64)
    last = np.array([m[1] for m in found], dtype=np.int64)
    start, end = tokens.start[first], tokens.end[last - 1]
    raw = doc.raw
    return {
        "start": start,
        "end": end,
        "surface": [raw[s:e] for s, e in zip(start.tolist(), end.tolist(), strict=True)],
        "key": np.array([m[2].key for m in found], dtype=np.int64),
        "paragraph": tokens.paragraph[first],
        "sentence": tokens.sentence[first],
        "part": tokens.part[first],
    }


def threats_table(rows: Rows, doc_id, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The table of ``find_threats`` from ``threat_rows`` (of one document or several joined)."""
    table = table if table is not None else _lexicon(None)[0]
    entries = {c: table[c].array.take(rows["key"])
               for c in ("threat", "code", "category", "category_label", "category_fa")}
    return pd.DataFrame({**span_columns(rows, doc_id), **entries, **position_columns(rows)})


def threat_counts(threats: pd.DataFrame, by: str = "threat") -> pd.DataFrame:
    """Mentions per threat or per category; largest first."""
    keys = {
        "threat": ["threat", "category"],
        "category": ["category", "category_label", "category_fa"],
    }
    if by not in keys:
        raise ValueError(f"by must be 'threat' or 'category', not {by!r}")
    missing = [c for c in keys[by] if c not in threats.columns]
    if missing:
        raise KeyError(f"threats lacks column(s) {missing}: pass what find_threats() returns.")
    table = threats.groupby(keys[by], sort=False).size().rename("mentions").reset_index()
    return (table.sort_values(["mentions", by], ascending=[False, True], kind="stable")
            .reset_index(drop=True))
