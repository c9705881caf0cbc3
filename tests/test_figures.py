"""Persian labels in figures: proven glyph-for-glyph against HarfBuzz, and in every format."""

from __future__ import annotations

import functools
import re
import unicodedata
import warnings
from pathlib import Path

import matplotlib as mpl
import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import pandas as pd
import pytest
import uharfbuzz as hb
from bidi import algorithm as pybidi
from fontTools.ttLib import TTFont
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont

from helpers import figures
from helpers.figures import (
    bar_counts,
    fa,
    figure_font,
    format_number,
    native_shaping,
    persian_digit_formatter,
    persian_digits,
    persian_fonts,
    recipe_comparison_figure,
    rtl_legend,
    save_figure,
    setup_figures,
    shipped_font_path,
)

SEED = Path(__file__).resolve().parent.parent / "data" / "raw" / "000_46bb7b90614e0375.txt"
PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")
ZWNJ = "\u200c"

LABELS = [
    # joining and non-joining letters, one by one and in words
    "ب", "بب", "ببب", "سلام", "کتاب", "پژوهش", "چگونه", "گزارش", "ژاپن", "آب", "اردو",
    "ورود", "دولت", "ذرت", "زن", "یک", "لا", "الله", "فلسطین", "عراق", "غزه", "ظهر",
    "طبیعت", "صلح", "ضد", "ثبت", "حق", "خبر", "جنگ", "هند", "قانون", "مذاکره",
    # ZWNJ and the ezafe hamza
    "می‌شوند", "می‌کنند", "نمی‌توانند", "بین‌المللی", "درگیری‌های مسلحانه", "خانهٔ",
    "خانهٔ امن", "نامهٔ وزیران", "همکاری‌شان",
    # digits: Persian, Latin, mixed, with separators
    "۲۰۲۱", "۳۰ مارس ۲۰۲۱", "1397", "سال 1400", "۴ ژوئن ۲۰۲۰", "۱۲٫۵ درصد", "-۵",
    # brackets, guillemets, punctuation, Latin inside Persian
    "(کتاب)", "[منطقه]", "{گروه}", "<سوریه>", "«سلام»", "«داعش (ISIS)»", "داعش (ISIS)",
    "ISIS (داعش)", "COVID-19", "کووید-۱۹", "کووید-19 در ایران", "ایالات متحده (USA)",
    "سازمان ملل؟", "عراق، سوریه و لبنان.",
    # long phrases from the seed text
    "ائتلاف جهانی برای شکست داعش", "قطعنامه ۲۲۵۴ شورای امنیت سازمان ملل متحد",
    "شمال شرقی سوریه", "وزیران خارجه گروه کوچک ائتلاف جهانی",
    "پادشاهی بلژیک و ایالات متحده آمریکا", "آنتونی جی. بلینکن، وزیر خارجه ایالات متحده",
]


@pytest.fixture(autouse=True)
def _persian_setup():
    """Each test starts from a Persian setup, with any warning (e.g. missing glyph) an error;
    the font and digit policy it leaves behind are undone."""
    saved = dict(figures._STATE)
    with mpl.rc_context(), warnings.catch_warnings():
        warnings.simplefilter("error")
        setup_figures()
        yield
    figures._STATE.update(saved)


@pytest.fixture(scope="module")
def font_path() -> str:
    """The font file matplotlib draws Persian with after setup_figures()."""
    with mpl.rc_context():
        setup_figures()
        return findfont(FontProperties(family=mpl.rcParams["font.family"]))


def test_seed_text_holds_the_phrases():
    """The long labels are real phrases of the seed document, not invented ones."""
    text = SEED.read_text(encoding="utf-8")
    for phrase in ("ائتلاف جهانی برای شکست داعش", "شمال شرقی سوریه", "۳۰ مارس ۲۰۲۱",
                   "پادشاهی بلژیک و ایالات متحده آمریکا"):
        assert phrase in text
    assert len(LABELS) >= 50


def test_missing_glyph_warning_is_an_error():
    """A glyph the fonts lack makes the draw fail instead of silently drawing tofu."""
    fig = Figure()
    fig.text(0.5, 0.5, "\U00013000")  # an Egyptian hieroglyph: in no font we use
    with pytest.raises(UserWarning, match="Glyph"):
        FigureCanvasAgg(fig).draw()


# ------------------------------------------------------------------ the references


def drawn_glyphs(text: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, float]]:
    """(font file, glyph id, x) of every glyph the Agg renderer draws for ``text``."""
    seen: list[tuple[str, int, float]] = []
    original = RendererAgg._draw_text_glyphs_and_boxes

    def spy(self, gc, x, y, angle, glyphs, boxes):
        glyphs = list(glyphs)
        seen.extend((font.fname, index, dx) for font, _size, index, _sl, _ex, dx, _dy in glyphs)
        return original(self, gc, x, y, angle, glyphs, boxes)

    monkeypatch.setattr(RendererAgg, "_draw_text_glyphs_and_boxes", spy)
    fig = Figure(dpi=72)
    fig.text(0.5, 0.5, fa(text), fontsize=20)
    FigureCanvasAgg(fig).draw()
    monkeypatch.undo()
    return seen


