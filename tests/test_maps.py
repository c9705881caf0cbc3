"""The offline map: shapes file, frame, circles, bilingual labels, caption, GeoJSON."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import helpers
from helpers._paths import data_dir
from helpers.maps import country_shapes


def test_shapes_file_is_small_and_has_the_countries():
    assert (data_dir() / "geo" / "countries.json").stat().st_size < 2_000_000
    shapes = country_shapes()
    assert {"IQ", "SY", "US", "BE", "ML", "NG"} <= set(shapes)
    assert shapes["IQ"]["name_fa"] == "عراق"


def test_place_map_draws_bubbles_and_labels(seed_doc):
    helpers.setup_figures()
    places = helpers.find_places(seed_doc)
    fig, ax = plt.subplots()
    helpers.place_map(places, ax=ax, bounds=(-20, 0, 60, 45))
    texts = [t.get_text() for t in ax.texts]
    assert any("Iraq" in t and "عراق" in t for t in texts)
    offsets = ax.collections[-1].get_offsets()
    assert len(offsets) == places["code"].nunique()
    plt.close(fig)


def test_place_map_rejects_empty_tables(seed_doc):
    places = helpers.find_places(seed_doc).iloc[0:0]
    with pytest.raises(ValueError, match="No place"):
        helpers.place_map(places)


# ------------------------------------------------------------------ frame, labels, caption


def _labels(ax) -> dict[str, object]:
    """English name -> label Text, for the place labels on a map."""
    return {t.get_text().split("\n")[-1]: t for t in ax.texts if "\n" in t.get_text()}


def _caption(ax) -> str:
    """The caption under the map, its lines (broken to fit the width) joined again."""
    return ax.xaxis.label.get_text().replace("\n", " ")


@pytest.fixture(scope="module")
def seed_map(seed_doc):
    helpers.setup_figures()
    places = helpers.find_places(seed_doc)
    ax = helpers.place_map(places, title="مکان‌های نام‌برده در بیانیه")
    ax.figure.canvas.draw()
    yield places, ax
    plt.close(ax.figure)


def test_the_frame_holds_every_place_and_each_is_labelled(seed_map):
    """Without bounds the United States (named twice) is on the map, and so is every place."""
    places, ax = seed_map
    west, east = ax.get_xlim()
    south, north = ax.get_ylim()
    dots = ax.collections[-1].get_offsets()
    assert len(dots) == places["code"].nunique()
    assert ((dots[:, 0] >= west) & (dots[:, 0] <= east)
            & (dots[:, 1] >= south) & (dots[:, 1] <= north)).all()
    assert set(_labels(ax)) == set(places["place"])  # nothing dropped on the seed's map
    assert ax.xaxis.label.get_gid() == "place-map-caption"


def test_labels_touch_nothing_and_are_joined_to_their_circles(seed_map):
    """No label overlaps another label or another place's circle; each one either sits on its
    circle or has a leader line that ends at it (so Iraq's label cannot be read as Erbil's)."""
    from matplotlib.patches import FancyArrowPatch

    places, ax = seed_map
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    labels = _labels(ax)
    boxes = {name: t.get_window_extent(renderer) for name, t in labels.items()}
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not boxes[a].overlaps(boxes[b]), (a, b)
    from helpers.maps import representative_points

    where = representative_points(helpers.place_counts(places)).set_index("place")
    dots = ax.collections[-1]
    centres = ax.transData.transform(dots.get_offsets())
    radii = (dots.get_sizes() ** 0.5) / 2 * fig.dpi / 72
    leaders = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    # A leader line ends 2 points short of its circle's centre (shrinkB).
    ends = [ax.transData.transform(p.get_path().vertices[-1]) for p in leaders]
    near = 2 * fig.dpi / 72 + 1
    for name, box in boxes.items():
        target = ax.transData.transform((where.at[name, "lon"], where.at[name, "lat"]))
        own = ((centres - target) ** 2).sum(axis=1).argmin()
        for k, ((x, y), r) in enumerate(zip(centres, radii, strict=True)):
            if k != own and ((x - target[0]) ** 2 + (y - target[1]) ** 2) ** 0.5 > 1:
                inside_x = box.x0 + 1 < x + r and x - r < box.x1 - 1
                inside_y = box.y0 + 1 < y + r and y - r < box.y1 - 1
                assert not (inside_x and inside_y), (name, "covers another circle")
        on_circle = box.x0 - 2 <= target[0] <= box.x1 + 2 and box.y0 - 2 <= target[1] <= box.y1 + 2
        joined = any(((e - target) ** 2).sum() ** 0.5 <= near for e in ends)
        assert on_circle or joined, name


def test_regions_are_hollow_at_a_point_inside_their_countries(seed_map):
    """Africa and Eastern Africa sit inside their member countries, not in the sea or at the
    frame; regions and areas are hollow circles, and the caption says where they are drawn."""
    from matplotlib.path import Path as MplPath

    from helpers.maps import country_shapes, representative_points

    places, ax = seed_map
    points = representative_points(pd.DataFrame({"code": ["002", "014", "011", "local:sahel"]}))
    assert list(points["point"]) == ["centre", "centre", "centre", "gazetteer"]
    members = {"002": ["KE", "NG", "CD", "TD", "CF", "CM", "CG", "SD", "SS"],
               "014": ["KE", "TZ", "ET", "UG", "MZ", "ZM", "SO", "MW", "MG"],
               "011": ["ML", "BF", "NE", "NG", "GH", "CI", "GN", "SN", "MR"]}
    shapes = country_shapes()
    for row in points.iloc[:3].itertuples(index=False):
        rings = [r for c in members[row.code] for r in shapes[c]["rings"]]
        assert any(MplPath(r).contains_point((row.lon, row.lat)) for r in rings), row.code
    dots = ax.collections[-1]
    faces = dots.get_facecolors()
    located = helpers.place_counts(places)
    hollow = {code for code, alpha in zip(located["code"], faces[:, 3], strict=False)
              if alpha == 0}
    assert {"002", "014", "011", "local:sahel", "local:northeast-syria"} <= hollow
    assert "IQ" not in hollow
    caption = _caption(ax)
    for name in ("آفریقا", "شرق آفریقا", "ساحل", "شمال شرقی سوریه"):
        assert name in caption


def test_what_is_not_drawn_is_named_in_the_caption(seed_doc):
    """A fixed frame leaves the United States out, and says so; labels that cannot fit in a
    tiny map are listed, not dropped without a word; every place is accounted for."""
    helpers.setup_figures()
    places = helpers.find_places(seed_doc)
    fig, ax = plt.subplots(figsize=(3, 2.2), layout="constrained")
    helpers.place_map(places, ax=ax, bounds=(-20, 0, 60, 45))
    fig.canvas.draw()
    caption = _caption(ax)
    outside = next(line for line in ax.xaxis.label.get_text().replace("\n", " ").split(".")
                   if "بیرون از قاب نقشه" in line)
    assert "آمریکا (۲)" in outside and "بلژیک (۲)" in outside
    labelled = set(_labels(ax))
    counts = helpers.place_counts(places)
    for row in counts.itertuples(index=False):
        if row.place not in labelled:
            assert row.place_fa in caption, row.place
    assert "بی‌برچسب" in caption  # this tiny map cannot hold all ten labels
    plt.close(fig)


def test_places_without_coordinates_are_listed(seed_doc):
    """A place the gazetteer has no point for is not drawn, and the caption names it."""
    helpers.setup_figures()
    places = helpers.find_places(seed_doc).copy()
    extra = places.iloc[[0]].copy()
    extra[["place", "place_fa", "code", "lat", "lon"]] = ["Atlantis", "آتلانتیس",
                                                          "local:atlantis", None, None]
    ax = helpers.place_map(pd.concat([places, extra], ignore_index=True))
    assert "آتلانتیس" in _caption(ax)
    assert len(ax.collections[-1].get_offsets()) == places["code"].nunique()
    plt.close(ax.figure)


def test_label_counts_follow_the_digit_policy(seed_doc):
    """Persian digits by default; Latin digits when setup_figures(digits='latin')."""
    places = helpers.find_places(seed_doc)
    try:
        helpers.setup_figures(digits="latin")
        ax = helpers.place_map(places)
        assert "(16)" in _labels(ax)["Iraq"].get_text()
        plt.close(ax.figure)
    finally:
        helpers.setup_figures()
    ax = helpers.place_map(places)
    assert "(۱۶)" in _labels(ax)["Iraq"].get_text()
    plt.close(ax.figure)


# ------------------------------------------------------------------------------- GeoJSON


def test_geojson_is_the_shapes_file_for_gis_tools():
    """countries.geojson is countries.json as RFC 7946 GeoJSON: same countries and points,
    closed rings, outer rings counter-clockwise, holes clockwise inside their polygon."""
    import json

    from matplotlib.path import Path as MplPath

    from helpers.maps import countries_geojson, country_shapes

    shipped = json.loads((data_dir() / "geo" / "countries.geojson").read_text(encoding="utf-8"))
    assert shipped == json.loads(json.dumps(countries_geojson()))  # regenerated, not stale
    shapes = country_shapes()
    assert {f["id"] for f in shipped["features"]} == set(shapes)

    def area(ring):
        return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2

    for feature in shipped["features"]:
        polygons = feature["geometry"]["coordinates"]
        points = sorted(tuple(p) for polygon in polygons for ring in polygon for p in ring)
        source = sorted(tuple(p) for ring in shapes[feature["id"]]["rings"] for p in ring)
        assert points == source, feature["id"]
        for outer, *holes in polygons:
            assert outer[0] == outer[-1] and area(outer) > 0, feature["id"]
            for hole in holes:
                assert area(hole) < 0 and MplPath(outer).contains_point(hole[0])
    south_africa = next(f for f in shipped["features"] if f["id"] == "ZA")
    assert south_africa["properties"]["name_fa"] == "آفریقای جنوبی"
    assert any(len(polygon) == 2 for polygon in south_africa["geometry"]["coordinates"])
