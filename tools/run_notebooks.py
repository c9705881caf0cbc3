"""The main job: execute every notebook in a fresh kernel, store outputs, render results/.

    python tools/run_notebooks.py             # execute, write outputs back, render results/
    python tools/run_notebooks.py 01 03       # only the chapters (and solutions) named so
    python tools/run_notebooks.py --check     # only check navigation cells and metadata are clean
    python tools/run_notebooks.py --html DIR  # render the committed notebooks to DIR (no kernel)

Chapters are ``notebooks/NN-title.ipynb`` (``00`` is the primer on Persian script) and their
worked exercises ``notebooks/solutions/NN-title.ipynb``; both are executed, stored and rendered
(``results/html/`` and ``results/html/solutions/``). The first cell of each is a navigation bar
generated here (never edit it by hand): a chapter links to its neighbours, the contents and its
solutions; a solution notebook to its chapter and the neighbouring solutions. Metadata is reduced
to what every machine agrees on, so a re-run without changes leaves ``git diff`` empty.

Kernels are started with CurveZMQ transport encryption where the kernel supports it (ipykernel
7 warns, once per kernel, that a kernel talking plain TCP could be overheard on the machine; the
warning is right, and the keys remove the cause rather than the message).

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
import uuid
from pathlib import Path

import jinja2
import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from traitlets.config import Config

from helpers.display import BUNDLE_START, strip_table_library, table_library_html

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS = NOTEBOOKS / "solutions"
NAV_MARK = "<!--NAVIGATION-->"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# The README embeds this figure; the main job refreshes the copy in docs/.
README_FIGURE = ("figures/03-theme-counts.png", "docs/figures/theme-counts.png")


def notebook_paths() -> list[Path]:
    """The chapter notebooks in reading order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def solution_paths() -> list[Path]:
    """The solution notebooks, one per chapter that has exercises, in reading order."""
    return sorted(SOLUTIONS.glob("[0-9][0-9]-*.ipynb"))


def is_solution(path: Path) -> bool:
    """Whether ``path`` is a solution notebook (in notebooks/solutions/)."""
    return path.parent.name == SOLUTIONS.name


def title_of(path: Path) -> str:
    """'03-theme-counts.ipynb' -> '03 Theme counts'."""
    number, _, slug = path.stem.partition("-")
    return f"{number} {slug.replace('-', ' ').capitalize()}"


def navigation(paths: list[Path], index: int) -> str:
    """The generated navigation bar for the notebook at ``index`` of ``paths``.

    ``paths`` are the chapters or the solutions (never both); a chapter with a solution notebook
    links to it, a solution notebook links back to its chapter.
    """
    path = paths[index]
    solution = is_solution(path)
    suffix = ": solutions" if solution else ""
    links = []
    if index > 0:
        links.append(f"< [{title_of(paths[index - 1])}{suffix}]({paths[index - 1].name})")
    if solution:
        chapter = NOTEBOOKS / path.name
        links.append(f"[Chapter {title_of(chapter)}](../{chapter.name})")
        links.append("[Contents](../../README.md#the-notebooks)")
    else:
        links.append("[Contents](../README.md#the-notebooks)")
        if (SOLUTIONS / path.name).is_file():
            links.append(f"[Solutions](solutions/{path.name})")
    if index < len(paths) - 1:
        links.append(f"[{title_of(paths[index + 1])}{suffix}]({paths[index + 1].name}) >")
    return f"{NAV_MARK}\n" + " | ".join(links)


def siblings(path: Path) -> list[Path]:
    """The notebooks ``path`` is navigated among: the chapters, or the solutions."""
    return solution_paths() if is_solution(path) else notebook_paths()


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
    name = path.relative_to(NOTEBOOKS).as_posix()
    found = []
    expected = navigation(paths, paths.index(path))
    if not nb.cells or nb.cells[0].source != expected:
        found.append(f"{name}: navigation cell is stale; run `make run`")
    if dict(nb.metadata) != dict(clean_metadata(nbformat.from_dict(nb)).metadata):
        found.append(f"{name}: metadata holds machine-specific fields; run `make run`")
    for cell in nb.cells:
        if cell.cell_type == "markdown" and _MARKDOWN_IMAGE.search(cell.source):
            found.append(f"{name}: cell {cell.id} has an image in markdown, which the pages do "
                         "not embed; show it as a cell's output")
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    if code and not any(c.outputs for c in code):
        found.append(f"{name}: no stored outputs; run `make run`")
    for cell in code:
        if "execution" in cell.metadata:
            found.append(f"{name}: cell {cell.id} stores execution timings")
        for out in cell.outputs:
            text = out.get("text", "")
            if out.output_type == "error":
                found.append(f"{name}: cell {cell.id} stores an error ({out.ename})")
            if "missing from font" in text:
                found.append(f"{name}: cell {cell.id} stores a missing-glyph warning")
            if str(ROOT) in str(out):
                found.append(f"{name}: cell {cell.id} output shows an absolute path")
    return found


# CurveZMQ keys for kernels that declare support (ipykernel does); ignored by older clients.
KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto"}})