def bidi_levels(text: str) -> list[int]:
    """Resolved embedding level of each character (python-bidi's pure-Python UBA)."""
    storage = pybidi.get_empty_storage()
    storage["base_level"] = pybidi.get_base_level(text)
    storage["base_dir"] = ("L", "R")[storage["base_level"]]
    pybidi.get_embedding_levels(text, storage)
    pybidi.explicit_embed_and_overrides(storage)
    pybidi.resolve_weak_types(storage)
    pybidi.resolve_neutral_types(storage, False)
    pybidi.resolve_implicit_levels(storage, False)
    kept = iter(ch["level"] for ch in storage["chars"])
    levels: list[int] = []
    for ch in text:
        # Rule X9 drops BN and embedding codes; they take the level of what precedes them.
        if unicodedata.bidirectional(ch) in {"BN", "RLE", "LRE", "RLO", "LRO", "PDF"}:
            levels.append(levels[-1] if levels else storage["base_level"])
        else:
            levels.append(next(kept))
    return levels


def harfbuzz_visual(text: str, path: str) -> list[tuple[int, str, float]]:
    """(glyph id, logical character, pen x in em) in visual order, as HarfBuzz shapes ``text``."""
    face = hb.Face(hb.Blob.from_file_path(path))
    font = hb.Font(face)
    upem = face.upem
    codepoints = [ord(c) for c in text]
    levels = bidi_levels(text)
    runs: list[tuple[int, int, int]] = []  # (level, start, end)
    for i, level in enumerate(levels):
        if runs and runs[-1][0] == level:
            runs[-1] = (level, runs[-1][1], i + 1)
        else:
            runs.append((level, i, i + 1))
    shaped: list[tuple[int, list[tuple[int, str, int, int]]]] = []
    for level, start, end in runs:
        buf = hb.Buffer()
        buf.add_codepoints(codepoints, start, end - start)  # whole line as context
        buf.guess_segment_properties()
        buf.direction = "rtl" if level % 2 else "ltr"
        buf.language = "fa"
        hb.shape(font, buf)
        glyphs = zip(buf.glyph_infos, buf.glyph_positions, strict=True)
        shaped.append((level, [(info.codepoint, text[info.cluster], pos.x_advance, pos.x_offset)
                               for info, pos in glyphs]))
    # Rule L2: reverse every sequence of runs at level >= k, from the highest level down
    # to the lowest odd one. HarfBuzz already returns an RTL run in visual order.
    order = list(range(len(shaped)))
    lowest_odd = min(level for level, _ in shaped) | 1
    for k in range(max(level for level, _ in shaped), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if shaped[order[i]][0] >= k:
                j = i
                while j < len(order) and shaped[order[j]][0] >= k:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    out: list[tuple[int, str, float]] = []
    pen = 0
    for run in order:
        for gid, char, advance, offset in shaped[run][1]:
            out.append((gid, char, (pen + offset) / upem))
            pen += advance
    return out


@functools.cache
def font_tables(path: str) -> tuple[dict[int, str], list[str], dict[str, tuple]]:
    """The font's cmap (code point to glyph name), glyph order, and each glyph's outline."""
    with TTFont(path) as font:
        glyf, hmtx = font["glyf"], font["hmtx"]
        outlines = {}
        for name in font.getGlyphOrder():
            coords, ends, flags = glyf[name].getCoordinates(glyf)
            points = [(x, y, f & 1) for (x, y), f in zip(coords, flags, strict=True)]
            starts = [0, *(e + 1 for e in ends[:-1])] if ends else []
            # Contours as a sorted set: composites may list the same parts in another order.
            contours = sorted(tuple(points[a:b + 1]) for a, b in zip(starts, ends, strict=True))
            outlines[name] = (hmtx[name][0], tuple(contours))
        return dict(font.getBestCmap()), list(font.getGlyphOrder()), outlines


def same_shapes(path: str, left: list[str], right: list[str]) -> bool:
    """Whether two glyph-name sequences draw identical outlines with identical advances."""
    outlines = font_tables(path)[2]
    return [outlines[n] for n in left] == [outlines[n] for n in right]


def names(path: str, gids: list[int]) -> list[str]:
    """Glyph names for glyph ids, so that a failure reads 'uniFEB7' rather than 5294."""
    order = font_tables(path)[1]
    return [order[g] for g in gids]


# ------------------------------------------------------------ glyph-for-glyph proof


@pytest.mark.skipif(not native_shaping(), reason="this matplotlib does not shape text itself")
@pytest.mark.parametrize("label", LABELS)
def test_matplotlib_draws_what_harfbuzz_shapes(label, font_path, monkeypatch):
    """The glyphs matplotlib draws for fa(label) are HarfBuzz's glyphs for the logical label.

    Method: the Agg renderer's ``_draw_text_glyphs_and_boxes`` receives every glyph it
    rasterises as (font, glyph id, x); a spy records them while a figure holding only the
    label is drawn, so what is checked is exactly what lands in the PNG, after fa(),
    rcParams (font family list, text.language) and libraqm. The reference is HarfBuzz
    (uharfbuzz) on the same font file: the logical label is split into bidi level runs
    (python-bidi's pure-Python UBA, an implementation independent of libraqm's), each run
    shaped with its direction, language fa and the whole line as context, and the runs
    put in visual order by rule L2. HarfBuzz returns RTL runs in visual order, and
    matplotlib draws left to right, so both sequences read left to right. Glyph ids must
    be equal one for one, all from the one font file, and the distance from each glyph to
    the next must match HarfBuzz's to within 1 px at 20 px (hinting rounds each advance to
    whole pixels), which pins every glyph to its place, not only to its rank.
    """
    drawn = drawn_glyphs(label, monkeypatch)
    expected = harfbuzz_visual(label, font_path)
    assert {Path(f).name for f, _, _ in drawn} == {Path(font_path).name}
    assert names(font_path, [g for _, g, _ in drawn]) == names(
        font_path, [g for g, _, _ in expected])
    size_px = 20.0
    for i in range(1, len(drawn)):
        step = drawn[i][2] - drawn[i - 1][2]
        expected_step = (expected[i][2] - expected[i - 1][2]) * size_px
        assert abs(step - expected_step) <= 1.0, (label, i, expected[i][1])


def fallback_glyphs(label: str, path: str) -> list[int]:
    """Glyph ids a renderer without shaping would draw for fa(label) on the fallback path."""
    cmap, order, _ = font_tables(path)
    visual = fa(label, native=False)
    missing = [c for c in visual if ord(c) not in cmap]
    assert not missing, f"fallback output uses characters the font lacks: {missing}"
    return [order.index(cmap[ord(c)]) for c in visual]


@pytest.fixture(scope="module")
def fallback_font_path() -> str:
    """matplotlib's own DejaVu Sans: a font whose Persian shaping is presentation forms only.

    The shipped Noto Sans Arabic also decomposes letters into skeleton and dots and has
    contextual alternates, which no string of presentation forms can reproduce; the fallback
    (for a matplotlib that cannot shape) is therefore proven on DejaVu Sans.
    """
    return findfont(FontProperties(family="DejaVu Sans"))


@pytest.mark.parametrize("label", LABELS)
def test_fallback_gives_harfbuzz_glyphs_in_visual_order(label, fallback_font_path):
    """Drawn one character after another, the fallback string shows HarfBuzz's glyphs.

    fa(label, native=False) is what a matplotlib without shaping gets: presentation forms
    in visual order. Mapping each character through the font's cmap gives the glyphs such
    a renderer draws; they must draw the same shapes as HarfBuzz's glyphs for the logical
    label (see the test above for how that reference is built): same outline points and
    advance, glyph by glyph. Outlines rather than ids, because a font keeps a separate but
    identical glyph for an isolated presentation form (uniFE8F) while HarfBuzz draws the
    nominal letter (uni0628) for an isolated BEH. One difference is allowed and asserted:
    HarfBuzz keeps a ZWNJ as an invisible zero-width glyph, while the fallback drops the
    character (python-bidi removes class BN, rule X9) after the reshaper has used it to
    stop the joining; the joining forms around it are still compared glyph by glyph.
    """
    font_path = fallback_font_path
    expected = [(gid, char) for gid, char, _ in harfbuzz_visual(label, font_path)]
    for gid, char in expected:
        if char == ZWNJ:
            assert font_tables(font_path)[1][gid] in {"space", "uni200C"}
    expected_names = names(font_path, [gid for gid, char in expected if char != ZWNJ])
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        got_names = names(font_path, fallback_glyphs(label, font_path))
    assert same_shapes(font_path, got_names, expected_names), (got_names, expected_names)


# --------------------------------------------------------------------------- fa()


def test_native_shaping_matches_this_matplotlib():
    """matplotlib 3.11 shapes Arabic script with libraqm."""
    from matplotlib import ft2font

    major_minor = tuple(int(p) for p in mpl.__version__.split(".")[:2])
    assert native_shaping() is (major_minor >= (3, 11) and bool(ft2font.__libraqm_version__))


@pytest.mark.parametrize("label", LABELS)
def test_fa_is_identity_where_matplotlib_shapes(label):
    """On the native path fa() hands the logical string over untouched."""
    assert fa(label, native=True) == label
    if native_shaping():
        assert fa(label) == label


def test_fallback_keeps_ezafe_hamza_and_zwnj_joining():
    """The ezafe hamza survives and ZWNJ stops the joining: 'می' and 'شوند' stay apart."""
    assert "\u0654" in fa("خانهٔ", native=False)
    visual = fa("می‌شوند", native=False)
    assert ZWNJ not in visual
    # visual order is left to right: د ن و ش | ی م
    assert visual == "\ufeaa\ufee7\ufeee\ufeb7\ufbfd\ufee3"
    assert fa("میشوند", native=False) != visual  # without ZWNJ the words join


def test_fallback_mirrors_brackets_and_guillemets():
    """In a right-to-left run '(' and '«' are drawn mirrored, so the text reads (کتاب)."""
    visual = fa("(کتاب)", native=False)
    assert visual[0] == "(" and visual[-1] == ")"
    visual = fa("«سلام»", native=False)
    assert visual[0] == "«" and visual[-1] == "»"
    assert fa("داعش (ISIS)", native=False).startswith("(ISIS) ")


def test_fallback_leaves_latin_and_handles_lines():
    """Latin-only labels pass unchanged; each line of a two-line label is its own paragraph."""
    assert fa("COVID-19", native=False) == "COVID-19"
    top, bottom = fa("سلام\nhello", native=False).split("\n")
    assert bottom == "hello" and top == fa("سلام", native=False)


def test_fa_rejects_non_strings():
    """A number is not silently turned into a label."""
    with pytest.raises(TypeError, match="str"):
        fa(12)  # type: ignore[arg-type]


def test_old_recipe_is_backwards_on_native_matplotlib(fallback_font_path, monkeypatch):
    """What recipe-comparison.png shows: the old recipe's letters come out in reverse.

    Drawn in DejaVu Sans, whose glyphs are whole letters (the shipped Noto Sans Arabic draws
    a letter as skeleton and dots, which do not map back to one character).
    """
    if not native_shaping():
        pytest.skip("the old recipe is right on a matplotlib that does not shape")
    font_path = fallback_font_path
    cmap = font_tables(font_path)[0]
    letter_of = {name: unicodedata.normalize("NFKC", chr(cp)) for cp, name in cmap.items()}

    def letters_left_to_right(text: str) -> str:
        drawn = drawn_glyphs(text, monkeypatch)
        return "".join(letter_of[n] for n in names(font_path, [g for _, g, _ in drawn]))

    label = "شمال شرقی سوریه"
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        assert letters_left_to_right(fa(label)) == label[::-1]  # right to left, as read
        assert letters_left_to_right(figures._old_recipe(label)) == label  # mirror image


# ------------------------------------------------------------------------- digits


def test_persian_digits_and_formatter():
    """Latin digits become Persian ones; the formatter adds Persian separators."""
    assert persian_digits("2254 and 19") == "۲۲۵۴ and ۱۹"
    assert persian_digits(2021) == "۲۰۲۱"
    fmt = persian_digit_formatter()
    assert fmt(12345, 0) == "۱۲٬۳۴۵"
    assert persian_digit_formatter("{x:.1f}")(2.5, 0) == "۲٫۵"


# ---------------------------------------------------------------------- bar_counts

COUNTS = pd.DataFrame({
    "place": ["سوریه", "عراق", "شمال شرقی سوریه", "بلژیک", "عراق"],
    "english": ["Syria", "Iraq", "northeast Syria", "Belgium", "Iraq"],
    "n": [12, 30, 7, 1234, 5],
})


def draw(ax) -> None:
    """Draw the figure so that tick labels and formatters are resolved."""
    FigureCanvasAgg(ax.figure).draw()


def test_bar_counts_labels_values_and_order():
    """Largest at the top, labels are fa(label), counts at bar ends, sums per label."""
    fig = Figure()
    ax = bar_counts(COUNTS, label="place", value="n", ax=fig.add_subplot(), title="شمارش",
                    persian_digits=False)  # Latin digits asked for (the default is Persian)
    draw(ax)
    texts = [t.get_text() for t in ax.get_yticklabels()]
    ticks = sorted(zip(ax.get_yticks(), texts, strict=True), reverse=True)
    assert [t for _, t in ticks] == [fa(p) for p in ("بلژیک", "عراق", "سوریه",
                                                     "شمال شرقی سوریه")]
    assert [t.get_text() for t in ax.texts] == ["1,234", "35", "12", "7"]
    assert ax.get_title(loc="right") == fa("شمارش")


def test_bar_counts_rtl_layout():
    """rtl puts the category labels on the right and bars growing leftwards."""
    fig = Figure()
    ax = bar_counts(COUNTS, label="place", value="n", ax=fig.add_subplot())
    draw(ax)
    assert ax.yaxis.get_ticks_position() == "right"
    assert ax.xaxis_inverted()
    label_x = min(t.get_window_extent().x0 for t in ax.get_yticklabels())
    assert label_x > ax.get_window_extent().x1 - 1
    bars = ax.containers[0]
    for bar, text in zip(bars, ax.texts, strict=True):  # counts just left of each bar
        assert text.get_window_extent().x1 <= bar.get_window_extent().x0 + 0.5
    fig = Figure()
    ax = bar_counts(COUNTS, label="place", value="n", ax=fig.add_subplot(), rtl=False)
    draw(ax)
    assert ax.yaxis.get_ticks_position() == "left" and not ax.xaxis_inverted()
    for bar, text in zip(ax.containers[0], ax.texts, strict=True):
        assert text.get_window_extent().x0 >= bar.get_window_extent().x1 - 0.5


def test_bar_counts_persian_digits_gloss_and_top():
    """Persian digits on values and axis, English gloss in brackets or below, top-N bars."""
    fig = Figure()
    ax = bar_counts(COUNTS, label="place", value="n", gloss="english", ax=fig.add_subplot(),
                    persian_digits=True, top=2)
    draw(ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == [fa("بلژیک (Belgium)"),
                                                            fa("عراق (Iraq)")]
    assert [t.get_text() for t in ax.texts] == ["۱٬۲۳۴", "۳۵"]
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all(re.fullmatch("[۰-۹٬]+", t) for t in ticks)
    fig = Figure()
    ax = bar_counts(COUNTS, label="place", value="n", gloss="english", ax=fig.add_subplot(),
                    gloss_below=True, top=1)
    assert ax.get_yticklabels()[0].get_text() == fa("بلژیک\nBelgium")


def test_bar_counts_long_labels_and_title_stay_on_the_figure():
    """Long Persian labels with long glosses, and a long title, are wrapped, never cut off."""
    import matplotlib.pyplot as plt

    data = pd.DataFrame({
        "label": ["گروه‌های تروریستی و شبکه‌های مالی آن‌ها در منطقه", "سوریه", "عراق"],
        "gloss": ["Terrorist groups and their financial networks in the region", "Syria",
                  "Iraq"],
        "n": [5, 3, 2],
    })
    title = "شمار اشاره‌ها به گروه‌ها و کشورها در متن بیانیهٔ ائتلاف جهانی برای شکست داعش"
    with mpl.rc_context({"figure.constrained_layout.use": True}):
        ax = bar_counts(data, label="label", value="n", gloss="gloss", title=title)
    fig = ax.figure
    fig.canvas.draw()
    page = fig.bbox
    for text in [*ax.get_yticklabels(), ax.title]:
        box = text.get_window_extent()
        assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, text.get_text()
        assert page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1, text.get_text()
    labels = {t.get_position()[1]: t.get_text() for t in ax.get_yticklabels()}
    first, last = labels[max(labels)], labels[min(labels)]  # top bar: the long label
    assert first.count("\n") >= 2 and "(" not in first  # wrapped, gloss on its own lines
    assert "\n" in ax.get_title(loc="right")
    assert last == fa("عراق (Iraq)")  # short ones stay whole
    plt.close(fig)


def test_bar_counts_tells_what_is_wrong():
    """A wrong column name names the columns there are."""
    with pytest.raises(KeyError, match="english"):
        bar_counts(COUNTS, label="city", value="n")


def test_rtl_legend_puts_marker_after_persian_text():
    """Legend labels and title go through fa(); the marker comes after the text."""
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], label="عراق")
    ax.plot([0, 1], [1, 0], label="سوریه")
    legend = rtl_legend(ax, title="کشور")
    FigureCanvasAgg(fig).draw()
    assert [t.get_text() for t in legend.get_texts()] == [fa("عراق"), fa("سوریه")]
    assert legend.get_title().get_text() == fa("کشور")
    row = legend.get_texts()[0]
    line = legend.get_lines()[0]
    assert row.get_window_extent().x1 <= line.get_window_extent().x0 + 1


