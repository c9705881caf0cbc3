"""The main job: execute every notebook in a fresh kernel, store outputs, render results/.

    python tools/run_notebooks.py             # execute, write outputs back, render results/
    python tools/run_notebooks.py --check     # only check navigation cells and metadata are clean
    python tools/run_notebooks.py --html DIR  # render the committed notebooks to DIR (no kernel)

Notebooks are ``notebooks/NN-title.ipynb``; the first cell of each is a navigation bar generated
here (never edit it by hand). Metadata is reduced to what every machine agrees on, so a re-run
without changes leaves ``git diff`` empty.

The HTML pages (``results/html/``) work offline: they link to each other and to an index page,
load nothing from the network (no MathJax, require.js or CDN), carry the interactive tables'
library once per page, and give every figure alt text.
"""

from __future__ import annotations

import argparse
import copy
import html
import os
import re
import shutil
import sys
import time
from pathlib import Path

import jinja2
import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from traitlets.config import Config

from helpers.display import BUNDLE_START, strip_table_library, table_library_html

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


# The lab template without anything fetched from the network, with alt text on figures and the
# interactive tables' library once in the page's head when a table needs it.
PAGE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_css -%}{{ resources.get('table_library', '') }}{%- endblock html_head_css -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ output.metadata.get('alt', 'Figure') | escape_html }}">
</div>
{% endblock data_png %}
"""
# Widgets need a kernel: a saved page shows an output's HTML instead (the explorer has one).
PAGE_PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg",
                 "text/plain"]
_LINK = re.compile(r'href="([^":/#]+)\.ipynb(#[^"]*)?"')
_CONTENTS = re.compile(r'href="\.\./README\.md[^"]*"')
_TITLE_ARG = re.compile(r"""title=(["'])(.+?)\1""")
_MARKDOWN = re.compile(r"[*_`#>\[\]]|\]\([^)]*\)|<[^>]+>")


def _exporter() -> HTMLExporter:
    config = Config({"NbConvertBase": {"display_data_priority": PAGE_PRIORITY}})
    return HTMLExporter(
        config=config,
        embed_images=True,
        template_name="lab",
        template_file="page.html.j2",
        extra_loaders=[jinja2.DictLoader({"page.html.j2": PAGE_TEMPLATE})],
    )


def figure_alt(nb: nbformat.NotebookNode, index: int) -> str:
    """Alt text for a figure made by cell ``index``: its title and the prose that asks for it."""
    source = nb.cells[index].source
    title = _TITLE_ARG.search(source)
    prose = ""
    for cell in reversed(nb.cells[:index]):
        if cell.cell_type == "markdown" and not cell.source.startswith(NAV_MARK):
            paragraphs = [p for p in cell.source.split("\n\n") if p.strip()]
            prose = " ".join(_MARKDOWN.sub("", paragraphs[-1]).split()) if paragraphs else ""
            break
    parts = ["Figure"]
    if title:
        parts.append(f"«{title.group(2)}»")
    text = " ".join(parts) + (f": {prose}" if prose else "")
    return text if len(text) <= 300 else text[:297] + "..."


def page_notebook(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, bool]:
    """A copy of ``nb`` ready for a page: figures with alt text, no library inside outputs.

    Also says whether the page holds an interactive table (and so needs the library).
    """
    nb = copy.deepcopy(nb)
    interactive = False
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                text = strip_table_library(_joined(data["text/html"]))
                interactive = interactive or "persian-table interactive" in text
                data["text/html"] = text
            if "image/png" in data and "alt" not in output.get("metadata", {}):
                output.setdefault("metadata", nbformat.NotebookNode())
                output.metadata["alt"] = figure_alt(nb, index)
    return nb, interactive


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def render_html(nb: nbformat.NotebookNode, target: Path) -> None:
    """Write an offline HTML page of an executed notebook (links between pages as .html)."""
    nb, interactive = page_notebook(nb)
    resources = {"metadata": {"name": title_of(target)}}
    if interactive:
        resources["table_library"] = table_library_html()
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    body = _LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)
    body = _CONTENTS.sub('href="index.html"', body)
    target.write_text(body, encoding="utf-8")