def execute(path: Path, paths: list[Path]) -> nbformat.NotebookNode:
    """Run one notebook top to bottom in a fresh kernel started in its own folder."""
    nb = nbformat.read(path, as_version=4)
    with_navigation(nb, navigation(paths, paths.index(path)))
    client = NotebookClient(
        nb,
        timeout=900,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        config=KERNEL_CONFIG,
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
_LINK = re.compile(r'href="([^":#]+)\.ipynb(#[^"]*)?"')
_CONTENTS = re.compile(r'href="((?:\.\./)*)\.\./README\.md[^"]*"')
_TITLE_ARG = re.compile(r"""title=(["'])(.+?)\1""")
_MARKDOWN = re.compile(r"[*_`#>\[\]]|\]\([^)]*\)|<[^>]+>")
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(|<img\b")


def _exporter() -> HTMLExporter:
    config = Config({"NbConvertBase": {"display_data_priority": PAGE_PRIORITY}})
    # Figures are outputs, embedded as data already. nbconvert's embed_images (images in
    # markdown) parses each inline HTML tag on its own and so empties <bdi>…</bdi>, the isolate
    # that keeps Persian in English prose in order: it stays off.
    return HTMLExporter(
        config=config,
        embed_images=False,
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
    # README.md is one folder above the notebooks; the index is at the top of the pages.
    body = _CONTENTS.sub(lambda m: f'href="{m.group(1)}index.html"', body)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")


def page_of(html_dir: Path, path: Path) -> Path:
    """Where the page of notebook ``path`` goes: html/NN-x.html or html/solutions/NN-x.html."""
    return html_dir / "solutions" / f"{path.stem}.html" if is_solution(path) else (
        html_dir / f"{path.stem}.html")


def heading_of(nb: nbformat.NotebookNode) -> str:
    """The first level-1 heading of a notebook (its title as a reader sees it)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def render_index(html_dir: Path, paths: list[Path], solutions: list[Path] | None = None) -> Path:
    """Write ``index.html``: the notebooks' pages and their solutions, then the figures and
    tables beside them."""
    results = html_dir.parent
    sections = []
    for name, group in (("Notebooks", paths), ("Solutions to the exercises", solutions or [])):
        items = []
        for path in group:
            heading = heading_of(nbformat.read(path, as_version=4)) or title_of(path)
            link = page_of(html_dir, path).relative_to(html_dir).as_posix()
            items.append(f'<li><a href="{link}">{html.escape(heading)}</a> '
                         f"<small>({html.escape(path.relative_to(NOTEBOOKS).as_posix())})</small>"
                         "</li>")
        if items:
            sections.append(f"<h2>{name}</h2><ul>{''.join(items)}</ul>")
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


def render_site(html_dir: Path, paths: list[Path] | None = None,
                solutions: list[Path] | None = None) -> list[Path]:
    """Render the committed notebooks and solutions (as stored, no kernel) and the index."""
    paths = notebook_paths() if paths is None else paths
    solutions = solution_paths() if solutions is None else solutions
    html_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    for path in [*paths, *solutions]:
        target = page_of(html_dir, path)
        render_html(nbformat.read(path, as_version=4), target)
        pages.append(target)
    return [*pages, render_index(html_dir, paths, solutions)]


def stored(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` as committed: the interactive tables' library is left out of its outputs (the
    pages carry it once each, and a kernel sends it again with its first interactive table),
    and a widget's model id, random in each kernel and meaningless once the kernel is gone
    (no widget state is stored), is named after its cell so that a re-run changes nothing."""
    for cell in nb.cells:
        for number, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            if BUNDLE_START in _joined(data.get("text/html", "")):
                data["text/html"] = strip_table_library(_joined(data["text/html"]))
            view = data.get(WIDGET_VIEW)
            if isinstance(view, dict) and "model_id" in view:
                view["model_id"] = uuid.uuid5(uuid.NAMESPACE_URL, f"{cell.id}/{number}").hex
    return nb


def main(argv: list[str] | None = None) -> int:
    """Execute and render every notebook (or, with --check, only verify them)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify without executing")
    parser.add_argument("--html", type=Path, metavar="DIR",
                        help="render the committed notebooks and an index to DIR, no kernel")
    parser.add_argument("only", nargs="*", metavar="NN",
                        help="execute only the chapters and solutions whose names start so")
    args = parser.parse_args(argv)
    paths, solutions = notebook_paths(), solution_paths()
    if not paths:
        print("No notebooks found in notebooks/", file=sys.stderr)
        return 2
    if args.check:
        found = [p for group in (paths, solutions) for path in group
                 for p in problems(path, group)]
        count = len(paths) + len(solutions)
        print("\n".join(found) if found else f"{count} notebooks clean")
        return 1 if found else 0
    if args.html:
        pages = render_site(args.html, paths, solutions)
        print(f"{len(pages)} pages in {args.html}")
        return 0

    results = Path(os.environ.setdefault("PERSIAN_RESULTS_DIR", str(ROOT / "results")))
    html_dir = results / "html"
    html_dir.mkdir(parents=True, exist_ok=True)
    for group in (paths, solutions):
        for path in group:
            if args.only and not path.name.startswith(tuple(args.only)):
                continue
            began = time.perf_counter()
            print(f"executing {path.relative_to(ROOT)} ...", flush=True)
            nb = stored(execute(path, group))
            nbformat.write(nb, path)
            render_html(nb, page_of(html_dir, path))
            print(f"  done in {time.perf_counter() - began:.1f} s", flush=True)
    render_index(html_dir, paths, solutions)
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
