"""Every standard figure, with every font that can set Persian here, laid out without collisions.

For each font (the shipped Noto Sans Arabic, DejaVu Sans, and any other installed font with the
Persian letters, such as Debian's Noto Naskh Arabic, which has no Latin letters) every figure the
package draws is rendered as PNG, SVG and PDF. While a figure is drawn, a spy on ``Text.draw``
and ``Rectangle.draw`` records the box of every text and bar as the renderer of that format
measures it. Asserted for each format: no two text boxes overlap, none leaves the canvas, none
overlaps a bar; and the SVG and PDF layouts are the PNG layout (the same axes, every text within
a point of where the PNG has it).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Text

import helpers
from helpers.__main__ import _places_chart, _theme_chart
from helpers.corpus import analyze_corpus
from helpers.figures import persian_fonts, recipe_comparison_figure, setup_figures

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "raw" / "000_46bb7b90614e0375.txt"
FOREIGN_POLICY = ROOT / "data" / "themes" / "foreign_policy.yaml"
TOLERANCE = 0.5  # points: boxes may touch, antialiasing aside, but not overlap


def fonts() -> list[tuple[str, Path]]:
    """One font file per family (and per Latin coverage) that can set Persian, shipped first."""
    table = persian_fonts().drop_duplicates(["family", "latin"])
    return [(f"{row.family}{'' if row.latin else ' (no Latin)'}", row.path)
            for row in table.itertuples(index=False)]


FONTS = fonts()


def test_the_fonts_include_the_shipped_one_and_dejavu():
    """The shipped font is found and comes first; DejaVu Sans (matplotlib's own) is there."""
    names = [name for name, _ in FONTS]
    assert names[0] == "Noto Sans Arabic"
    assert "DejaVu Sans" in names


# ------------------------------------------------------------------- the standard figures


@pytest.fixture(scope="module")
def seed():
    """The seed text and everything the figures are drawn from."""
    doc = helpers.load_document(SEED)
    themes = helpers.find_themes(doc)
    engine = helpers.find(doc, FOREIGN_POLICY)
    places = helpers.find_places(doc)
    result = analyze_corpus([SEED], workers=1, progress=False)
    return {"doc": doc, "themes": themes, "engine": engine, "places": places, "result": result}


def _cli(draw: Callable) -> Callable:
    return lambda s: draw(s["result"]).figure


STANDARD: dict[str, Callable] = {
    "place-bars": lambda s: helpers.bar_counts(
        helpers.place_counts(s["places"]), label="place_fa", value="mentions", gloss="place",
        title="مکان‌های نام‌برده در بیانیه", xlabel="شمار اشاره‌ها").figure,
    "theme-bars": lambda s: helpers.theme_bar(
        helpers.theme_counts(s["themes"]), title="اشاره به مضمون‌ها در بیانیه",
        xlabel="تعداد اشاره‌ها").figure,
    "engine-bars-by-entry": lambda s: helpers.figures.bar(
        helpers.counts(s["engine"], by="key"), title="سیاست خارجی: مدخل‌ها", top=15).figure,
    "theme-heatmap": lambda s: helpers.theme_heatmap(
        helpers.theme_counts(s["themes"], per="paragraph"),
        title="مضمون‌ها در هر بند بیانیه").figure,
    "engine-heatmap-per-1000": lambda s: helpers.figures.heatmap(
        helpers.counts(s["engine"], per="paragraph"), value="per_1000", gloss=True).figure,
    "theme-dispersion": lambda s: helpers.theme_dispersion(
        s["doc"], s["themes"], title="پراکندگی مضمون‌ها در متن").figure,
    "engine-dispersion-relative": lambda s: helpers.figures.dispersion(
        s["doc"], s["engine"], relative=True, gloss=True).figure,
    "place-map": lambda s: helpers.place_map(
        s["places"], title="مکان‌های نام‌برده در بیانیه").figure,
    "recipe-comparison": lambda s: recipe_comparison_figure(),
    "cli-themes": _cli(_theme_chart),
    "cli-places": _cli(_places_chart),
}


# ------------------------------------------------------------------------ measuring


def drawn_boxes(fig, fmt: str) -> tuple[list[tuple[str, object]], list[object], list]:
    """Save ``fig`` as ``fmt`` at 72 dpi; the (text, box) of every text and the box of every
    bar as that format's renderer measured them while drawing, and each axes' position."""
    texts: dict[int, tuple[str, object]] = {}
    rectangles: dict[int, object] = {}
    draw_text, draw_rectangle = Text.draw, Rectangle.draw

    # savefig may draw twice (a dry run for the layout, then the output): the last draw counts.
    def spy_text(self, renderer):
        draw_text(self, renderer)
        if self.get_visible() and self.get_text().strip():
            texts[id(self)] = (self.get_text(), self.get_window_extent(renderer))

    def spy_rectangle(self, renderer):
        draw_rectangle(self, renderer)
        rectangles[id(self)] = self.get_window_extent(renderer)

    bars = {id(p) for ax in fig.axes for c in ax.containers for p in c}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Text, "draw", spy_text)
        patch.setattr(Rectangle, "draw", spy_rectangle)
        fig.savefig(io.BytesIO(), format=fmt, dpi=72)
    positions = [tuple(ax.get_position().bounds) for ax in fig.axes]
    return (list(texts.values()), [box for key, box in rectangles.items() if key in bars],
            positions)