# ------------------------------------------------------------------------ output

FIGURE_LABELS = ["ائتلاف جهانی برای شکست داعش", "قطعنامه ۲۲۵۴ شورای امنیت سازمان ملل متحد",
                 "خانهٔ امن", "می‌شوند", "«داعش (ISIS)»", "کووید-۱۹"]


def labelled_figure() -> Figure:
    """A bar chart whose category labels are the FIGURE_LABELS."""
    data = pd.DataFrame({"label": FIGURE_LABELS, "n": range(len(FIGURE_LABELS), 0, -1)})
    fig = Figure(figsize=(7, 4))
    bar_counts(data, label="label", value="n", ax=fig.add_subplot(), title="برچسب‌ها")
    return fig


def svg_texts(path: Path) -> list[str]:
    """The contents of the <text> elements of an SVG, bidi isolates removed."""
    import html

    svg = path.read_text(encoding="utf-8")
    return [html.unescape(t).strip("\u2067\u2069")
            for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]


@pytest.mark.skipif(not native_shaping(), reason="SVG keeps text only where matplotlib shapes")
def test_save_figure_png_svg_pdf(tmp_path):
    """PNG is inked, SVG holds logical Persian text, PDF keeps the characters, no pre-shaping.

    The PDF keeps each glyph's character (ToUnicode), but matplotlib writes the glyphs in
    visual order without /ActualText, so text copied from the PDF is not in logical order;
    only the presence of every letter, digit and mark is asserted there.
    """
    from pypdf import PdfReader

    paths = save_figure(labelled_figure(), "labels", formats=("png", "svg", "pdf"),
                        directory=tmp_path)
    assert [p.name for p in paths] == ["labels.png", "labels.svg", "labels.pdf"]

    image = mpimg.imread(paths[0])
    dark = (image[..., :3].mean(axis=2) < 0.5).mean()
    assert 0.001 < dark < 0.5

    texts = svg_texts(paths[1])
    for label in FIGURE_LABELS + ["برچسب‌ها"]:
        assert label in texts  # logical order, as typed, ZWNJ and ezafe hamza included
    assert not PRESENTATION_FORMS.search(paths[1].read_text(encoding="utf-8"))
    assert "\u2067ائتلاف جهانی برای شکست داعش\u2069" in paths[1].read_text(encoding="utf-8")

    pdf_text = "".join(page.extract_text() for page in PdfReader(paths[2]).pages)
    assert not PRESENTATION_FORMS.search(pdf_text)
    pdf_letters = {c for c in pdf_text if unicodedata.bidirectional(c) in {"AL", "AN", "NSM"}}
    label_letters = {c for c in "".join(FIGURE_LABELS)
                     if unicodedata.bidirectional(c) in {"AL", "AN", "NSM"}}
    assert label_letters <= pdf_letters


