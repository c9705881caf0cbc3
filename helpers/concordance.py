"""Keyword-in-context tables and place × threat co-occurrence, built from span tables.

``kwic`` never searches strings again: it takes the spans a finder returned (``start``, ``end``
into ``doc.raw``), finds their neighbouring tokens in ``doc.tokens`` and slices ``doc.raw``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_LABELS = ("place", "code", "kind", "threat", "category", "theme", "in_org_name")
_SPACE = re.compile(r"\s+")
_UNITS = ("sentence", "paragraph")


def kwic(doc, spans: pd.DataFrame, window: int = 5) -> pd.DataFrame:
    """One row per span: doc_id, start, end, ``window`` tokens left, the keyword, tokens right."""
    if window < 0:
        raise ValueError(f"window must be a number of tokens >= 0, not {window}")
    missing = [c for c in ("start", "end") if c not in spans.columns]
    if missing:
        raise KeyError(f"spans lacks {missing}: pass a table from find_places/find_threats.")
    tokens = doc.tokens
    starts, ends = tokens["start"].to_numpy(), tokens["end"].to_numpy()
    parts = tokens["part"].astype(str).to_numpy()
    s, e = spans["start"].to_numpy(dtype=np.int64), spans["end"].to_numpy(dtype=np.int64)
    if len(spans) and (s.min() < 0 or e.max() > len(doc.raw) or (e < s).any()):
        raise ValueError("spans do not fit doc.raw: were they found in another document?")
    first = np.searchsorted(starts, s, side="left")
    after = np.searchsorted(starts, e, side="left")
    n = len(starts)
    # The context stays inside the span's part, so a title word never shows the body's start.
    part = parts[np.minimum(first, n - 1)] if n else np.array([], dtype=object)
    left_tok = np.maximum(first - window, 0)
    right_tok = np.minimum(after + window, n) - 1
    raw = doc.raw
    left, right = [], []
    for lo, f, hi, a, p, b, c in zip(left_tok, first, right_tok, after, part, s, e):
        while lo < f and parts[lo] != p:
            lo += 1
        while hi >= a and parts[hi] != p:
            hi -= 1
        left.append(_clean(raw[starts[lo]:b]) if lo < f else "")
        right.append(_clean(raw[c:ends[hi]]) if hi >= a else "")
    table = pd.DataFrame({
        "doc_id": spans["doc_id"].to_numpy() if "doc_id" in spans else doc.doc_id,
        "start": s, "end": e,
        "left": left,
        "keyword": [_clean(raw[a:b]) for a, b in zip(s, e)],
        "right": right,
    })
    for column in _LABELS:
        if column in spans.columns:
            table[column] = spans[column].to_numpy()
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
