"""An offline map of the places a text mentions: country outlines and circles sized by count.

Outlines come from data/geo/countries.json (Natural Earth, public domain, simplified by
tools/build_map_shapes.py); nothing is downloaded at run time. The projection is plate carrée
with the aspect corrected for the mean latitude, drawn with plain matplotlib polygons.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers._paths import data_dir
from helpers.places import place_counts


@lru_cache(maxsize=2)
def country_shapes(path: str | None = None) -> dict[str, dict]:
    """Country code -> {name, name_fa, rings} from the simplified Natural Earth file."""
    file = Path(path) if path else data_dir() / "geo" / "countries.json"
    if not file.is_file():
        raise FileNotFoundError(f"No map shapes at {file}: run tools/build_map_shapes.py.")
    return json.loads(file.read_text(encoding="utf-8"))["countries"]


def place_map(
    places: pd.DataFrame,
    *,
    ax: Any = None,
    level: str = "place",
    labels: int = 12,
    bounds: tuple[float, float, float, float] | None = None,
    title: str | None = None,
    include_org_names: bool = False,
) -> Any:
    """Map the places in a find_places table, circle area ∝ mentions, bilingual labels."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    from helpers.figures import fa

    counts = _located_counts(places, level, include_org_names)
    if counts.empty:
        raise ValueError("No place with coordinates to map; is the places table empty?")
    if ax is None:
        _fig, ax = plt.subplots()
    west, south, east, north = bounds or _bounds(counts)
    mentioned = set(places.get("country_code", pd.Series(dtype=object)).dropna())
    polygons, colours = [], []
    for code, country in country_shapes().items():
        for ring in country["rings"]:
            xs = [p[0] for p in ring]
            ys = [p[1] for p in ring]
            if max(xs) < west - 5 or min(xs) > east + 5 or max(ys) < south - 5 \
                    or min(ys) > north + 5:
                continue
            polygons.append(ring)
            colours.append("#f3e3c3" if code in mentioned else "#ececec")
    ax.add_collection(PolyCollection(polygons, facecolors=colours, edgecolors="#9a9a9a",
                                     linewidths=0.4, zorder=1))
    sizes = 60 * counts["mentions"].to_numpy() / counts["mentions"].max() * 8 + 20
    ax.scatter(counts["lon"], counts["lat"], s=sizes, color="#b2182b", alpha=0.6,
               edgecolor="white", linewidth=0.8, zorder=3)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / np.cos(np.radians((south + north) / 2)))
    _place_labels(ax, counts.head(labels), fa)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(fa(title), loc="right")
    return ax


# Label positions tried in turn (offset in points, alignment); a label that overlaps an earlier
# one at every position is left out rather than drawn over it.
_LABEL_SPOTS = [((7, 5), "left", "bottom"), ((-7, 5), "right", "bottom"),
                ((7, -5), "left", "top"), ((-7, -5), "right", "top"),
                ((30, 22), "left", "bottom"), ((-30, 22), "right", "bottom"),
                ((30, -22), "left", "top"), ((-30, -22), "right", "top"),
                ((45, 0), "left", "center"), ((-45, 0), "right", "center")]


def _place_labels(ax: Any, counts: pd.DataFrame, fa: Any) -> None:
    """Bilingual labels, largest place first, each where it overlaps no earlier label."""
    renderer = ax.figure.canvas.get_renderer()
    taken: list[Any] = []
    frame = ax.get_window_extent(renderer)
    for row in counts.itertuples(index=False):
        text = fa(f"{row.label_fa} ({_persian_int(row.mentions)})") + f"\n{row.label}"
        for offset, ha, va in _LABEL_SPOTS:
            far = abs(offset[0]) > 10
            note = ax.annotate(
                text, (row.lon, row.lat), xytext=offset, textcoords="offset points",
                fontsize="x-small", ha=ha, va=va, zorder=4, multialignment=ha if ha != "center"
                else "center",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
                arrowprops={"arrowstyle": "-", "color": "#555555", "lw": 0.5} if far else None)
            box = note.get_window_extent(renderer)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in taken):
                taken.append(box)
                break
            note.remove()


def _persian_int(n: int) -> str:
    return str(int(n)).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def _located_counts(places: pd.DataFrame, level: str, include_org_names: bool) -> pd.DataFrame:
    """Counts per place (or country/region) with Persian and English labels and coordinates."""
    for column in ("lat", "lon"):
        if column not in places.columns:
            raise KeyError(f"places lacks {column!r}: pass the table find_places() returns.")
    counts = place_counts(places, level, include_org_names=include_org_names)
    if level == "place":
        where = places.drop_duplicates("code").set_index("code")[["lat", "lon"]]
        counts = counts.join(where, on="code").rename(columns={"place": "label",
                                                               "place_fa": "label_fa"})
    else:
        from helpers.places import _gazetteer

        codes = _gazetteer(None).codes[["lat", "lon"]]
        key = f"{level}_code"
        counts = counts.join(codes, on=key).rename(columns={level: "label",
                                                            f"{level}_fa": "label_fa"})
    return counts.dropna(subset=["lat", "lon"]).reset_index(drop=True)


def _bounds(counts: pd.DataFrame) -> tuple[float, float, float, float]:
    """A frame around the points with a margin, at least 30° wide and 20° tall."""
    west, east = counts["lon"].min(), counts["lon"].max()
    south, north = counts["lat"].min(), counts["lat"].max()
    cx, cy = (west + east) / 2, (south + north) / 2
    half_w = max((east - west) / 2 + 8, 15)
    half_h = max((north - south) / 2 + 6, 10)
    return (max(cx - half_w, -180), max(cy - half_h, -90), min(cx + half_w, 180),
            min(cy + half_h, 90))