def test_save_figure_default_folder_and_determinism(tmp_path, monkeypatch):
    """Without a directory figures go to results/figures; re-saving gives the same bytes."""
    monkeypatch.setenv("PERSIAN_RESULTS_DIR", str(tmp_path / "results"))
    first = save_figure(labelled_figure(), "again")
    assert [p.parent for p in first] == [tmp_path / "results" / "figures"] * 2
    content = [p.read_bytes() for p in first]
    second = save_figure(labelled_figure(), "again")
    assert [p.read_bytes() for p in second] == content


def test_save_figure_rejects_bad_names(tmp_path):
    """A name with a folder or an extension, or an unknown format, is refused with advice."""
    with pytest.raises(ValueError, match="bare file name"):
        save_figure(labelled_figure(), "sub/x", directory=tmp_path)
    with pytest.raises(ValueError, match="bare file name"):
        save_figure(labelled_figure(), "x.png", directory=tmp_path)
    with pytest.raises(ValueError, match="png, svg"):
        save_figure(labelled_figure(), "x", formats=("jpg",), directory=tmp_path)


def test_setup_figures_is_idempotent_and_checks_input(tmp_path):
    """Calling setup twice changes nothing; a missing font file says what to do."""
    family = setup_figures()
    before = dict(mpl.rcParams)
    assert setup_figures() == family
    assert dict(mpl.rcParams) == before
    assert mpl.rcParams["text.language"] == "fa"
    assert mpl.rcParams["font.family"][0] == family
    assert "DejaVu Sans" in mpl.rcParams["font.family"]  # Latin fallback
    with pytest.raises(FileNotFoundError, match="ttf"):
        setup_figures(tmp_path / "nope.ttf")
    with pytest.raises(ValueError, match="size"):
        setup_figures(size="poster")


