"""An explorer of one text for JupyterLab: type a word or pattern, see where and how it is used.

``explore(doc, mentions)`` gives a panel of ipywidgets: a search box (the dictionary pattern
syntax: words, phrases, a trailing ``*``), and views that follow it: the keyword-in-context
table, the number of matches in each paragraph, a dispersion strip, and the text with the
mentions highlighted, filtered by category. Every view is built by the package's own functions
(:func:`helpers.concordance.kwic`, :func:`helpers.display.highlight_html`, ...), so the panel
shows exactly what a notebook cell would.

Where no kernel runs (a saved HTML page, GitHub) the panel shows the same views, fixed at the
pattern it was opened with.
"""

from __future__ import annotations

import html

import pandas as pd

from helpers.concordance import kwic
from helpers.display import bidi_html, dispersion_html, highlight_html, show
from helpers.document import Document
from helpers.matching import PatternError

#: Label columns tried, in order, to filter the highlighted text by category.
LABEL_COLUMNS = ("category_fa", "theme_fa", "category", "theme", "label_fa", "place", "key")
HITS = "جستجو"  # "search": the label of the search's matches in the highlighted text
_NOTE = 'style="color:#555;font-size:0.85em;margin:0.2em 0"'


class Explorer:
    """A search box and the views it drives (KWIC, counts by paragraph, dispersion, text)."""

    def __init__(
        self,
        doc: Document,
        mentions: pd.DataFrame | None = None,
        *,
        pattern: str = "",
        label_col: str | None = None,
        window: int = 5,
    ):
        if not isinstance(doc, Document):
            raise TypeError(
                f"explore() takes a Document (helpers.load_document), not {type(doc).__name__}."
            )
        self.doc, self.window = doc, window
        self.mentions = mentions if mentions is not None else pd.DataFrame(
            {"start": pd.array([], dtype="int64"), "end": pd.array([], dtype="int64")})
        if label_col is None:
            label_col = next((c for c in LABEL_COLUMNS if c in self.mentions.columns), None)
        elif label_col not in self.mentions.columns:
            raise KeyError(f"The mentions have no column {label_col!r}; they have "
                           f"{list(self.mentions.columns)}.")
        self.label_col = label_col
        self.categories = (
            list(dict.fromkeys(self.mentions[label_col].astype(str))) if label_col else []
        )
        self.hits = kwic([], "-")  # an empty KWIC table, until a search
        self.error: str | None = None
        self._widget = None
        self.pattern = ""
        self.search(pattern)

    # ------------------------------------------------------------------ what the views show

    def search(self, pattern: str) -> pd.DataFrame:
        """Search ``pattern`` and update every view; returns the KWIC table (empty if none)."""
        self.pattern, self.error = pattern.strip(), None
        if self.pattern:
            try:
                self.hits = kwic(self.doc, self.pattern, self.window)
            except (PatternError, ValueError) as err:
                self.error = str(err)
                self.hits = self.hits.iloc[:0]
        else:
            self.hits = self.hits.iloc[:0]
        if self._widget is not None:
            self._refresh()
        return self.hits

    def paragraph_counts(self) -> pd.DataFrame:
        """Matches of the current pattern in each body paragraph (numbered from 1)."""
        numbers = self.doc.paragraphs["paragraph"]
        found = self.hits["paragraph"].dropna().astype(int).value_counts()
        return pd.DataFrame({
            "paragraph": numbers.to_numpy() + 1,
            "matches": [int(found.get(p, 0)) for p in numbers],
        })

    def summary_html(self) -> str:
        """One line on what the search found (or why it could not run)."""
        if self.error:
            return (f'<div dir="ltr" lang="en" style="color:#b00020">{bidi_html(self.error, "ltr")}'
                    "</div>")
        if not self.pattern:
            return '<div dir="ltr" lang="en">Type a word or pattern (e.g. تروریس*).</div>'
        counts = self.paragraph_counts()
        return (
            f'<div dir="ltr" lang="en"><b>{len(self.hits)}</b> match(es) of '
            f'<bdi dir="rtl">{html.escape(self.pattern)}</bdi> in '
            f"{int((counts['matches'] > 0).sum())} of {len(counts)} paragraphs.</div>"
        )

    def kwic_html(self) -> str:
        """The KWIC table of the current pattern."""
        if not len(self.hits):
            return ""
        columns = ["pre", "keyword", "post", "paragraph"]
        table = self.hits[columns].assign(paragraph=self.hits["paragraph"] + 1)
        return show(table, interactive=False, max_rows=200).html

    def counts_html(self) -> str:
        """Matches per paragraph, as a table."""
        return show(self.paragraph_counts(), interactive=False).html if self.pattern else ""

    def dispersion_view(self) -> str:
        """Where the matches fall in the text."""
        if not len(self.hits):
            return ""
        return dispersion_html(self.doc, self.hits, label_col="pattern").html

    def text_html(self, categories: list[str] | None = None, hits: bool = True) -> str:
        """The body with the mentions of ``categories`` (default: all) and the matches marked."""
        chosen = self.categories if categories is None else categories
        label = self.label_col or "label"
        spans = self.mentions
        if self.label_col:
            spans = spans[spans[self.label_col].astype(str).isin(chosen)]
        spans = spans.assign(**{label: spans[label].astype(str)}) if self.label_col else (
            spans.assign(label=pd.array([""] * len(spans), dtype="str")).iloc[:0])
        spans = spans[["start", "end", label]]
        if hits and len(self.hits):
            found = self.hits[["start", "end"]].assign(**{label: f"{HITS}: {self.pattern}"})
            spans = pd.concat([spans, found], ignore_index=True)
        return highlight_html(self.doc, spans, label_col=label)

    # ------------------------------------------------------------------ widgets

    @property
    def widget(self):
        """The ipywidgets panel (built on first use)."""
        if self._widget is None:
            self._build()
        return self._widget

    def _build(self) -> None:
        import ipywidgets as w

        self._box = w.Text(
            value=self.pattern, placeholder="تروریس*", description="Search",
            continuous_update=False, layout=w.Layout(width="28em"),
        )
        self._box.add_class("persian-input")
        self._box.observe(lambda change: self.search(change["new"]), names="value")
        self._summary, self._dispersion = w.HTML(), w.HTML()
        self._counts, self._kwic = w.HTML(), w.HTML()
        self._text = w.HTML(layout=w.Layout(max_height="32em", overflow="auto"))
        self._checks = [w.Checkbox(value=True, description=c, indent=False,
                                   layout=w.Layout(width="auto"))
                        for c in self.categories]
        self._show_hits = w.Checkbox(value=True, description="search matches", indent=False,
                                     layout=w.Layout(width="auto"))
        for check in [*self._checks, self._show_hits]:
            check.observe(lambda _change: self._refresh_text(), names="value")
        style = w.HTML("<style>.persian-input input{direction:rtl;font-size:1.1em}</style>")
        self._widget = w.VBox([
            style, self._box, self._summary, self._dispersion,
            w.HBox([self._counts, w.Box([self._kwic], layout=w.Layout(
                max_height="24em", overflow="auto", flex="1"))]),
            w.HTML(f"<div dir='ltr' lang='en' {_NOTE}>Highlighted in the text "
                   f"(by {html.escape(self.label_col or 'category')}):</div>"),
            w.HBox([*self._checks, self._show_hits], layout=w.Layout(flex_flow="row wrap")),
            self._text,
        ])
        self._refresh()

    def _refresh(self) -> None:
        self._summary.value = self.summary_html()
        self._dispersion.value = self.dispersion_view()
        self._counts.value = self.counts_html()
        self._kwic.value = self.kwic_html()
        if self._box.value != self.pattern:
            self._box.value = self.pattern
        self._refresh_text()

    def _refresh_text(self) -> None:
        chosen = [c.description for c in self._checks if c.value]
        self._text.value = self.text_html(chosen, hits=self._show_hits.value)

    # ------------------------------------------------------------------ display

    def static_html(self) -> str:
        """The views at the current pattern, as HTML that needs no kernel."""
        note = (
            f'<div dir="ltr" lang="en" {_NOTE}>An explorer: in JupyterLab, run this cell to '
            "type your own word or pattern and filter the highlighted text; this page shows it "
            f'for <bdi dir="rtl">{html.escape(self.pattern)}</bdi>.</div>'
        )
        return (
            '<div class="persian-explorer">' + note + self.summary_html()
            + self.dispersion_view()
            + '<div style="display:flex;gap:1em;align-items:flex-start">'
            + f"<div>{self.counts_html()}</div>"
            + f'<div style="flex:1;max-height:24em;overflow:auto">{self.kwic_html()}</div>'
            + "</div>" + self.text_html() + "</div>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = dict(self.widget._repr_mimebundle_() or {})
        bundle["text/html"] = self.static_html()
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return (f"<Explorer of {self.doc.doc_id}: {len(self.hits)} match(es) of "
                f"{self.pattern!r}; {len(self.mentions)} mentions in "
                f"{len(self.categories)} categories>")


def explore(
    doc: Document,
    mentions: pd.DataFrame | None = None,
    *,
    pattern: str = "",
    label_col: str | None = None,
    window: int = 5,
) -> Explorer:
    """A JupyterLab panel to search ``doc`` and filter its highlighted ``mentions`` by category."""
    return Explorer(doc, mentions, pattern=pattern, label_col=label_col, window=window)
