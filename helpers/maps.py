"""An offline map of the places a text mentions: country outlines and circles sized by count.

Outlines come from data/geo/countries.json (Natural Earth, public domain, simplified by
tools/build_map_shapes.py; the same outlines as GeoJSON in data/geo/countries.geojson); nothing
is downloaded at run time. The projection is plate carrée with the aspect corrected for the
mean latitude, drawn with plain matplotlib paths.

Where a place is drawn (its *representative point*):

- a country, city or site: its gazetteer coordinates (for a country, Natural Earth's label
  point, which lies inside it);
- a region made of countries (UN M49: Africa, Western Africa, ...): the area-weighted centre of
  its member countries' outlines, or, if that falls outside them (a ring of islands, a
  crescent), the label point of the member nearest to it;
- any other region or area (the Sahel, northeast Syria): its gazetteer point, which
  data/gazetteer/SOURCES.md describes.

Regions and areas are hollow circles, the rest filled; the caption says which is which, and
lists every place that is not drawn or not labelled, and why.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers._paths import data_dir
from helpers.places import load_gazetteer, place_counts

__all__ = ["country_shapes", "countries_geojson", "place_map", "representative_points"]

# Colours: mentioned countries, other land, filled and hollow circles, leader lines.
_MENTIONED, _LAND, _EDGE = "#f3e3c3", "#ececec", "#9a9a9a"
_DOT, _LEADER = "#b2182b", "#555555"
_AREA_KINDS = {"region", "subnational"}
_LABEL_PAD = 0.2  # white box around a label, in font sizes


@lru_cache(maxsize=2)
def country_shapes(path: str | None = None) -> dict[str, dict]:
    """Country code -> {name, name_fa, rings} from the simplified Natural Earth file."""
    file = Path(path) if path else data_dir() / "geo" / "countries.json"
    if not file.is_file():
        raise FileNotFoundError(f"No map shapes at {file}: run tools/build_map_shapes.py.")
    return json.loads(file.read_text(encoding="utf-8"))["countries"]


# ------------------------------------------------------------------------------ geometry


def _signed_area(ring: np.ndarray) -> float:
    """Shoelace area: negative for a clockwise ring (an outline in Natural Earth's files)."""
    x, y = ring[:, 0], ring[:, 1]
    return float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2


def _centroid(ring: np.ndarray) -> tuple[float, float, float]:
    """(signed area, x, y) of a ring's centroid."""
    x, y = ring[:, 0], ring[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if area == 0:
        return 0.0, float(x.mean()), float(y.mean())
    cx = ((x + np.roll(x, -1)) * cross).sum() / (6 * area)
    cy = ((y + np.roll(y, -1)) * cross).sum() / (6 * area)
    return float(area), float(cx), float(cy)


def countries_geojson(shapes: dict[str, dict] | None = None) -> dict:
    """The outlines as a GeoJSON FeatureCollection (RFC 7946: outer rings counter-clockwise).

    One feature per country, a MultiPolygon whose holes (South Africa's around Lesotho) are
    matched to the outline that holds them; properties ``code`` (the key in countries.json),
    ``iso_a2`` (None for the one place without an ISO code, Bir Tawil), ``name``, ``name_fa``.
    """
    from matplotlib.path import Path as MplPath

    shapes = country_shapes() if shapes is None else shapes
    features = []
    for code, country in shapes.items():
        rings = [np.asarray(r, dtype=float) for r in country["rings"]]
        outers = [r for r in rings if _signed_area(r) < 0]
        holes = [r for r in rings if _signed_area(r) >= 0]
        polygons: list[list[np.ndarray]] = [[r[::-1]] for r in outers]  # now counter-clockwise
        for hole in holes:
            inside = [i for i, r in enumerate(outers) if MplPath(r).contains_point(hole[0])]
            if inside:
                best = min(inside, key=lambda i: abs(_signed_area(outers[i])))
                polygons[best].append(hole[::-1])
            else:  # an outline drawn the other way round: keep it as an outline
                polygons.append([hole])
        features.append({
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "iso_a2": code if len(code) == 2 else None,
                           "name": country["name"], "name_fa": country["name_fa"]},
            "geometry": {"type": "MultiPolygon",
                         "coordinates": [[ring.tolist() for ring in polygon]
                                         for polygon in polygons]},
        })
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=1)
def _gazetteer_places() -> pd.DataFrame:
    """One row per gazetteer code: place, place_fa, place_kind, parent, lat, lon, source."""
    table = load_gazetteer().drop_duplicates("code").set_index("code")
    return table[["place", "place_kind", "parent", "lat", "lon", "source"]]