def test_setup_figures_takes_a_font_file(monkeypatch):
    """A font path (argument or PERSIAN_FONT) is registered and becomes the first family."""
    path = findfont(FontProperties(family="DejaVu Sans"))
    monkeypatch.setenv("PERSIAN_FONT", path)
    assert setup_figures() == "DejaVu Sans"
    assert figure_font().source == "PERSIAN_FONT"
    assert setup_figures(Path(path)) == "DejaVu Sans"
    assert figure_font().source == "argument" and figure_font().path == Path(path)


# -------------------------------------------------------------------- the shipped font


def draws_with(text: str) -> set[str]:
    """The font files the Agg renderer draws ``text`` with."""
    seen: set[str] = set()
    original = RendererAgg._draw_text_glyphs_and_boxes

    def spy(self, gc, x, y, angle, glyphs, boxes):
        glyphs = list(glyphs)
        seen.update(font.fname for font, *_rest in glyphs)
        return original(self, gc, x, y, angle, glyphs, boxes)

    RendererAgg._draw_text_glyphs_and_boxes = spy
    try:
        fig = Figure()
        fig.text(0.5, 0.5, fa(text))
        FigureCanvasAgg(fig).draw()
    finally:
        RendererAgg._draw_text_glyphs_and_boxes = original
    return {Path(f).resolve().as_posix() for f in seen}


