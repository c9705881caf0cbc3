"""The project as a researcher inherits it: layout, dependencies, raw data, notebooks, lint."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

import helpers

ROOT = Path(__file__).resolve().parent.parent
# conda-forge names that differ from the PyPI names in pyproject.toml
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}


def _name(requirement: str) -> str:
    name = re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def test_required_layout_exists():
    layout = ["notebooks", "data", "helpers", "environment.yml", "README.md", "tests", ".ci/run"]
    for entry in layout:
        assert (ROOT / entry).exists(), f"{entry} is missing from the project root"


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        declared |= {_name(r) for r in extra}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = set(), []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep["pip"])
        else:
            conda.add(CONDA_TO_PYPI.get(_name(dep), _name(dep)))
    conda -= {"python", "pip"}
    pip_names = {_name(p) for p in pip if not p.startswith("-e")}
    assert "conda-forge" in env["channels"]
    assert "-e ." in pip, "environment.yml must install the package itself (pip: -e .)"
    assert conda | pip_names == declared, (
        f"only in environment.yml: {sorted((conda | pip_names) - declared)}; "
        f"only in pyproject.toml: {sorted(declared - (conda | pip_names))}"
    )


def test_raw_data_unchanged_and_documented():
    raw = ROOT / "data" / "raw"
    sums = (raw / "SHA256SUMS").read_text().split("\n")
    checked = 0
    for line in filter(None, sums):
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((raw / name).read_bytes()).hexdigest() == digest, f"{name} changed"
        assert name in (raw / "SOURCES.md").read_text(), f"{name} has no provenance in SOURCES.md"
        checked += 1
    texts = sorted(p.name for p in raw.glob("*.txt"))
    assert checked == len(texts) >= 1, "every raw text needs a line in data/raw/SHA256SUMS"


def test_every_public_name_resolves():
    missing = [name for name in helpers.__all__ if not callable(getattr(helpers, name, None))]
    assert not missing, f"helpers.__all__ names that do not resolve: {missing}"


def test_no_sys_path_hacks():
    offenders = []
    for path in list(ROOT.glob("**/*.py")) + list(ROOT.glob("notebooks/*.ipynb")):
        if any(p.startswith(".venv") for p in path.parts) or path.name == "test_packaging.py":
            continue
        if re.search(r"sys\.path\.(insert|append)", path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"use `pip install -e .`, not sys.path edits: {offenders}"


def test_notebooks_are_clean():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "run_notebooks.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_lint():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_licence_file_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == {"text": "MIT"}
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_dask_is_an_extra_and_local_runs_need_none(tmp_path):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = {_name(r) for r in project["dependencies"]}
    assert not base & {"dask", "distributed"}
    assert {_name(r) for r in project["optional-dependencies"]["cluster"]} == {"dask",
                                                                             "distributed"}
    # Without dask installed (blocked here), a local corpus run works.
    code = (
        "import sys; sys.modules['dask'] = None; sys.modules['distributed'] = None\n"
        "import helpers\n"
        f"r = helpers.analyze_corpus([{str(ROOT / 'data' / 'raw')!r}], progress=False)\n"
        "assert len(r.documents) >= 1 and len(r.places) > 0, r\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_installed_package_writes_results_under_the_working_directory(tmp_path, monkeypatch):
    from helpers import _paths

    monkeypatch.delenv("PERSIAN_RESULTS_DIR", raising=False)
    assert _paths.results_dir() == ROOT / "results"  # a checkout: the repository's results/
    site = tmp_path / "site-packages"
    (site / "helpers").mkdir(parents=True)
    monkeypatch.setattr(_paths, "_REPO_ROOT", site)  # as if installed from a wheel
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert _paths.results_dir() == work / "results"
    monkeypatch.setenv("PERSIAN_RESULTS_DIR", str(tmp_path / "mine"))
    assert _paths.results_dir() == tmp_path / "mine"
