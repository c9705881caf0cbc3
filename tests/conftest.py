"""Shared set-up: headless figures, results in a temporary folder, reproducible hypothesis."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib
import pytest
from hypothesis import HealthCheck, settings

# Kernels started by nbval must keep Jupyter's inline backend, so no MPLBACKEND is exported;
# this process draws off screen.
os.environ.pop("MPLBACKEND", None)
matplotlib.use("Agg")
# Notebook kernels started by nbval inherit this, so test runs never touch results/.
os.environ["PERSIAN_RESULTS_DIR"] = tempfile.mkdtemp(prefix="persian-results-")

settings.register_profile(
    "repo", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repo"))

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "raw" / "000_46bb7b90614e0375.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The first text: the State Department's Persian translation of the 2021 communiqué."""
    return SEED


@pytest.fixture(scope="session")
def seed_doc():
    """The seed loaded once for the whole session (treat as read-only)."""
    import helpers

    return helpers.load_document(SEED)
