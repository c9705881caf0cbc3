"""Right-to-left HTML views: escaping, paragraphs, highlighted spans and overlaps."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import helpers
from helpers import display


class _Collector(HTMLParser):
    """Collect tags and the visible text of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in ("br",):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(fragment: str) -> _Collector:
    parser = _Collector()
    parser.feed(fragment)
    parser.close()
    assert not parser.stack, f"unclosed tags {parser.stack}"
    return parser


def test_show_rtl_paragraphs(seed_doc):
    view = helpers.show_rtl(seed_doc)
    html = view._repr_html_()
    assert html.startswith('<div dir="rtl" lang="fa"')
    assert html.count("<p ") == len(seed_doc.paragraphs)
    assert "<script" not in html and "<style" not in html
    assert str(view) == html


def test_show_rtl_escapes_script():
    html = helpers.show_rtl("سلام <script>alert('x')</script> & دوست\n\nبند دوم").html
    assert "<script>" not in html
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; دوست" in html
    parsed = parse(html)
    assert "script" not in parsed.tags
    assert parsed.tags.count("p") == 2


def test_show_rtl_other_parts(seed_doc):
    assert seed_doc.title in helpers.show_rtl(seed_doc, part="title").html
    with pytest.raises(KeyError, match="has no part"):
        helpers.show_rtl(seed_doc, part="appendix")
    with pytest.raises(TypeError, match="Document or a str"):
        helpers.show_rtl(42)


def test_highlight_marks_each_mention(seed_doc):
    mentions = helpers.find_themes(seed_doc)
    html = helpers.highlight_html(seed_doc, mentions, label_col="theme_fa")
    parsed = parse(html)
    assert html.startswith('<div dir="rtl" lang="fa"')
    # distinct spans, minus those crossing another span's boundary (counted in a note)
    distinct = mentions.drop_duplicates(["start", "end"])
    note = re.search(r"(\d+) span\(s\) crossing", html)
    skipped = int(note.group(1)) if note else 0
    assert parsed.tags.count("mark") == len(distinct) - skipped
    # the visible text, minus the legend and paragraph numbers, is the body exactly
    body = "".join(parsed.text)
    for para in seed_doc.paragraphs["text"]:
        assert para in body
    for label in mentions["theme_fa"].unique():
        assert label in html  # in the legend


def test_highlight_escapes_and_keeps_offsets():
    doc = helpers.load_document("عنوان\n\nمتن <script>x</script> و امنیت مرزی است.\n\nپایان")
    start = doc.raw.index("امنیت مرزی")
    spans = pd.DataFrame({"start": [start], "end": [start + 10], "theme": ["<b>border</b>"]})
    html = helpers.highlight_html(doc, spans)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html and "&lt;b&gt;border&lt;/b&gt;" in html
    assert re.search(r"<mark [^>]*>امنیت مرزی</mark>", html)


def test_highlight_overlaps_are_deterministic():
    doc = helpers.load_document("الف\n\nیک دو سه چهار پنج شش")
    raw = doc.raw
    s = raw.index("یک")

    def span(word_from, word_to, label):
        a = raw.index(word_from)
        b = raw.index(word_to) + len(word_to)
        return (a, b, label)

    spans = pd.DataFrame(
        [span("یک", "سه", "A"), span("دو", "دو", "B"), span("یک", "سه", "C"),
         span("سه", "پنج", "D")],
        columns=["start", "end", "theme"],
    )
    html = helpers.highlight_html(doc, spans)
    parsed = parse(html)
    assert parsed.tags.count("mark") == 2  # A+C merged, B nested, D crosses A and is skipped
    assert "A | C" in html and "repeating-linear-gradient" in html
    assert "1 span(s) crossing" in html
    assert html == helpers.highlight_html(doc, spans.iloc[::-1])
    assert s >= 0


def test_highlight_colours_and_errors(seed_doc):
    spans = pd.DataFrame({"start": [seed_doc.paragraphs["start"][0]],
                          "end": [seed_doc.paragraphs["start"][0] + 6], "theme": ["x"]})
    html = helpers.highlight_html(seed_doc, spans, colors={"x": "#123456"}, legend=False)
    assert "#123456" in html and "border-bottom" not in html
    with pytest.raises(KeyError, match="No colour"):
        helpers.highlight_html(seed_doc, spans, colors={"y": "red"})
    with pytest.raises(KeyError, match="label_col"):
        helpers.highlight_html(seed_doc, spans, label_col="kind")
    with pytest.raises(ValueError, match="outside"):
        helpers.highlight_html(seed_doc, spans.assign(end=10**7))
    assert isinstance(display.highlight(seed_doc, spans), display.RtlHTML)


@given(st.text(alphabet="ابپ <>&\"'\n", min_size=1, max_size=60))
def test_show_rtl_never_leaks_markup(text):
    if not text.strip():
        return
    html = helpers.show_rtl(text).html
    parsed = parse(html)
    assert set(parsed.tags) <= {"div", "p", "br"}
    visible = "".join(parsed.text)
    assert visible.replace(" ", "") == "".join(text.split()).replace(" ", "") or set(
        visible) <= set(text)