def test_the_shipped_font_draws_persian_and_latin():
    """By default figures use the Noto Sans Arabic installed with the package, for Persian
    and for the Latin of glosses alike; DejaVu Sans stays behind it for anything it lacks."""
    shipped = shipped_font_path()
    assert shipped is not None and shipped.is_file()
    assert setup_figures() == "Noto Sans Arabic"
    chosen = figure_font()
    assert (chosen.source, chosen.path, chosen.latin) == ("package", shipped, True)
    assert mpl.rcParams["font.family"] == ["Noto Sans Arabic", "DejaVu Sans"]
    assert draws_with("داعش (ISIS) ۲۰۲۱") == {shipped.resolve().as_posix()}
    assert persian_fonts()["shipped"].iloc[0]  # listed first among the installed fonts


def test_the_shipped_font_wins_over_another_file_of_its_family(tmp_path):
    """A system Noto Sans Arabic (Debian's has no Latin letters) registered first does not
    take over: the file setup_figures chose is the one its family name finds."""
    from matplotlib import font_manager

    shipped = shipped_font_path()
    rival = tmp_path / "NotoSansArabic-Regular.ttf"
    rival.write_bytes(shipped.read_bytes())
    manager = font_manager.fontManager
    before = list(manager.ttflist)
    try:
        manager.addfont(str(rival))
        manager.ttflist.insert(0, manager.ttflist.pop())  # as if the system had it first
        assert setup_figures() == "Noto Sans Arabic"
        assert draws_with("شمال شرقی سوریه") == {shipped.resolve().as_posix()}
        assert setup_figures(rival) == "Noto Sans Arabic"  # and the other way round
        assert draws_with("شمال شرقی سوریه") == {rival.resolve().as_posix()}
    finally:
        manager.ttflist[:] = before
        manager.addfont(str(shipped))  # forgets cached look-ups (the rival's file is gone)
        del manager.ttflist[len(before):]
        setup_figures()
    assert draws_with("شمال شرقی سوریه") == {shipped.resolve().as_posix()}


