"""Right-to-left HTML views for Jupyter: paragraphs, highlighted mentions, tables, dispersion.

The views are static HTML with inline styles only (no <style> sheet), so they read the same in
JupyterLab, in nbconvert's HTML, on GitHub and in a saved file. The one exception is
``show(table, interactive=True)``: a searchable, sortable table (itables, with its library
inlined, so nothing is fetched), which falls back to the static table where scripts do not run.
Text is HTML-escaped: a ``<script>`` in a document shows as text.

Direction: a block of Persian is ``dir="rtl"``; a table cell takes the direction of its first
letter, and a run of the other script inside it is isolated in ``<bdi>``, so «ISIS» in a
Persian sentence, a date such as «۳۰ مارس ۲۰۲۱» or a pattern such as «تحریم*» keep their order.

Overlapping spans in :func:`highlight_html` are handled deterministically:

- spans with the same (start, end) are merged into one mark carrying all their labels (striped
  background, every label in the tooltip);
- a span lying wholly inside another is drawn nested inside it;
- a span that crosses another's boundary (starts inside it, ends after it) is skipped; spans are
  kept in order of (start, longest first, label), and the number skipped is noted under the text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.document import Document
from helpers.script import ARABIC_SCRIPT_CHARS, LATIN_TO_PERSIAN_DIGITS

# Light tints of the Okabe-Ito colour-blind-safe palette, then lighter tab20 tints.
PALETTE = (
    "#ffd59e",  # orange
    "#b3dcf5",  # sky blue
    "#a8e0cc",  # bluish green
    "#fff3a0",  # yellow
    "#a9c8e8",  # blue
    "#f5c0a0",  # vermillion
    "#e8c0da",  # reddish purple
    "#d9d9d9",  # grey
    "#c5e3a6",
    "#f7c6c7",
    "#dcd0ff",
    "#c9f0f0",
    "#f0e0b0",
    "#e0c8b0",
)

_FONT = "Vazirmatn, 'Noto Naskh Arabic', 'Noto Sans Arabic', Tahoma, sans-serif"
_BOX = (
    f"font-family:{_FONT};line-height:2;font-size:1.05em;max-width:52em;"
    "text-align:justify;color:#111;background:#fff;padding:0.4em 0.8em;"
)
_PARA_BREAK = re.compile(r"\n[ \t\u200c]*(?:\r?\n[ \t]*)+")


@dataclass(frozen=True)
class RtlHTML:
    """A piece of right-to-left HTML that Jupyter renders (``_repr_html_``); ``str()`` gives it."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        paragraphs = self.html.count("<p ")
        return f"<right-to-left HTML: {paragraphs} paragraphs, {len(self.html):,} chars>"

    def __str__(self) -> str:
        return self.html

    def save(self, path: str | os.PathLike) -> None:
        """Write the HTML as a standalone UTF-8 page."""
        page = (
            '<!DOCTYPE html>\n<html lang="fa" dir="rtl"><head><meta charset="utf-8">'
            f"<title>text</title></head><body>\n{self.html}\n</body></html>\n"
        )
        Path(path).write_text(page, encoding="utf-8")


