"""The offline map: shapes file, bubbles, bilingual labels."""

from __future__ import annotations

import matplotlib.pyplot as plt
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
