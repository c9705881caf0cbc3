"""Draw docs/figures/recipe-comparison.png: the old reshape+bidi recipe against fa().

Run in the project's environment: `.venv/bin/python tools/make_recipe_comparison.py`.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from helpers.figures import recipe_comparison_figure, setup_figures

ROOT = Path(__file__).resolve().parent.parent


def main() -> Path:
    """Write the comparison figure and return its path."""
    setup_figures()
    out = ROOT / "docs" / "figures" / "recipe-comparison.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph (tofu) must not be published
        recipe_comparison_figure().savefig(out, dpi=150, metadata={"Software": None})
    return out


if __name__ == "__main__":
    main()