def collisions(fig, texts, bars) -> list[str]:
    """What a reader would see as broken: overlapping texts, texts off the page or on bars."""
    problems = []
    width, height = fig.get_size_inches() * 72
    for i, (a, box) in enumerate(texts):
        if box.x0 < -TOLERANCE or box.y0 < -TOLERANCE or box.x1 > width + TOLERANCE \
                or box.y1 > height + TOLERANCE:
            problems.append(f"off the page: {a!r} {box.extents.round(1)}")
        for b, other in texts[i + 1:]:
            if _overlap(box, other):
                problems.append(f"overlap: {a!r} and {b!r}")
        for bar in bars:
            if _overlap(box, bar):
                problems.append(f"on a bar: {a!r}")
    return problems


def _overlap(a, b) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE
            and min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE)


@pytest.fixture(params=FONTS, ids=[name for name, _ in FONTS])
def font(request):
    """Figures set up with one font after another; glyphs missing from every font are errors."""
    name, path = request.param
    with mpl.rc_context(), warnings.catch_warnings():
        warnings.filterwarnings("error", "Glyph .* missing from font", UserWarning)
        warnings.filterwarnings("ignore", "The font .* has no", UserWarning)
        setup_figures(path)
        yield name
    setup_figures()  # the shipped font is the first of its family again


@pytest.mark.parametrize("figure", list(STANDARD))
def test_standard_figures_lay_out_cleanly_in_every_format(figure, font, seed):
    """PNG, SVG and PDF: no overlaps, nothing off the page, and the same layout in each."""
    fig = STANDARD[figure](seed)
    try:
        layouts = {}
        for fmt in ("png", "svg", "pdf"):
            texts, bars, positions = drawn_boxes(fig, fmt)
            assert texts, "nothing was drawn"
            problems = collisions(fig, texts, bars)
            assert not problems, f"{figure} ({fmt}, {font}): " + "; ".join(problems[:6])
            layouts[fmt] = (texts, positions)
        png_texts, png_axes = layouts["png"]
        for fmt in ("svg", "pdf"):
            texts, axes = layouts[fmt]
            assert [t for t, _ in texts] == [t for t, _ in png_texts]
            for a, b in zip(axes, png_axes, strict=True):
                assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 0.004, fmt
            for (text, box), (_, png_box) in zip(texts, png_texts, strict=True):
                moved = max(abs(x - y) for x, y in zip(box.extents, png_box.extents,
                                                       strict=True))
                assert moved < 1.5, f"{fmt}: {text!r} moved {moved:.1f} pt from the PNG"
    finally:
        plt.close(fig)


@pytest.mark.parametrize("name_path", FONTS, ids=[name for name, _ in FONTS])
def test_bilingual_label_lines_do_not_touch_and_do_not_gape(name_path, seed):
    """The Persian and English lines of a label never touch, and are no further apart than
    the tallest line needs.

    With a fixed line spacing every line's box is one line height with its ink centred, so the
    gap between the ink of two lines is the line height less their mean ink height; the line
    height is what a second line adds to a label's box. matplotlib's default spacing gives
    Noto Sans Arabic lines 2.1 em apart; here a line is the tallest ink plus at most 0.2 em.
    """
    name, path = name_path
    with mpl.rc_context(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        setup_figures(path)
        fig = STANDARD["theme-bars"](seed)
        try:
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            labels = [t for t in fig.axes[0].get_yticklabels() if "\n" in t.get_text()]
            assert labels
            prop = labels[0].get_fontproperties()
            em = prop.get_size_in_points() * fig.dpi / 72

            def ink(line: str) -> float:
                return renderer.get_text_width_height_descent(line, prop, False)[1]

            tallest = max(ink(line) for t in labels for line in t.get_text().split("\n"))
            for label in labels:
                lines = label.get_text().split("\n")
                single = Text(0, 0, lines[0], fontproperties=prop, figure=fig,
                              linespacing=label.get_linespacing())
                step = (label.get_window_extent(renderer).height
                        - single.get_window_extent(renderer).height) / (len(lines) - 1)
                assert step <= tallest + 0.2 * em, f"{name}: lines gape in {lines}"
                for upper, lower in zip(lines, lines[1:]):
                    gap = (step - (ink(upper) + ink(lower)) / 2) / em
                    assert gap >= 0.1, f"{name}: {upper!r} and {lower!r} {gap:.2f} em apart"
        finally:
            plt.close(fig)
    setup_figures()


def test_cli_theme_title_counts_the_texts(seed):
    """One text is 'this text', not 'all texts'."""
    setup_figures()
    ax = _theme_chart(seed["result"])
    title = ax.get_title(loc="right")
    assert "همه" not in title and "این متن" in title
    plt.close(ax.figure)