def _escape(text: str) -> str:
    """HTML-escape text and keep its line breaks."""
    return html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def _paragraph_spans(doc: Document | None, text: str, part: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of ``part`` (offsets into doc.raw, or into text)."""
    if doc is None:
        spans, position = [], 0
        for sep in [*_PARA_BREAK.finditer(text), None]:
            stop = sep.start() if sep else len(text)
            chunk = text[position:stop]
            if chunk.strip():
                lead = len(chunk) - len(chunk.lstrip())
                spans.append((position + lead, position + len(chunk.rstrip())))
            position = sep.end() if sep else len(text)
        return spans
    if part == "body":
        starts, ends = doc.paragraphs["start"].tolist(), doc.paragraphs["end"].tolist()
        return list(zip(starts, ends, strict=True))
    if part not in doc.parts:
        raise KeyError(f"The document has no part {part!r}; it has {sorted(doc.parts)}.")
    span = doc.parts[part]
    return [(s + span.start, e + span.start) for s, e in _paragraph_spans(None, doc.text(span), "")]


def show_rtl(doc_or_text: Document | str, *, part: str = "body", numbers: bool = False) -> RtlHTML:
    """The text (a Document's ``part``, or a string) as right-to-left HTML paragraphs.

    ``numbers=True`` puts each paragraph's number (from 1, Persian digits) before it.
    """
    if isinstance(doc_or_text, Document):
        doc, raw = doc_or_text, doc_or_text.raw
    elif isinstance(doc_or_text, str):
        doc, raw = None, doc_or_text
    else:
        raise TypeError(
            f"show_rtl() takes a Document or a str, not {type(doc_or_text).__name__}; "
            "load a text with helpers.load_document()."
        )
    paragraphs = []
    for i, (start, end) in enumerate(_paragraph_spans(doc, raw, part)):
        paragraphs.append(_paragraph_html(_escape(raw[start:end]), i, numbers))
    return RtlHTML(_wrap("".join(paragraphs)))


def _paragraph_html(inner: str, number: int, numbers: bool) -> str:
    label = ""
    if numbers:
        label = (
            '<span style="color:#888;font-size:0.8em;margin-left:0.6em;user-select:none">'
            f"[{str(number + 1).translate(LATIN_TO_PERSIAN_DIGITS)}]</span>"
        )
    return f'<p style="margin:0 0 0.9em 0">{label}{inner}</p>'


def _wrap(inner: str) -> str:
    return f'<div dir="rtl" lang="fa" style="{_BOX}">{inner}</div>'


# What a colour given by a caller may look like: a name, a #hex or an rgb()/hsl() call; nothing
# that could close the style attribute or add another declaration.
_CSS_COLOR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|(?:rgb|rgba|hsl|hsla)\([0-9.,%\s]+\)")


def _color(value: object) -> str:
    if not isinstance(value, str) or not _CSS_COLOR.fullmatch(value.strip()):
        raise ValueError(f"colors= has {value!r}, which is not a CSS colour: give a name "
                         "(gold), a hex code (#f4d03f) or rgb(...).")
    return value.strip()


def label_colors(labels: Iterable[object], colors: Mapping | Sequence | None = None) -> dict:
    """A colour for each label, in first-seen order (from ``colors``, else the palette)."""
    unique = list(dict.fromkeys(labels))
    if isinstance(colors, Mapping):
        missing = [label for label in unique if label not in colors]
        if missing:
            raise KeyError(f"No colour given for label(s) {missing}; add them to colors=.")
        return {label: _color(colors[label]) for label in unique}
    palette = [_color(c) for c in colors] if colors is not None else list(PALETTE)
    if not palette:
        raise ValueError("colors= is empty; give at least one CSS colour.")
    return {label: palette[i % len(palette)] for i, label in enumerate(unique)}


def _background(colors: list[str]) -> str:
    if len(colors) == 1:
        return f"background:{colors[0]};"
    stops = []
    for i, color in enumerate(colors):
        stops.append(f"{color} {i * 6}px,{color} {(i + 1) * 6}px")
    return (
        f"background:{colors[0]};"
        f"background-image:repeating-linear-gradient(135deg,{','.join(stops)});"
    )


def _prepare_spans(spans: pd.DataFrame, label_col: str) -> pd.DataFrame:
    """Validate and merge spans with identical (start, end); one row per distinct span."""
    if not isinstance(spans, pd.DataFrame):
        raise TypeError("spans must be a DataFrame with start, end and a label column.")
    missing = [c for c in ("start", "end", label_col) if c not in spans.columns]
    if missing:
        raise KeyError(
            f"spans lacks column(s) {missing}; it has {list(spans.columns)} "
            "(pass label_col= to choose the label column)."
        )
    table = spans[["start", "end", label_col]].copy()
    table["label"] = table[label_col].astype(str)
    if "pattern" in spans.columns:
        table["tip"] = table["label"] + ": " + spans["pattern"].astype(str)
    else:
        table["tip"] = table["label"]
    table = table[table["end"] > table["start"]]
    merged = (
        table.sort_values(["start", "end", "label"], kind="stable")
        .groupby(["start", "end"], sort=True)
        .agg(labels=("label", lambda s: list(dict.fromkeys(s))),
             tips=("tip", lambda s: list(dict.fromkeys(s))))
        .reset_index()
    )
    return merged.sort_values(["start", "end"], ascending=[True, False], kind="stable")


def _nest(rows: list[tuple], lo: int, hi: int) -> tuple[list[tuple], int]:
    """Keep spans inside [lo, hi) that nest properly; return (kept, number skipped)."""
    kept: list[tuple] = []
    stack: list[int] = []  # ends of open kept spans
    skipped = 0
    for row in rows:
        start, end = row[0], row[1]
        if start < lo or end > hi:
            continue
        while stack and stack[-1] <= start:
            stack.pop()
        if stack and end > stack[-1]:
            skipped += 1  # crosses the boundary of an open span
            continue
        kept.append(row)
        stack.append(end)
    return kept, skipped


def _render(raw: str, lo: int, hi: int, rows: list[tuple], colors: dict) -> str:
    """The HTML of raw[lo:hi] with properly nested spans wrapped in <mark>."""
    out: list[str] = []
    position = lo
    open_ends: list[int] = []
    for start, end, labels, tips in rows:
        while open_ends and open_ends[-1] <= start:
            out.append(_escape(raw[position : open_ends[-1]]) + "</mark>")
            position = open_ends.pop()
        out.append(_escape(raw[position:start]))
        style = _background([colors[label] for label in labels]) + (
            "color:inherit;padding:0.1em 0.15em;border-radius:0.25em;"
            "box-decoration-break:clone;-webkit-box-decoration-break:clone;"
        )
        title = html.escape(" | ".join(tips), quote=True)
        data = html.escape(" ".join(labels), quote=True)
        out.append(f'<mark style="{style}" title="{title}" data-label="{data}">')
        position = start
        open_ends.append(end)
    while open_ends:
        out.append(_escape(raw[position : open_ends[-1]]) + "</mark>")
        position = open_ends.pop()
    out.append(_escape(raw[position:hi]))
    return "".join(out)


def _legend_html(colors: dict, names: Mapping | None, counts: Mapping | None) -> str:
    items = []
    for label, color in colors.items():
        # each name in its own isolated run, so an English or mixed label keeps its order
        name = f"<bdi>{_escape(str(names.get(label, label) if names else label))}</bdi>"
        count = f" ({counts[label]})" if counts is not None and label in counts else ""
        items.append(
            '<span style="display:inline-block;margin:0 0 0.3em 1.2em;white-space:nowrap">'
            f'<span style="display:inline-block;width:0.9em;height:0.9em;background:{color};'
            'border:1px solid #999;vertical-align:middle;margin-left:0.35em"></span>'
            f"{name}{count}</span>"
        )
    return (
        '<div style="border-bottom:1px solid #ddd;margin-bottom:0.8em;padding-bottom:0.3em;'
        f'font-size:0.9em">{"".join(items)}</div>'
    )


def highlight_html(
    doc: Document,
    spans: pd.DataFrame,
    *,
    label_col: str = "theme",
    colors: Mapping | Sequence | None = None,
    legend: bool = True,
    legend_labels: Mapping | None = None,
    part: str = "body",
    numbers: bool = True,
) -> str:
    """Right-to-left HTML of ``doc`` with ``spans`` (start, end into doc.raw) coloured by label."""
    if not isinstance(doc, Document):
        raise TypeError("highlight_html() needs the Document the spans index; load it first.")
    table = _prepare_spans(spans, label_col)
    if len(table) and (table["start"].min() < 0 or table["end"].max() > len(doc.raw)):
        raise ValueError("Some spans fall outside doc.raw: were they found in another document?")
    # colours and legend follow the labels' first appearance in the text (input order is ignored)
    in_text = [label for labels in table["labels"] for label in labels]
    order = list(colors) if isinstance(colors, Mapping) else []
    order = [label for label in dict.fromkeys(order + in_text) if label in set(in_text)]
    palette = label_colors(order, colors)
    rows = list(table[["start", "end", "labels", "tips"]].itertuples(index=False, name=None))
    paragraphs, skipped, shown = [], 0, {}
    for i, (lo, hi) in enumerate(_paragraph_spans(doc, doc.raw, part)):
        kept, n_skipped = _nest(rows, lo, hi)
        skipped += n_skipped
        for s, e, labels, _t in rows:
            if lo <= s and e <= hi:
                for label in labels:
                    shown[label] = shown.get(label, 0) + 1
        paragraphs.append(_paragraph_html(_render(doc.raw, lo, hi, kept, palette), i, numbers))
    head = ""
    if legend and palette:
        head = _legend_html({k: v for k, v in palette.items() if k in shown}, legend_labels, shown)
    note = ""
    if skipped:
        note = (  # English inside the right-to-left block: a left-to-right paragraph of its own
            '<p dir="ltr" lang="en" style="color:#666;font-size:0.85em;text-align:left">'
            f"{skipped} span(s) crossing another span's boundary are not highlighted.</p>"
        )
    return _wrap(head + "".join(paragraphs) + note)


def highlight(doc: Document, spans: pd.DataFrame, **kwargs) -> RtlHTML:
    """:func:`highlight_html` as an object Jupyter displays (same keyword arguments)."""
    return RtlHTML(highlight_html(doc, spans, **kwargs))


# ----------------------------------------------------------------------------- tables

#: Marks around the itables library in a table's output: the main job keeps it out of the
#: stored notebooks and puts it once in each HTML page instead (tools/run_notebooks.py).
BUNDLE_START = "<!-- persian-reader: itables library -->"
BUNDLE_END = "<!-- /persian-reader: itables library -->"
_BUNDLE_RE = re.compile(re.escape(BUNDLE_START) + ".*?" + re.escape(BUNDLE_END), re.DOTALL)
_bundle_shown = False  # whether this kernel has sent the itables library to the page yet
_table_ids: dict[str, int] = {}

_LETTER = re.compile(r"[^\W\d_]")
_ARABIC = ARABIC_SCRIPT_CHARS
_LATIN = "A-Za-z\u00c0-\u024f"
# Runs of the other direction inside a cell, kept in their own isolated runs (<bdi>).
_LATIN_RUN = re.compile(f"[{_LATIN}](?:[{_LATIN}0-9 .,'’&/:_-]*[{_LATIN}0-9])?")
_ARABIC_RUN = re.compile(f"[{_ARABIC}](?:[{_ARABIC}\u200c 0-9]*[{_ARABIC}])?")
_KWIC_STYLE = {
    # In a right-to-left table ``pre`` stands right of the keyword and ``post`` left of it;
    # both lean towards the keyword so the keywords line up down the middle.
    "pre": "text-align:left;",
    "keyword": "text-align:center;font-weight:bold;background:#fff4c2;",
    "post": "text-align:right;",
}
_TABLE_STYLE = (
    "border-collapse:collapse;table-layout:auto;margin:0 0 0.6em 0;font-size:0.95em;"
    "line-height:1.7;color:#111;background:#fff;"
)
_TH_STYLE = (
    "padding:0.3em 0.6em;border-bottom:2px solid #888;text-align:center;vertical-align:bottom;"
    "font-weight:bold;background:#f4f4f4;white-space:nowrap;"
)
_TD_STYLE = (
    "padding:0.25em 0.6em;border-bottom:1px solid #e2e2e2;vertical-align:top;"
    "white-space:normal;max-width:36em;overflow-wrap:break-word;"
)
_ZWNJ_MARK = (
    '<span class="zwnj" title="ZWNJ (zero-width non-joiner)" style="display:inline-block;'
    'width:0;height:1.1em;margin:0 1px;border-left:2px solid #d62728;vertical-align:-0.25em">'
    "\u200c</span>"
)
_FA_LANGUAGE = {
    "search": "جستجو:",
    "lengthMenu": "_MENU_ ردیف در هر صفحه",
    "info": "ردیف _START_ تا _END_ از _TOTAL_",
    "infoEmpty": "هیچ ردیفی",
    "infoFiltered": "(از میان _MAX_ ردیف)",
    "zeroRecords": "ردیفی با این جستجو نیست",
    "emptyTable": "جدول خالی است",
}


def text_direction(text: str) -> str | None:
    """``'rtl'`` or ``'ltr'`` after the first letter of ``text`` (Unicode's first-strong rule)."""
    match = _LETTER.search(text)
    if match is None:
        return None
    return "rtl" if unicodedata.bidirectional(match.group()) in ("R", "AL") else "ltr"


def bidi_html(text: str, direction: str | None = None, *, zwnj: bool = False) -> str:
    """Escaped HTML of ``text`` whose runs of the other script are isolated in ``<bdi>``.

    In right-to-left text an English run (a name, «ISIS», a URL) keeps its own order and its
    punctuation; in left-to-right text a Persian run does. ``zwnj=True`` draws each ZWNJ as a
    thin red bar (the ZWNJ itself stays in the text, so a copy is still exact).
    """
    direction = direction or text_direction(text) or "ltr"
    run = _LATIN_RUN if direction == "rtl" else _ARABIC_RUN
    inner = "ltr" if direction == "rtl" else "rtl"
    out, position = [], 0
    for match in run.finditer(text):
        out.append(_cell_escape(text[position:match.start()], zwnj))
        out.append(f'<bdi dir="{inner}">{_cell_escape(match.group(), zwnj)}</bdi>')
        position = match.end()
    out.append(_cell_escape(text[position:], zwnj))
    return "".join(out)


def _cell_escape(text: str, zwnj: bool) -> str:
    escaped = _escape(text)
    return escaped.replace("\u200c", _ZWNJ_MARK) if zwnj else escaped


@dataclass(frozen=True)
class Table:
    """A table shown right to left (``_repr_html_``); ``data`` is the DataFrame it shows."""

    data: pd.DataFrame
    html: str
    interactive: bool = False

    def _repr_html_(self) -> str:
        global _bundle_shown
        if self.interactive and not _bundle_shown:
            _bundle_shown = True
            return table_library_html() + self.html
        return self.html

    def __repr__(self) -> str:
        return self.data.to_string(max_rows=20, max_colwidth=60)

    def save(self, path: str | os.PathLike) -> None:
        """Write the table as a standalone UTF-8 page (interactive tables carry their library)."""
        head = table_library_html() if self.interactive else ""
        page = (
            '<!DOCTYPE html>\n<html lang="fa"><head><meta charset="utf-8">'
            f"<title>table</title></head><body>\n{head}{self.html}\n</body></html>\n"
        )
        Path(path).write_text(page, encoding="utf-8")


def table_library_html() -> str:
    """The itables library (JavaScript and CSS, inlined: nothing is fetched), between marks."""
    from itables import options
    from itables.javascript import generate_init_offline_itables_html

    return f"{BUNDLE_START}{generate_init_offline_itables_html(options.dt_bundle)}{BUNDLE_END}"


def strip_table_library(html_text: str) -> str:
    """``html_text`` without the itables library that :meth:`Table._repr_html_` adds."""
    return _BUNDLE_RE.sub(BUNDLE_START + BUNDLE_END, html_text)


def show(
    table: pd.DataFrame | pd.Series | Mapping,
    *,
    interactive: bool | None = None,
    caption: str | None = None,
    zwnj: bool = False,
    index: bool | None = None,
    max_rows: int = 500,
    page_length: int = 15,
    decimals: int = 2,
) -> Table:
    """A DataFrame as a right-to-left table: Persian cells ``dir="rtl"``, English runs isolated.

    Columns read from right to left; each cell's direction follows its first letter; a KWIC
    table (``pre, keyword, post``) has the preceding words right of the keyword. Long text
    wraps. ``interactive=True`` gives a searchable, sortable, paged table (itables; works in
    saved HTML without a kernel); the default is interactive above 20 rows. ``zwnj=True`` draws
    each ZWNJ as a visible mark. ``index`` shows the index (default: when it is named or not
    made of row numbers).
    """
    frame = _as_frame(table)
    if index is None:  # an unnamed index of row numbers (0, 1, 2, or what a filter left) is noise
        index = (any(n is not None for n in frame.index.names)
                 or not pd.api.types.is_integer_dtype(frame.index.dtype))
    if index:
        frame = frame.copy()
        levels = frame.index.nlevels
        frame.index = frame.index.set_names(
            [n if n is not None else ("" if levels == 1 else f"level_{i}")
             for i, n in enumerate(frame.index.names)])
        try:
            frame = frame.reset_index()
        except ValueError:  # an index level named like a column: show the columns only
            frame = frame.reset_index(drop=True)
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [" / ".join(str(p) for p in c if str(p)) for c in frame.columns]
    if interactive is None:
        interactive = len(frame) > 20
    if interactive:
        html_text = _interactive_html(frame, caption, zwnj, page_length, decimals)
    else:
        html_text = _static_html(frame, caption, zwnj, max_rows, decimals)
    return Table(_as_frame(table), html_text, bool(interactive))


def _as_frame(table) -> pd.DataFrame:
    if isinstance(table, pd.DataFrame):
        return table
    if isinstance(table, pd.Series):
        return table.to_frame(name=table.name if table.name is not None else "value")
    if isinstance(table, Mapping):
        return pd.Series(dict(table), dtype=object).to_frame("value")
    raise TypeError(
        f"show() takes a DataFrame, a Series or a dict, not {type(table).__name__}."
    )


def _cells(column: pd.Series, decimals: int) -> list[str]:
    """The text of each cell (missing values are empty)."""
    values = column.tolist()
    if pd.api.types.is_float_dtype(column.dtype):
        whole = all(pd.isna(v) or float(v).is_integer() for v in values)
        fmt = "{:.0f}" if whole else f"{{:.{decimals}f}}"
        return ["" if pd.isna(v) else fmt.format(v) for v in values]
    out = []
    for value in values:
        if isinstance(value, list | tuple | set | frozenset):
            out.append(", ".join(str(v) for v in value))
        elif value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value)
                               and pd.isna(value)):
            out.append("")
        elif isinstance(value, dt.date | dt.datetime | pd.Timestamp):
            out.append(value.isoformat())
        else:
            out.append(str(value))
    return out


def _is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(
        column.dtype)


def _kwic_role(name: object) -> str | None:
    return name if name in _KWIC_STYLE else None


def _static_html(frame: pd.DataFrame, caption: str | None, zwnj: bool, max_rows: int,
                 decimals: int, note: str | None = None) -> str:
    shown = frame.iloc[:max_rows]
    head = "".join(
        f'<th dir="auto" style="{_TH_STYLE}">{bidi_html(str(c))}</th>' for c in shown.columns
    )
    columns = []
    for position, name in enumerate(shown.columns):
        column = shown.iloc[:, position]
        number, role = _is_number(column), _kwic_role(name)
        cells = []
        for text in _cells(column, decimals):
            direction = "ltr" if number else text_direction(text)
            style = _TD_STYLE + ("text-align:right;" if number else "text-align:start;")
            style += _KWIC_STYLE.get(role, "")
            attrs = f' dir="{direction}"' if direction else ""
            attrs += f' class="kwic-{role}"' if role else ""
            cells.append(f'<td{attrs} style="{style}">{bidi_html(text, direction, zwnj=zwnj)}'
                         "</td>")
        columns.append(cells)
    rows = []
    for i, cells in enumerate(zip(*columns)):
        shade = "background:#fafafa;" if i % 2 else ""
        rows.append(f'<tr style="{shade}">{"".join(cells)}</tr>')
    notes = []
    if caption:
        notes.append(f'<div dir="auto">{bidi_html(caption)}</div>')
    if len(frame) > max_rows:
        more = note or (
            "<code>helpers.show(table, interactive=True)</code> pages through all of them."
        )
        notes.append(
            f'<div dir="ltr" lang="en">The first {max_rows:,} of {len(frame):,} rows. {more}</div>'
        )
    foot = (
        f'<div style="color:#555;font-size:0.85em;margin-top:0.2em">{"".join(notes)}</div>'
        if notes else ""
    )
    return (
        f'<div class="persian-table" dir="rtl" lang="fa" style="overflow-x:auto;'
        f'max-width:100%;font-family:{_FONT}">'
        f'<table dir="rtl" style="{_TABLE_STYLE}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{foot}</div>"
    )


def _interactive_html(frame: pd.DataFrame, caption: str | None, zwnj: bool, page_length: int,
                      decimals: int) -> str:
    from itables import JavascriptFunction, to_html_datatable

    cells = {}
    defs = [{
        # each cell's direction follows its first letter outside a <bdi> (dir="auto")
        "targets": "_all",
        "createdCell": JavascriptFunction("function (td) { td.setAttribute('dir', 'auto'); }"),
    }]
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        role = _kwic_role(name)
        if role:
            defs.append({"targets": position, "className": f"kwic-{role}"})
        if _is_number(column) and not column.isna().any():
            cells[f"c{position}"] = column.to_numpy()
        else:
            cells[f"c{position}"] = [bidi_html(t, zwnj=zwnj) for t in _cells(column, decimals)]
    data = pd.DataFrame(cells)
    data.columns = [str(c) for c in frame.columns]
    digest = hashlib.sha1(
        (frame.to_csv() + str(caption) + str(zwnj)).encode("utf-8")
    ).hexdigest()[:12]
    _table_ids[digest] = _table_ids.get(digest, 0) + 1
    table_id = f"persian_table_{digest}_{_table_ids[digest]}"
    inner = to_html_datatable(
        data,
        caption=bidi_html(caption) if caption else None,
        table_id=table_id,
        connected=False,
        allow_html=True,
        showIndex=False,
        display_logo_when_loading=False,
        classes="display compact cell-border",
        style="table-layout:auto;width:auto;margin:0;caption-side:bottom",
        columnDefs=defs,
        pageLength=page_length,
        lengthMenu=[page_length, 50, 200],
        # a table that fits on one page keeps its search box (itables would drop it)
        layout=({"topStart": None, "topEnd": "search", "bottomStart": "info", "bottomEnd": None}
                if len(frame) <= page_length else {}),
        maxBytes=2**21,
        language=_FA_LANGUAGE,
        css=(
            ".persian-table table.dataTable td {white-space:normal;max-width:36em;"
            "text-align:start}"
            " .persian-table .dt-length {margin-left:2em}"
            " .persian-table table.dataTable td.kwic-pre {text-align:left}"
            " .persian-table table.dataTable td.kwic-post {text-align:right}"
            " .persian-table table.dataTable td.kwic-keyword"
            " {text-align:center;font-weight:bold;background:#fff4c2}"
        ),
    )
    # Where scripts do not run (GitHub, an untrusted notebook) itables shows a plain preview;
    # ours is the same right-to-left table as show(interactive=False) gives.
    opening = f'<div id="{table_id}_fallback">'
    begin = inner.find(opening)
    end = inner.find(f'</div><script>document.getElementById("{table_id}")', begin)
    if begin >= 0 and end > begin:
        preview = _static_html(frame, caption, zwnj, page_length, decimals,
                               note="Without JavaScript only the first rows are shown.")
        inner = inner[:begin + len(opening)] + preview + inner[end:]
    return (
        f'<div class="persian-table interactive" dir="rtl" lang="fa" '
        f'style="font-family:{_FONT}">{inner}</div>'
    )


# ----------------------------------------------------------------------------- dispersion


def dispersion_html(
    doc: Document, spans: pd.DataFrame, *, label_col: str | None = None, width: int = 720
) -> RtlHTML:
    """Where spans fall in the body ("x-ray"), as inline SVG: one row per label, right to left.

    The first word of the body is at the right edge, as on a Persian page; dashed lines mark
    paragraph starts (numbered in Persian digits). Spans outside the body are left out.
    """
    if not isinstance(doc, Document):
        raise TypeError("dispersion_html() needs the Document the spans index; load it first.")
    missing = [c for c in ("start", label_col) if c is not None and c not in spans.columns]
    if missing:
        raise KeyError(f"spans lacks column(s) {missing}; it has {list(spans.columns)}.")
    tokens = doc.tokens
    words = (tokens["kind"] == "word").to_numpy() & (tokens["part"] == "body").to_numpy()
    ordinal = np.cumsum(words) - 1  # the body word each token is at or after
    n_words = max(int(words.sum()), 1)
    starts = tokens["start"].to_numpy()
    body = doc.parts["body"]

    def offsets(positions: np.ndarray) -> np.ndarray:
        index = np.clip(np.searchsorted(starts, positions), 0, max(len(starts) - 1, 0))
        return ordinal[index].clip(0, n_words - 1) if len(starts) else positions * 0

    def x_of(offset: float) -> float:
        return round(width * (1 - (offset + 0.5) / n_words), 1)

    in_body = spans[(spans["start"] >= body.start) & (spans["start"] < body.end)]
    labels = in_body[label_col].astype(str) if label_col else pd.Series("", index=in_body.index)
    order = list(dict.fromkeys(labels)) or ([""] if label_col is None else [])
    paragraph_x = [x_of(o) for o in offsets(doc.paragraphs["start"].to_numpy())]
    grid = "".join(
        f'<line x1="{x}" x2="{x}" y1="0" y2="100%" stroke="#aaa" stroke-dasharray="3 3"/>'
        for x in paragraph_x
    )
    numbers = "".join(
        f'<text x="{x - 3}" y="12" font-size="11" fill="#666" text-anchor="end">'
        f"{str(i + 1).translate(LATIN_TO_PERSIAN_DIGITS)}</text>"
        for i, x in enumerate(paragraph_x)
    )
    rows = [
        f'<tr><td></td><td><svg class="dispersion-axis" width="{width}" height="16" '
        f'role="img" aria-label="paragraph starts">{numbers}</svg></td></tr>'
    ]
    colors = label_colors(order)
    for label in order:
        xs = [x_of(o) for o in offsets(in_body.loc[labels == label, "start"].to_numpy())]
        ticks = "".join(
            f'<line class="hit" x1="{x}" x2="{x}" y1="4" y2="22" stroke="#1f4e79" '
            'stroke-width="2"/>' for x in xs
        )
        name = bidi_html(label) if label else ""
        rows.append(
            f'<tr><td dir="auto" style="white-space:nowrap;padding-left:0.6em;text-align:right">'
            f'<span style="display:inline-block;width:0.7em;height:0.7em;margin-left:0.3em;'
            f'background:{colors[label]}"></span>{name} ({len(xs)})</td>'
            f'<td><svg width="{width}" height="26" role="img" aria-label="{len(xs)} hits">'
            f'<rect width="{width}" height="26" fill="#f7f7f7"/>{grid}{ticks}</svg></td></tr>'
        )
    return RtlHTML(
        f'<div class="dispersion" dir="rtl" lang="fa" style="font-family:{_FONT};'
        f'font-size:0.9em"><table style="border-collapse:collapse">{"".join(rows)}</table>'
        '<div dir="ltr" lang="en" style="color:#666;font-size:0.85em">'
        "Each tick is one match; the text runs from right to left; dashed lines are paragraph "
        "starts.</div></div>"
    )
