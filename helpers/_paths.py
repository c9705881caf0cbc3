"""Where the package finds its data and writes its results."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder holding gazetteers, lexicons, dictionaries and raw texts."""
    bundled = Path(str(resources.files("helpers"))) / "_data"
    if bundled.is_dir():  # installed from a wheel: data shipped inside the package
        return bundled
    return _REPO_ROOT / "data"


def raw_dir() -> Path:
    """The folder of raw texts that are never modified."""
    return data_dir() / "raw"


def results_dir() -> Path:
    """The folder where figures and tables are written: ``PERSIAN_RESULTS_DIR`` if set; else
    ``results/`` of this repository when the package runs from its checkout, and ``results/``
    under the working directory when it is installed (never inside site-packages)."""
    override = os.environ.get("PERSIAN_RESULTS_DIR")
    if override:
        return Path(override)
    if (_REPO_ROOT / "pyproject.toml").is_file() and (_REPO_ROOT / "helpers").is_dir():
        return _REPO_ROOT / "results"
    return Path.cwd() / "results"
