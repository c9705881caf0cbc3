"""The main job: execute every notebook in a fresh kernel, store outputs, render results/.

    python tools/run_notebooks.py           # execute, write outputs back, render results/
    python tools/run_notebooks.py --check   # only check navigation cells and metadata are clean

Notebooks are ``notebooks/NN-title.ipynb``; the first cell of each is a navigation bar generated
here (never edit it by hand). Metadata is reduced to what every machine agrees on, so a re-run
without changes leaves ``git diff`` empty.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAV_MARK = "<!--NAVIGATION-->"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# The README embeds this figure; the main job refreshes the copy in docs/.
README_FIGURE = ("figures/03-theme-counts.png", "docs/figures/theme-counts.png")


def notebook_paths() -> list[Path]:
    """The chapter notebooks in reading order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def title_of(path: Path) -> str:
    """'03-theme-counts.ipynb' -> '03 Theme counts'."""
    number, _, slug = path.stem.partition("-")
    return f"{number} {slug.replace('-', ' ').capitalize()}"


def navigation(paths: list[Path], index: int) -> str:
    """The generated navigation bar for the notebook at ``index``."""
    links = []
    if index > 0:
        links.append(f"< [{title_of(paths[index - 1])}]({paths[index - 1].name})")
    links.append("[Contents](../README.md#the-notebooks)")
    if index < len(paths) - 1:
        links.append(f"[{title_of(paths[index + 1])}]({paths[index + 1].name}) >")
    return f"{NAV_MARK}\n" + " | ".join(links)


def with_navigation(nb: nbformat.NotebookNode, nav: str) -> nbformat.NotebookNode:
    """Put ``nav`` in the first cell, replacing an older navigation cell."""
    first = nb.cells[0] if nb.cells else None
    if first is not None and first.cell_type == "markdown" and first.source.startswith(NAV_MARK):
        first.source = nav
    else:
        cell = nbformat.v4.new_markdown_cell(nav)
        cell.id = "navigation"
        nb.cells.insert(0, cell)
    return nb


def clean_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep only machine-independent metadata (no versions, paths, timings)."""
    nb.metadata = nbformat.NotebookNode(
        kernelspec=nbformat.NotebookNode(KERNELSPEC), language_info={"name": "python"}
    )
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
    return nb


def problems(path: Path, paths: list[Path]) -> list[str]:
    """What is wrong with a committed notebook's navigation, metadata or stored outputs."""
    nb = nbformat.read(path, as_version=4)
    found = []
    expected = navigation(paths, paths.index(path))
    if not nb.cells or nb.cells[0].source != expected:
        found.append(f"{path.name}: navigation cell is stale; run `make run`")
    if dict(nb.metadata) != dict(clean_metadata(nbformat.from_dict(nb)).metadata):
        found.append(f"{path.name}: metadata holds machine-specific fields; run `make run`")
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    if code and not any(c.outputs for c in code):
        found.append(f"{path.name}: no stored outputs; run `make run`")
    for cell in code:
        if "execution" in cell.metadata:
            found.append(f"{path.name}: cell {cell.id} stores execution timings")
        for out in cell.outputs:
            text = out.get("text", "")
            if out.output_type == "error":
                found.append(f"{path.name}: cell {cell.id} stores an error ({out.ename})")
            if "missing from font" in text:
                found.append(f"{path.name}: cell {cell.id} stores a missing-glyph warning")
            if str(ROOT) in str(out):
                found.append(f"{path.name}: cell {cell.id} output shows an absolute path")
    return found


def execute(path: Path, paths: list[Path]) -> nbformat.NotebookNode:
    """Run one notebook top to bottom in a fresh kernel started in notebooks/."""
    nb = nbformat.read(path, as_version=4)
    with_navigation(nb, navigation(paths, paths.index(path)))
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        record_timing=False,
    )
    client.execute()
    return clean_metadata(nb)


def render_html(nb: nbformat.NotebookNode, target: Path) -> None:
    """Write a self-contained HTML page of an executed notebook."""
    exporter = HTMLExporter(embed_images=True)
    body, _ = exporter.from_notebook_node(nb)
    target.write_text(body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Execute and render every notebook (or, with --check, only verify them)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify without executing")
    args = parser.parse_args(argv)
    paths = notebook_paths()
    if not paths:
        print("No notebooks found in notebooks/", file=sys.stderr)
        return 2
    if args.check:
        found = [p for path in paths for p in problems(path, paths)]
        print("\n".join(found) if found else f"{len(paths)} notebooks clean")
        return 1 if found else 0

    results = Path(os.environ.setdefault("PERSIAN_RESULTS_DIR", str(ROOT / "results")))
    html_dir = results / "html"
    html_dir.mkdir(parents=True, exist_ok=True)
    for path in paths:
        began = time.perf_counter()
        print(f"executing {path.relative_to(ROOT)} ...", flush=True)
        nb = execute(path, paths)
        nbformat.write(nb, path)
        render_html(nb, html_dir / f"{path.stem}.html")
        print(f"  done in {time.perf_counter() - began:.1f} s", flush=True)
    source, copy = README_FIGURE
    if (results / source).is_file():
        (ROOT / copy).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(results / source, ROOT / copy)
    print(f"\nResults are in {results}:")
    for sub in ("html", "figures", "tables"):
        files = sorted((results / sub).glob("*")) if (results / sub).is_dir() else []
        print(f"  {sub + '/':9} {len(files):3d} files  ({results / sub})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