def _members(code: str) -> list[str]:
    """The countries (codes in the shapes file) whose chain of parents reaches ``code``."""
    places = _gazetteer_places()
    parent = places["parent"].dropna().to_dict()
    shapes = country_shapes()
    found = []
    for country in places.index[places["place_kind"] == "country"]:
        step, seen = parent.get(country), set()
        while isinstance(step, str) and step and step not in seen:
            if step == code:
                if country in shapes:
                    found.append(country)
                break
            seen.add(step)
            step = parent.get(step)
    return found


@lru_cache(maxsize=256)
def _region_point(code: str) -> tuple[float, float, str] | None:
    """(lat, lon, how) of a region of countries, or None if it has no member outlines."""
    from matplotlib.path import Path as MplPath

    members = _members(code)
    if not members:
        return None
    shapes = country_shapes()
    parts = [_centroid(np.asarray(r, dtype=float)) for m in members for r in shapes[m]["rings"]]
    weight = sum(a for a, _, _ in parts)
    if weight == 0:
        return None
    x = sum(a * cx for a, cx, _ in parts) / weight
    y = sum(a * cy for a, _, cy in parts) / weight
    rings = [np.asarray(r, dtype=float) for m in members for r in shapes[m]["rings"]
             if _signed_area(np.asarray(r, dtype=float)) < 0]
    if any(MplPath(r).contains_point((x, y)) for r in rings):
        return y, x, "centre"
    places = _gazetteer_places().loc[members]
    nearest = ((places["lon"] - x) ** 2 + (places["lat"] - y) ** 2).idxmin()
    return float(places.at[nearest, "lat"]), float(places.at[nearest, "lon"]), "member"


def representative_points(counts: pd.DataFrame, code: str = "code") -> pd.DataFrame:
    """``counts`` with ``lat``, ``lon`` and ``point`` (how the point was chosen) per place.

    ``point`` is ``gazetteer`` (its coordinates), ``centre`` (a region at the centre of its
    member countries), ``member`` (a region at its most central member's label point) or
    ``none`` (no coordinates: not drawn).
    """
    places = _gazetteer_places()
    out = counts.copy()
    lat, lon, how = [], [], []
    for value in out[code]:
        region = _region_point(value) if isinstance(value, str) else None
        if region is not None:
            lat.append(region[0])
            lon.append(region[1])
            how.append(region[2])
        elif value in places.index and pd.notna(places.at[value, "lat"]):
            lat.append(float(places.at[value, "lat"]))
            lon.append(float(places.at[value, "lon"]))
            how.append("gazetteer")
        else:
            lat.append(np.nan)
            lon.append(np.nan)
            how.append("none")
    out["lat"], out["lon"], out["point"] = lat, lon, how
    return out


# ---------------------------------------------------------------------------------- map


def _located_counts(places: pd.DataFrame, level: str, include_org_names: bool) -> pd.DataFrame:
    """Counts per place (or country/region): code, label, label_fa, kind, mentions, lat, lon."""
    for column in ("lat", "lon"):
        if column not in places.columns:
            raise KeyError(f"places lacks {column!r}: pass the table find_places() returns.")
    counts = place_counts(places, level, include_org_names=include_org_names)
    if level == "place":
        counts = counts.rename(columns={"place": "label", "place_fa": "label_fa",
                                        "place_kind": "kind"})
    else:
        counts = counts.rename(columns={f"{level}_code": "code", level: "label",
                                        f"{level}_fa": "label_fa"})
        counts["kind"] = level
    counts["label_fa"] = counts["label_fa"].fillna(counts["label"])
    return representative_points(counts).reset_index(drop=True)


def _frame(points: pd.DataFrame) -> tuple[float, float, float, float]:
    """(west, south, east, north) around every point with a margin; the world if they span
    more than half of it."""
    west, east = points["lon"].min(), points["lon"].max()
    south, north = points["lat"].min(), points["lat"].max()
    if east - west > 200 or north - south > 110:
        return -180.0, -60.0, 180.0, 85.0
    margin_x = max(0.12 * (east - west), 6.0)
    margin_y = max(0.12 * (north - south), 5.0)
    cx, cy = (west + east) / 2, (south + north) / 2
    half_w = max((east - west) / 2 + margin_x, 15.0)
    half_h = max((north - south) / 2 + margin_y, 10.0)
    return (max(cx - half_w, -180.0), max(cy - half_h, -85.0), min(cx + half_w, 180.0),
            min(cy + half_h, 85.0))


