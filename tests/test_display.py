"""Right-to-left HTML views: escaping, paragraphs, highlighted spans and overlaps."""

from __future__ import annotations

import json
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


# ----------------------------------------------------------------------------- tables

LONG = (
    "وزیران خارجه کشورهای عضو ائتلاف جهانی برای شکست داعش در نشست امروز بر ادامه حمایت از "
    "نیروهای امنیتی عراق، بازگرداندن آوارگان به خانه‌هایشان و پاسخگویی عاملان جنایات در "
    "سوریه تأکید کردند و خواستار همکاری بیشتر کشورهای همسایه شدند."
)


class _Cells(HTMLParser):
    """The cells of an HTML table: (tag, attributes, text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.cells: list[tuple[str, dict, str]] = []
        self.tables: list[dict] = []
        self._open: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(dict(attrs))
        if tag in ("td", "th"):
            self._open = [tag, dict(attrs), ""]

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._open is not None:
            self.cells.append(tuple(self._open))
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data


def cells(fragment: str) -> _Cells:
    parsed = _Cells()
    parsed.feed(fragment)
    return parsed


def test_text_direction_follows_the_first_letter():
    assert display.text_direction("داعش در عراق") == "rtl"
    assert display.text_direction("۳۰ مارس ۲۰۲۱") == "rtl"  # digits are not letters
    assert display.text_direction("ISIS (داعش)") == "ltr"
    assert display.text_direction("2021-03-30") is None


def test_bidi_html_isolates_the_other_script_and_escapes():
    fragment = display.bidi_html("گروه ISIS <b>در</b> عراق")
    assert '<bdi dir="ltr">ISIS</bdi>' in fragment
    assert "<b>" not in fragment and "&lt;" in fragment and "&gt;در&lt;/" in fragment
    english = display.bidi_html("The coalition against داعش in Iraq")
    assert '<bdi dir="rtl">داعش</bdi>' in english
    marked = display.bidi_html("تلاش\u200cها و می\u200cکنند", zwnj=True)
    assert marked.count('class="zwnj"') == 2 and marked.count("\u200c") == 2


def test_show_lays_persian_cells_right_to_left():
    table = pd.DataFrame({
        "text": [LONG, "ISIS (Daesh) in Iraq", None],
        "count": [3, 12, -4],
        "date": ["۳۰ مارس ۲۰۲۱", "2021-03-30", "۱۸ فوریه"],
    })
    view = display.show(table)
    parsed = cells(view._repr_html_())
    assert parsed.tables[0]["dir"] == "rtl"
    body = [c for c in parsed.cells if c[0] == "td"]
    assert [c[2] for c in body[:3]] == [LONG, "3", "۳۰ مارس ۲۰۲۱"]  # not cut, in column order
    assert [c[1].get("dir") for c in body] == ["rtl", "ltr", "rtl",
                                               "ltr", "ltr", None,
                                               None, "ltr", "rtl"]
    assert body[6][2] == ""  # a missing value is an empty cell
    assert "<script" not in view.html and isinstance(view, display.Table)
    assert "ISIS (Daesh)" in repr(view)


def test_show_kwic_puts_the_words_before_right_of_the_keyword(seed_doc):
    table = helpers.kwic(seed_doc, "داعش")[["pre", "keyword", "post"]]
    parsed = cells(display.show(table, caption="KWIC of ISIS (داعش)").html)
    heads = [c[2] for c in parsed.cells if c[0] == "th"]
    assert heads == ["pre", "keyword", "post"]  # first column at the right of an RTL table
    body = [c for c in parsed.cells if c[0] == "td"]
    assert [c[1]["class"] for c in body[:3]] == ["kwic-pre", "kwic-keyword", "kwic-post"]
    assert "text-align:left" in body[0][1]["style"]  # leaning towards the keyword
    assert "text-align:right" in body[2][1]["style"]
    assert 'dir="auto">KWIC of ISIS (<bdi dir="rtl">داعش</bdi>)' in display.show(
        table, caption="KWIC of ISIS (داعش)").html


def test_show_index_dicts_series_and_long_tables():
    frame = pd.DataFrame({"place": ["عراق", "سوریه", "یمن"], "mentions": [16, 8, 1]})
    filtered = frame[frame["mentions"] > 1]  # row numbers 0, 1: not shown
    assert [c[2] for c in cells(display.show(filtered).html).cells if c[0] == "th"] == [
        "place", "mentions"]
    named = frame.set_index("place")
    assert [c[2] for c in cells(display.show(named).html).cells if c[0] == "th"] == [
        "place", "mentions"]
    pair = cells(display.show({"as written": "تلاشها", "normalised": "تلاش\u200cها"},
                              zwnj=True).html)
    assert [c[2] for c in pair.cells if c[0] == "td"][:2] == ["as written", "تلاشها"]
    series = cells(display.show(frame.set_index("place")["mentions"]).html)
    assert [c[2] for c in series.cells if c[0] == "th"] == ["place", "mentions"]
    long = display.show(pd.DataFrame({"n": range(30)}), interactive=False, max_rows=10)
    assert long.html.count("<tr") == 11 and "The first 10 of 30 rows" in long.html
    with pytest.raises(TypeError, match="DataFrame"):
        display.show(["عراق"])


def test_interactive_table_brings_its_library_once(seed_doc, monkeypatch):
    monkeypatch.setattr(display, "_bundle_shown", False)
    table = helpers.kwic(seed_doc, "داعش")[["pre", "keyword", "post", "paragraph"]]
    first, second = display.show(table, interactive=True), display.show(table, interactive=True)
    assert first.interactive and not display.show(table).interactive  # 19 rows, 20 the limit
    assert display.show(pd.concat([table, table])).interactive
    shown = first._repr_html_()
    assert shown.count(display.BUNDLE_START) == 1 and "injectModule" in shown
    assert display.BUNDLE_START not in second._repr_html_()  # the page has it already
    assert "injectModule" not in display.strip_table_library(shown)
    ids = re.findall(r'<table id="(persian_table_\w+)"', first.html + second.html)
    assert len(set(ids)) == 2  # two views of one table do not share an id
    assert shown.startswith(display.BUNDLE_START)
    assert '<div class="persian-table interactive" dir="rtl"' in first.html
    data = re.search(r'"data_json": ("(?:[^"\\]|\\.)*")', first.html).group(1)
    rows = json.loads(json.loads(data))  # every row is in the table's data, as HTML
    assert len(rows) == len(table)
    assert [row[1] for row in rows] == table["keyword"].tolist()
    preview = first.html[first.html.index("_fallback"):]
    assert preview.count('class="kwic-keyword"') == 15  # the plain preview: the first page
    assert '"topEnd": "search"' in first.html  # a search box, for long and short tables
    assert '"topEnd": "search"' in display.show(table.head(2), interactive=True).html


def test_dispersion_marks_each_body_span_right_to_left(seed_doc):
    hits = helpers.kwic(seed_doc, "داعش")
    html = display.dispersion_html(seed_doc, hits, label_col="pattern").html
    xs = [float(x) for x in re.findall(r'<line class="hit" x1="([\d.]+)"', html)]
    body = hits[hits["paragraph"].notna()]
    assert len(xs) == len(body)  # the title's match is not in the body
    assert xs == sorted(xs, reverse=True) and xs[0] > xs[-1]  # the text runs right to left
    assert html.count('stroke-dasharray') == len(seed_doc.paragraphs)
    assert "داعش (18)" in html
    with pytest.raises(TypeError, match="Document"):
        display.dispersion_html("متن", hits)


def test_highlight_keeps_english_notes_and_labels_in_their_own_runs():
    doc = helpers.load_document("الف\n\nیک دو سه چهار پنج شش")
    raw = doc.raw
    spans = pd.DataFrame({
        "start": [raw.index("یک"), raw.index("سه")],
        "end": [raw.index("سه") + 2, raw.index("پنج") + 3],
        "theme": ["ISIS (داعش)", "کودکان"],
    })
    html = helpers.highlight_html(doc, spans)
    assert re.search(r'<p dir="ltr" lang="en"[^>]*>1 span\(s\) crossing', html)
    assert "<bdi>ISIS (داعش)</bdi>" in html


def test_colours_are_checked_before_they_reach_html(seed_doc):
    import helpers

    mentions = helpers.find_themes(seed_doc).head(3)
    with pytest.raises(ValueError, match="not a CSS colour"):
        helpers.highlight(seed_doc, mentions, label_col="theme",
                          colors=['red;" onmouseover="alert(1)'])
    html = str(helpers.highlight(seed_doc, mentions, label_col="theme", colors=["#f4d03f"]))
    assert "#f4d03f" in html
