"""Write data/geo/countries.geojson: the map outlines of countries.json as GeoJSON.

Run after tools/build_map_shapes.py: `.venv/bin/python tools/build_geojson.py`. The file is for
QGIS, geopandas and other GIS tools; helpers.place_map reads countries.json. The conversion is
helpers.maps.countries_geojson (RFC 7946: outer rings counter-clockwise, holes inside them).
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers.maps import countries_geojson, country_shapes

ROOT = Path(__file__).resolve().parent.parent


def main() -> Path:
    """Write the GeoJSON file next to countries.json and return its path."""
    source = ROOT / "data" / "geo" / "countries.json"
    out = source.with_suffix(".geojson")
    data = countries_geojson(country_shapes(str(source)))
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    return out


if __name__ == "__main__":
    main()