def _country_paths(frame: tuple[float, float, float, float], mentioned: set[str]
                   ) -> tuple[list[Any], list[str]]:
    """One compound path per country near the frame (holes stay holes), and its colour."""
    from matplotlib.path import Path as MplPath

    west, south, east, north = frame
    paths, colours = [], []
    for code, country in country_shapes().items():
        rings = [np.asarray(r, dtype=float) for r in country["rings"]]
        near = [r for r in rings if r[:, 0].max() >= west - 5 and r[:, 0].min() <= east + 5
                and r[:, 1].max() >= south - 5 and r[:, 1].min() <= north + 5]
        if not near:
            continue
        paths.append(MplPath.make_compound_path(*(MplPath(r, closed=True) for r in near)))
        colours.append(_MENTIONED if code in mentioned else _LAND)
    return paths, colours


def place_map(
    places: pd.DataFrame,
    *,
    ax: Any = None,
    level: str = "place",
    labels: int | None = 25,
    bounds: tuple[float, float, float, float] | None = None,
    title: str | None = None,
    include_org_names: bool = False,
    persian_digits: bool | None = None,
) -> Any:
    """Map the places in a find_places table: circle area ∝ mentions, bilingual labels.

    The frame holds every place (the world when they are spread over more than half of it),
    unless ``bounds`` = (west, south, east, north) is given. Labels (the ``labels`` most
    mentioned; None for all) are set where they overlap no other label or circle
    (adjustText, then checked by measurement) and joined to their circle by a leader line.
    The caption (``ax.xaxis.label``) lists what is not drawn or not labelled, and why.
    """
    from helpers._figure_layout import (
        fit_figure,
        line_spacing,
        new_figure,
        set_title,
        wrap_to_width,
    )
    from helpers.figures import fa

    counts = _located_counts(places, level, include_org_names)
    if counts.empty:
        raise ValueError("No place to map; is the places table empty?")
    located = counts[counts["point"] != "none"].reset_index(drop=True)
    if located.empty:
        raise ValueError("No place with coordinates to map; is the places table empty?")
    persian = persian_digits
    frame = tuple(float(v) for v in bounds) if bounds else _frame(located)
    west, south, east, north = frame
    aspect = 1 / np.cos(np.radians((south + north) / 2))
    made = ax is None
    if made:
        import matplotlib as mpl

        width = mpl.rcParams["figure.figsize"][0]
        ax = new_figure(width, 1.2 + (width - 0.4) * (north - south) * aspect / (east - west))[1]
    fig = ax.figure

    from matplotlib.collections import PathCollection

    mentioned = set(places.get("country_code", pd.Series(dtype=object)).dropna())
    if level == "country":
        mentioned |= set(located["code"])
    paths, colours = _country_paths(frame, mentioned)
    ax.add_collection(PathCollection(paths, facecolors=colours, edgecolors=_EDGE,
                                     linewidths=0.4, zorder=1))
    area = located["kind"].isin(_AREA_KINDS).to_numpy()
    mentions = located["mentions"].to_numpy(dtype=float)
    faces = [(1, 1, 1, 0) if hollow else (0.698, 0.094, 0.169, 0.7) for hollow in area]
    dots = ax.scatter(located["lon"], located["lat"], s=_circle_sizes(ax, mentions),
                      facecolors=faces,
                      edgecolors=[_DOT if hollow else "white" for hollow in area],
                      linewidths=[1.6 if hollow else 0.8 for hollow in area], zorder=3)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(aspect, adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        set_title(ax, title, fa, rtl=True)

    inside = ((located["lon"] >= west) & (located["lon"] <= east)
              & (located["lat"] >= south) & (located["lat"] <= north)).to_numpy()
    wanted = located.index[inside][: labels if labels is not None else None]
    notes = _notes(counts, located, inside, fa, persian)
    unlabelled: list[int] = list(located.index[inside][len(wanted):])
    texts: list[Any] = []
    arrows: list[Any] = []
    for _round in range(3):
        for artist in texts + arrows:
            artist.remove()
        caption = notes + _unlabelled_note(located, unlabelled, persian, fa)
        # Centred under the map, each line right-aligned (Persian), as wide as the figure.
        text = wrap_to_width("\n".join(caption), fig.get_figwidth() - 0.4, "small")
        ax.set_xlabel(text, fontsize="small", linespacing=line_spacing("small", [text]),
                      color="#333", multialignment="right")
        ax.xaxis.label.set_gid("place-map-caption")
        if made:
            fit_figure(fig, lambda: _map_needs(ax))
        else:
            fig.draw_without_rendering()
        dots.set_sizes(_circle_sizes(ax, mentions))
        texts, arrows, dropped = _place_labels(ax, located, wanted, dots, fa, persian)
        if not dropped:
            break
        wanted = [i for i in wanted if i not in dropped]
        unlabelled = sorted(set(unlabelled) | set(dropped))
    return ax


def _circle_sizes(ax: Any, mentions: np.ndarray) -> np.ndarray:
    """Circle areas (points²) ∝ mentions; the largest 3.5% of the map's width across, within
    6 to 16 points, so that circles stay small beside a dense cluster of places."""
    width = ax.get_window_extent().width * 72 / ax.figure.dpi
    largest = min(max(0.035 * width, 6.0), 16.0) ** 2
    return 12 + (largest - 12) * mentions / mentions.max()


def _map_needs(ax: Any) -> tuple[float, float]:
    """How much taller or shorter the figure must be for the map to fill its width."""
    fig = ax.figure
    box = ax.get_window_extent()
    room = ax.get_position(original=True).transformed(fig.transFigure)
    if room.width - box.width > 1:  # height-bound: grow the figure's height
        return 0.0, (room.width - box.width) * box.height / box.width / fig.dpi
    return 0.0, -(room.height - box.height) / fig.dpi


def _notes(counts: pd.DataFrame, located: pd.DataFrame, inside: np.ndarray, fa: Any,
           persian: bool | None) -> list[str]:
    """Caption lines: circle sizes, how regions are placed, what lies outside or is not drawn."""
    from helpers.figures import format_number

    def names(rows: pd.DataFrame) -> str:
        return "، ".join(f"{r.label_fa} ({format_number(r.mentions, persian_digits=persian)})"
                         for r in rows.itertuples(index=False))

    lines = ["مساحت هر دایره به نسبت شمار اشاره‌ها است."]
    areas = located[located["kind"].isin(_AREA_KINDS) & inside]
    centred = areas[areas["point"].isin(["centre", "member"])]
    other = areas[~areas["point"].isin(["centre", "member"])]
    if len(areas):
        parts = []
        if len(centred):
            parts.append(f"در مرکز کشورهای عضو: {names(centred)}")
        if len(other):
            parts.append(f"در نقطه‌ای تقریبی: {names(other)}")
        lines.append("دایرهٔ توخالی = منطقه، " + "؛ ".join(parts) + ".")
    outside = located[~inside]
    if len(outside):
        lines.append(f"بیرون از قاب نقشه: {names(outside)}.")
    missing = counts[counts["point"] == "none"]
    if len(missing):
        lines.append(f"بی‌مختصات، رسم نشده: {names(missing)}.")
    return [fa(line) for line in lines]


def _unlabelled_note(located: pd.DataFrame, rows: list[int], persian: bool | None, fa: Any
                     ) -> list[str]:
    from helpers.figures import format_number

    if not rows:
        return []
    names = "، ".join(f"{located.at[i, 'label_fa']} "
                      f"({format_number(located.at[i, 'mentions'], persian_digits=persian)})"
                      for i in rows)
    return [fa(f"بی‌برچسب (جا نبود): {names}.")]


def _label_text(row: Any, fa: Any, persian: bool | None) -> str:
    from helpers.figures import format_number

    count = format_number(row.mentions, persian_digits=persian)
    return fa(f"{row.label_fa} ({count})") + f"\n{row.label}"


def _place_labels(ax: Any, located: pd.DataFrame, wanted: list[int], dots: Any, fa: Any,
                  persian: bool | None) -> tuple[list[Any], list[Any], list[int]]:
    """Label the ``wanted`` places without overlaps; returns texts, leader lines, dropped rows.

    adjustText moves the labels apart and off the circles; every label is then measured, and
    one that still touches another label, a circle or the frame is moved to the nearest free
    spot around its circle, or dropped (the caption says so).
    """
    from adjustText import adjust_text
    from matplotlib.patches import FancyArrowPatch

    from helpers._figure_layout import line_spacing

    if not len(wanted):
        return [], [], []
    fig = ax.figure
    strings = [_label_text(located.loc[i], fa, persian) for i in wanted]
    spacing = line_spacing("x-small", strings)
    texts = []
    for i, string in zip(wanted, strings, strict=True):
        row = located.loc[i]
        texts.append(ax.text(row.lon, row.lat, string, fontsize="x-small",
                             ha="center", va="center", zorder=4, linespacing=spacing,
                             multialignment="center",
                             bbox={"boxstyle": f"round,pad={_LABEL_PAD}", "fc": "white",
                                   "ec": "none", "alpha": 0.85}))
    adjusted = adjust_text(texts, objects=dots, ax=ax, iter_lim=400, time_lim=None,
                           expand=(1.15, 1.35), force_text=(0.3, 0.5), force_static=(0.3, 0.5),
                           ensure_inside_axes=True, min_arrow_len=1e9)
    texts = adjusted[0] if adjusted else texts
    fig.draw_without_rendering()
    frame = ax.get_window_extent()
    circles = _circle_boxes(ax, dots)
    ranked = sorted(range(len(texts)), key=lambda k: wanted[k])  # most mentioned first
    placed: list[Any] = []
    dropped: list[int] = []
    kept: list[Any] = []
    for k in ranked:
        text = texts[k]
        box = _label_box(text)
        own = wanted[k]
        if not _free(box, frame, placed, circles, own):
            spot = _free_spot(ax, text, located.loc[own], frame, placed, circles, own)
            if spot is None:
                text.remove()
                dropped.append(own)
                continue
            box = _label_box(text)
        placed.append(box)
        kept.append(text)
    arrows = []
    for text in kept:
        k = texts.index(text)
        row = located.loc[wanted[k]]
        target = ax.transData.transform((row.lon, row.lat))
        box = _label_box(text)
        if box.x0 - 2 <= target[0] <= box.x1 + 2 and box.y0 - 2 <= target[1] <= box.y1 + 2:
            continue
        arrow = FancyArrowPatch(posA=text.get_position(), posB=(row.lon, row.lat),
                                patchA=text.get_bbox_patch(), arrowstyle="-", color=_LEADER,
                                lw=0.6, shrinkA=0, shrinkB=2, zorder=3.5)
        ax.add_patch(arrow)
        arrows.append(arrow)
    return kept, arrows, dropped


def _label_box(text: Any) -> Any:
    """The window extent of a label with its white box (padded by 0.2 of the font size)."""
    return text.get_window_extent().padded(_LABEL_PAD * text.get_fontsize()
                                           * text.figure.dpi / 72)


def _circle_boxes(ax: Any, dots: Any) -> list[tuple[Any, int]]:
    """The bounding box of every circle in display units, with its row number."""
    from matplotlib.transforms import Bbox

    fig = ax.figure
    centres = ax.transData.transform(dots.get_offsets())
    radii = np.sqrt(dots.get_sizes()) / 2 * fig.dpi / 72
    return [(Bbox.from_extents(x - r, y - r, x + r, y + r), i)
            for i, ((x, y), r) in enumerate(zip(centres, radii, strict=True))]


def _free(box: Any, frame: Any, placed: list[Any], circles: list[tuple[Any, int]],
          own: int) -> bool:
    """Whether ``box`` lies inside the frame and overlaps no placed label and no circle but
    its own."""
    if box.x0 < frame.x0 or box.x1 > frame.x1 or box.y0 < frame.y0 or box.y1 > frame.y1:
        return False
    if any(box.overlaps(other) for other in placed):
        return False
    return not any(box.overlaps(c) for c, i in circles if i != own)


def _free_spot(ax: Any, text: Any, row: Any, frame: Any, placed: list[Any],
               circles: list[tuple[Any, int]], own: int) -> Any:
    """Move ``text`` to the nearest free spot on rings around its circle (None if none)."""
    centre = ax.transData.transform((row.lon, row.lat))
    box = _label_box(text)
    half = max(box.width, box.height) / 2
    inverse = ax.transData.inverted()
    for step in range(1, 24):
        radius = half * 0.8 + step * 0.4 * half
        for angle in np.linspace(0, 2 * np.pi, 24, endpoint=False):
            x = centre[0] + radius * np.cos(angle) * (box.width / (2 * half) + 0.6)
            y = centre[1] + radius * np.sin(angle) * (box.height / (2 * half) + 0.6)
            text.set_position(inverse.transform((x, y)))
            trial = _label_box(text)
            if _free(trial, frame, placed, circles, own):
                return trial
    return None