def test_without_the_font_package_figures_warn_and_use_dejavu(monkeypatch):
    """If the font package is missing, set-up says so, with the command that fixes it."""
    from helpers import figures as module

    monkeypatch.setattr(module, "shipped_font_path", lambda: None)
    with pytest.warns(UserWarning, match="pip install fontpkg-noto-sans-arabic"):
        assert setup_figures() == "DejaVu Sans"
    assert figure_font().source == "fallback"


def test_a_font_without_persian_letters_is_flagged():
    """Choosing a Latin-only font (Computer Modern) warns that Persian will not join."""
    cmr = Path(mpl.get_data_path()) / "fonts" / "ttf" / "cmr10.ttf"
    with pytest.warns(UserWarning, match="has no پ چ ژ گ"):
        setup_figures(cmr)


def test_an_unknown_family_names_the_fonts_there_are():
    """A family that is not installed is refused with the Persian fonts that are."""
    with pytest.raises(ValueError, match="Noto Sans Arabic"):
        setup_figures("Nope Sans Persian")


def test_a_family_name_finds_its_file():
    """A family name works as well as a path (DejaVu Sans always ships with matplotlib)."""
    assert setup_figures("DejaVu Sans") == "DejaVu Sans"
    assert figure_font().source == "argument" and figure_font().path.is_file()


# ------------------------------------------------------------------ the digit policy


def test_format_number_follows_the_policy():
    """Persian digits and separators by default; Latin after setup_figures(digits='latin')."""
    assert format_number(1234) == "۱٬۲۳۴"
    assert format_number(2.5) == "۲٫۵۰"
    assert format_number(2.5, decimals=1) == "۲٫۵"
    assert format_number(1234, persian_digits=False) == "1,234"
    setup_figures(digits="latin")
    assert format_number(1234) == "1,234"
    assert format_number(1234, persian_digits=True) == "۱٬۲۳۴"
    with pytest.raises(ValueError, match="digits"):
        setup_figures(digits="arabic")


