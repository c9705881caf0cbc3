"""Right-to-left HTML views of Persian text for Jupyter: plain paragraphs and highlighted mentions.

Everything here is static HTML with inline styles only (no JavaScript, no <style> sheet), so it
reads the same in JupyterLab, in nbconvert's HTML and in a saved file. Text is HTML-escaped:
a ``<script>`` in a document shows as text.

Overlapping spans in :func:`highlight_html` are handled deterministically:

- spans with the same (start, end) are merged into one mark carrying all their labels (striped
  background, every label in the tooltip);
- a span lying wholly inside another is drawn nested inside it;
- a span that crosses another's boundary (starts inside it, ends after it) is skipped; spans are
  kept in order of (start, longest first, label), and the number skipped is noted under the text.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.document import Document

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
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
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
            f"[{str(number + 1).translate(_PERSIAN_DIGITS)}]</span>"
        )
    return f'<p style="margin:0 0 0.9em 0">{label}{inner}</p>'


def _wrap(inner: str) -> str:
    return f'<div dir="rtl" lang="fa" style="{_BOX}">{inner}</div>'


def label_colors(labels: Iterable[object], colors: Mapping | Sequence | None = None) -> dict:
    """A colour for each label, in first-seen order (from ``colors``, else the palette)."""
    unique = list(dict.fromkeys(labels))
    if isinstance(colors, Mapping):
        missing = [label for label in unique if label not in colors]
        if missing:
            raise KeyError(f"No colour given for label(s) {missing}; add them to colors=.")
        return {label: colors[label] for label in unique}
    palette = list(colors) if colors is not None else list(PALETTE)
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
        name = html.escape(str(names.get(label, label) if names else label), quote=False)
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
        note = (
            '<p style="color:#666;font-size:0.85em">'
            f"{skipped} span(s) crossing another span's boundary are not highlighted.</p>"
        )
    return _wrap(head + "".join(paragraphs) + note)


def highlight(doc: Document, spans: pd.DataFrame, **kwargs) -> RtlHTML:
    """:func:`highlight_html` as an object Jupyter displays (same keyword arguments)."""
    return RtlHTML(highlight_html(doc, spans, **kwargs))