def heading_of(nb: nbformat.NotebookNode) -> str:
    """The first level-1 heading of a notebook (its title as a reader sees it)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def render_index(html_dir: Path, paths: list[Path]) -> Path:
    """Write ``index.html``: the notebooks' pages, then the figures and tables beside them."""
    results = html_dir.parent
    items = []
    for path in paths:
        heading = heading_of(nbformat.read(path, as_version=4)) or title_of(path)
        items.append(f'<li><a href="{path.stem}.html">{html.escape(heading)}</a> '
                     f"<small>({html.escape(path.name)})</small></li>")
    sections = [f"<h2>Notebooks</h2><ol>{''.join(items)}</ol>"]
    figures = sorted((results / "figures").glob("*.png")) if (results / "figures").is_dir() else []
    if figures:
        cells = []
        for figure in figures:
            link = os.path.relpath(figure, html_dir)
            others = [p for p in sorted(figure.parent.glob(figure.stem + ".*")) if p != figure]
            extra = " ".join(f'<a href="{os.path.relpath(p, html_dir)}">{p.suffix[1:]}</a>'
                             for p in others)
            cells.append(
                f'<figure><a href="{link}"><img src="{link}" alt="Figure {figure.stem}" '
                f'loading="lazy"></a><figcaption>{html.escape(figure.stem)} {extra}'
                "</figcaption></figure>"
            )
        sections.append(f"<h2>Figures</h2><div class=\"figures\">{''.join(cells)}</div>")
    tables = sorted((results / "tables").glob("*")) if (results / "tables").is_dir() else []
    if tables:
        rows = "".join(f'<li><a href="{os.path.relpath(t, html_dir)}">{html.escape(t.name)}</a>'
                       "</li>" for t in tables)
        sections.append(f"<h2>Tables</h2><ul>{rows}</ul>")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Persian policy reader: results</title>
<style>
body {{font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
      line-height: 1.5; color: #111}}
.figures {{display: flex; flex-wrap: wrap; gap: 1em}}
figure {{margin: 0; width: 18em}} figure img {{width: 100%; border: 1px solid #ddd}}
figcaption {{font-size: 0.85em; color: #555}}
</style></head><body>
<h1>Persian policy reader: results</h1>
<p>The notebooks as pages (they work offline), then the figures and tables they wrote.
Rebuild everything with <code>make run</code>.</p>
{"".join(sections)}
</body></html>
"""
    target = html_dir / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def render_site(html_dir: Path, paths: list[Path] | None = None) -> list[Path]:
    """Render the committed notebooks (as stored, no kernel) and the index into ``html_dir``."""
    paths = notebook_paths() if paths is None else paths
    html_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    for path in paths:
        target = html_dir / f"{path.stem}.html"
        render_html(nbformat.read(path, as_version=4), target)
        pages.append(target)
    return [*pages, render_index(html_dir, paths)]


def stored(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` as committed: the interactive tables' library is left out of its outputs (the
    pages carry it once each, and a kernel sends it again with its first interactive table)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if BUNDLE_START in _joined(data.get("text/html", "")):
                data["text/html"] = strip_table_library(_joined(data["text/html"]))
    return nb


def main(argv: list[str] | None = None) -> int:
    """Execute and render every notebook (or, with --check, only verify them)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify without executing")
    parser.add_argument("--html", type=Path, metavar="DIR",
                        help="render the committed notebooks and an index to DIR, no kernel")
    args = parser.parse_args(argv)
    paths = notebook_paths()
    if not paths:
        print("No notebooks found in notebooks/", file=sys.stderr)
        return 2
    if args.check:
        found = [p for path in paths for p in problems(path, paths)]
        print("\n".join(found) if found else f"{len(paths)} notebooks clean")
        return 1 if found else 0
    if args.html:
        pages = render_site(args.html, paths)
        print(f"{len(pages)} pages in {args.html}")
        return 0

    results = Path(os.environ.setdefault("PERSIAN_RESULTS_DIR", str(ROOT / "results")))
    html_dir = results / "html"
    html_dir.mkdir(parents=True, exist_ok=True)
    for path in paths:
        began = time.perf_counter()
        print(f"executing {path.relative_to(ROOT)} ...", flush=True)
        nb = stored(execute(path, paths))
        nbformat.write(nb, path)
        render_html(nb, html_dir / f"{path.stem}.html")
        print(f"  done in {time.perf_counter() - began:.1f} s", flush=True)
    render_index(html_dir, paths)
    source, readme_copy = README_FIGURE
    if (results / source).is_file():
        (ROOT / readme_copy).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(results / source, ROOT / readme_copy)
    print(f"\nResults are in {results}:")
    for sub in ("html", "figures", "tables"):
        files = sorted((results / sub).glob("*")) if (results / sub).is_dir() else []
        print(f"  {sub + '/':9} {len(files):3d} files  ({results / sub})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