def test_every_figure_writes_digits_one_way():
    """Bar values and axes, heatmap cells, colour bar and paragraph numbers all follow the
    policy: Persian by default, Latin when asked, never a mixture."""
    persian = re.compile("[۰-۹٬٫]+")
    latin = re.compile("[0-9,.]+")
    per_paragraph = pd.DataFrame({
        "category": ["a", "a", "b", "b"], "label_fa": ["الف", "الف", "ب", "ب"],
        "label_en": ["A", "A", "B", "B"], "paragraph": [0, 1, 0, 1],
        "paragraph_no": [1, 2, 1, 2], "count": [3, 0, 1, 12],
    })
    for digits, pattern in (("persian", persian), ("latin", latin)):
        setup_figures(digits=digits)
        ax = bar_counts(COUNTS, label="place", value="n", ax=Figure().add_subplot())
        draw(ax)
        numbers = [t.get_text() for t in [*ax.texts, *ax.get_xticklabels()] if t.get_text()]
        ax = figures.heatmap(per_paragraph, ax=Figure().add_subplot())
        draw(ax)
        colorbar = ax.figure.axes[-1]
        numbers += [t.get_text() for t in [*ax.texts, *ax.get_xticklabels(),
                                           *colorbar.get_yticklabels()] if t.get_text()]
        assert numbers and all(pattern.fullmatch(n) for n in numbers), (digits, numbers)


def test_count_axes_have_whole_number_ticks():
    """Small counts get ticks 0, 1, 2, 3, not 0.5 or 2.5, on bars and on the colour bar."""
    setup_figures(digits="latin")
    small = pd.DataFrame({"place": ["a", "b"], "n": [3, 1]})
    ax = bar_counts(small, label="place", value="n", ax=Figure().add_subplot())
    draw(ax)
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert len(ticks) >= 2 and all(t.isdigit() for t in ticks), ticks
    grid = pd.DataFrame({"category": ["a", "a"], "label_fa": ["الف", "الف"], "label_en": ["A", "A"],
                         "paragraph_no": [1, 2], "count": [0, 3]})
    ax = figures.heatmap(grid, ax=Figure().add_subplot())
    draw(ax)
    ticks = [t.get_text() for t in ax.figure.axes[-1].get_yticklabels() if t.get_text()]
    assert len(ticks) >= 2 and all(t.isdigit() for t in ticks), ticks


# ------------------------------------------------- figures of any dictionary's tables


@pytest.fixture(scope="module")
def engine_mentions():
    """Mentions of the shipped foreign-policy dictionary in the seed, from the generic engine."""
    import helpers

    doc = helpers.load_document(SEED)
    return doc, helpers.find(doc, SEED.parent.parent / "themes" / "foreign_policy.yaml")


def test_bar_heatmap_and_dispersion_take_any_dictionary(engine_mentions):
    """The engine's tables draw directly: one bar per entry, a category x paragraph grid,
    one dispersion row per category (mentioned or not) or per entry."""
    import helpers
    from helpers.dictionary import dictionary_of

    doc, mentions = engine_mentions
    d = dictionary_of(mentions)
    by_key = helpers.counts(mentions, by="key")
    ax = figures.bar(by_key)
    assert len(ax.patches) == len(by_key) == len(d.entries)
    plt.close(ax.figure)
    per_paragraph = helpers.counts(mentions, per="paragraph")
    ax = figures.heatmap(per_paragraph)
    image = ax.images[0].get_array()
    assert image.shape == (len(d.categories), len(doc.paragraphs))
    assert image.sum() == per_paragraph["count"].sum()
    plt.close(ax.figure)
    ax = figures.dispersion(doc, mentions)
    assert len(ax.get_yticks()) == len(d.categories)
    assert len(ax.collections[0].get_offsets()) == (mentions["part"] == "body").sum()
    plt.close(ax.figure)
    ax = figures.dispersion(doc, mentions, by="key")
    assert len(ax.get_yticks()) == len(d.entries)
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="per='document'"):
        figures.bar(per_paragraph)


def test_theme_figures_are_the_generic_ones(engine_mentions):
    """theme_bar draws what bar draws from the same table (a thin wrapper, same signature)."""
    import helpers

    doc, _ = engine_mentions
    counts = helpers.theme_counts(helpers.find_themes(doc))
    one, two = helpers.theme_bar(counts), figures.bar(counts)
    assert [t.get_text() for t in one.get_yticklabels()] == [
        t.get_text() for t in two.get_yticklabels()]
    assert [p.get_width() for p in one.patches] == [p.get_width() for p in two.patches]
    plt.close(one.figure)
    plt.close(two.figure)


def test_recipe_comparison_figure_draws_without_tofu(tmp_path):
    """The docs figure draws every glyph (warnings are errors here) and is not blank."""
    fig = recipe_comparison_figure()
    out = tmp_path / "cmp.png"
    fig.savefig(out)
    image = mpimg.imread(out)
    assert (image[..., :3].mean(axis=2) < 0.5).mean() > 0.001
