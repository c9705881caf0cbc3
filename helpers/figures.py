"""Persian (Farsi) figures: labels that render correctly, a real Persian font, measured layout.

matplotlib >= 3.11 shapes Arabic script itself (bundled libraqm: bidi, joining, marks,
mirroring), so Persian strings must be handed over unchanged, in logical order. The old
``get_display(arabic_reshaper.reshape(s))`` recipe then draws them backwards. Only where
the running matplotlib cannot shape does :func:`fa` prepare the text itself.

The package ships its Persian font (Noto Sans Arabic, from the PyPI package
fontpkg-noto-sans-arabic), so figures look the same on every machine; :func:`setup_figures`
registers it, with DejaVu Sans after it for any glyph it lacks. Every figure helper sizes itself
from the measured extents of its labels in the chosen font (``helpers._figure_layout``), writes
numbers with one digit policy (Persian digits unless set otherwise) and puts integer ticks on
count axes.
"""

from __future__ import annotations

import functools
import html
import math
import os
import re
import textwrap
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.ticker import FuncFormatter, MaxNLocator

from helpers._figure_layout import (
    drawn_extents,
    fit_figure,
    line_spacing,
    new_figure,
    set_title,
    text_extents,
    wrap_to_width,
)
from helpers._paths import results_dir
from helpers.script import ARABIC_SCRIPT, LATIN_TO_PERSIAN_DIGITS, PRESENTATION_FORM

if TYPE_CHECKING:
    from helpers.document import Document

__all__ = [
    "PERSIAN_FONT_ENV",
    "FigureFont",
    "bar",
    "bar_counts",
    "dispersion",
    "fa",
    "figure_font",
    "format_number",
    "heatmap",
    "native_shaping",
    "persian_digit_formatter",
    "persian_digits",
    "persian_fonts",
    "recipe_comparison_figure",
    "rtl_legend",
    "save_figure",
    "setup_figures",
    "shipped_font_path",
    "theme_bar",
    "theme_dispersion",
    "theme_heatmap",
]

PERSIAN_FONT_ENV = "PERSIAN_FONT"
LATIN_FALLBACK = "DejaVu Sans"
SHIPPED_FAMILY = "Noto Sans Arabic"
SHIPPED_PACKAGE = "fontpkg-noto-sans-arabic"
SVG_HASHSALT = "helpers.figures"
DIGITS = ("persian", "latin")

_SIZES: dict[str, dict[str, Any]] = {
    "notebook": {"figure.figsize": (8.0, 5.0), "font.size": 11.0, "figure.dpi": 110,
                 "savefig.dpi": 200},
    "paper": {"figure.figsize": (6.4, 4.0), "font.size": 9.0, "figure.dpi": 110,
              "savefig.dpi": 300},
    "slides": {"figure.figsize": (12.0, 6.75), "font.size": 16.0, "figure.dpi": 100,
               "savefig.dpi": 150},
}

# Letters only Persian has (پ چ ژ گ) and its ک and ی: a font without them cannot set Persian.
_PERSIAN_LETTERS = "پچژگکی"
_RLI, _PDI = "\u2067", "\u2069"


# --------------------------------------------------------------------------- shaping


@functools.cache
def native_shaping() -> bool:
    """Whether the running matplotlib shapes Arabic script (joins letters, orders RTL)."""
    from matplotlib import ft2font

    if not getattr(ft2font, "__libraqm_version__", None):
        return False
    path = font_manager.findfont(FontProperties(family="DejaVu Sans"))
    font = ft2font.FT2Font(path)
    layout = getattr(font, "_layout", None)
    if layout is None:
        return False
    try:
        items = layout("بب", ft2font.LoadFlags.NO_HINTING)
    except (TypeError, ValueError):
        return False
    isolated = font.get_char_index(ord("ب"))
    # A shaping engine substitutes initial/final forms for two joined BEHs.
    return [item.glyph_index for item in items] != [isolated, isolated]


def fa(text: str, *, native: bool | None = None) -> str:
    """Return the string to give matplotlib for the logical Persian ``text``."""
    if not isinstance(text, str):
        raise TypeError(f"fa() takes a str, not {type(text).__name__}; convert it with str() first")
    if native is None:
        native = native_shaping()
    if native or not ARABIC_SCRIPT.search(text):
        return text
    path = _current_font_path()
    return "\n".join(_visual_line(line, path) for line in text.split("\n"))


def _visual_line(line: str, font_path: str) -> str:
    """Shape one logical line into presentation forms in visual (left-to-right) order."""
    from bidi.algorithm import get_display  # pure-Python UBA: mirrors brackets (rule L4)

    reshaper, charmap = _reshaper(font_path)
    # A presentation form the font lacks would be tofu; its base letter at least draws.
    shaped = "".join(
        unicodedata.normalize("NFKC", c) if PRESENTATION_FORM.match(c) and ord(c) not in charmap
        else c
        for c in reshaper.reshape(line)
    )
    # The reshaper already chose the non-joining forms around a ZWNJ; the bidi
    # algorithm then drops the ZWNJ itself (class BN, rule X9).
    return get_display(shaped)


@functools.cache
def _reshaper(font_path: str) -> tuple[Any, frozenset[int]]:
    """An ArabicReshaper set up for Persian with the given font, and the font's code points."""
    from arabic_reshaper import ArabicReshaper
    from arabic_reshaper.ligatures import LIGATURES
    from matplotlib import ft2font

    charmap = ft2font.FT2Font(font_path).get_charmap()
    config: dict[str, Any] = {name: False for name, _ in LIGATURES}
    # Only LAM-ALEF is a required ligature in Persian; shaping engines make the others
    # only on request, so enabling them would change what the reader sees.
    for name, (_match, forms) in LIGATURES:
        if name.startswith("ARABIC LIGATURE LAM WITH ALEF") and "MAKSURA" not in name:
            config[name] = all(ord(form) in charmap for form in forms if form)
    config.update(
        language="Arabic",
        delete_harakat=False,  # keeps the ezafe hamza U+0654 (خانهٔ) and other marks
        shift_harakat_position=False,
        delete_tatweel=False,
        support_zwj=True,
        support_ligatures=True,
        use_unshaped_instead_of_isolated=False,
    )
    return ArabicReshaper(configuration=config), frozenset(charmap)


def _current_font_path() -> str:
    """The file of the first family in ``font.family`` that matplotlib can find."""
    families = mpl.rcParams["font.family"]
    return font_manager.findfont(FontProperties(family=families))


# ----------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class FigureFont:
    """The font Persian text is drawn with: its family, its file, and why it was chosen.

    ``source`` is ``"package"`` (the shipped Noto Sans Arabic), ``"PERSIAN_FONT"`` (the
    environment variable), ``"argument"`` (``setup_figures(font=...)``), ``"fallback"``
    (DejaVu Sans, because the shipped font is missing) or ``"matplotlib"`` (no setup yet).
    ``latin`` says whether the font has Latin letters itself; if not, DejaVu Sans draws them.
    """

    family: str
    path: Path
    source: str
    latin: bool

    def __str__(self) -> str:
        return self.family


_STATE: dict[str, Any] = {"font": None, "digits": "persian"}


def shipped_font_path() -> Path | None:
    """The Noto Sans Arabic file installed with the package (None if it is missing)."""
    try:
        import fontpkg

        return Path(fontpkg.path(SHIPPED_FAMILY))
    except (ImportError, LookupError):  # fontpkg's FamilyNotInstalled is a LookupError
        return None


def _charmap(path: str | Path) -> frozenset[int]:
    from matplotlib import ft2font

    return frozenset(ft2font.FT2Font(str(path)).get_charmap())


def _real(path: str | Path) -> str:
    return os.path.realpath(str(path))


def _register_font(path: Path) -> str:
    """Register a font file with matplotlib and make it the one its family name finds."""
    if not path.is_file():
        raise FileNotFoundError(
            f"Font file {path} does not exist; pass the path of a .ttf/.otf file, "
            f"or unset {PERSIAN_FONT_ENV} to use the shipped {SHIPPED_FAMILY}"
        )
    resolved = _real(path)
    manager = font_manager.fontManager
    if not any(_real(entry.fname) == resolved for entry in manager.ttflist):
        manager.addfont(resolved)
    ours = [entry for entry in manager.ttflist if _real(entry.fname) == resolved]
    rest = [entry for entry in manager.ttflist if _real(entry.fname) != resolved]
    names = {entry.name for entry in ours}
    first = next(entry for entry in manager.ttflist if entry.name in names)
    if _real(first.fname) != resolved:
        # Another file with the same family name (a system copy of Noto Sans Arabic, say)
        # would win a tie in findfont; the chosen file goes first. addfont is the public way
        # to make matplotlib forget its cached look-ups; the entries it appends are dropped.
        manager.ttflist[:] = ours + rest
        size = len(manager.ttflist)
        manager.addfont(resolved)
        del manager.ttflist[size:]
    return ours[0].name


def _font_file(family: str) -> Path | None:
    """The regular file of an installed family, searched by name (None if there is none)."""
    for entry in font_manager.fontManager.ttflist:
        if entry.name == family and entry.style == "normal" and entry.weight in (400, "normal"):
            return Path(entry.fname)
    for path in font_manager.findSystemFonts():
        try:
            entry = font_manager.ttfFontProperty(_ft2font(path))
        except (OSError, RuntimeError, ValueError):
            continue
        if entry.name == family and entry.style == "normal":
            return Path(path)
    return None


def _ft2font(path: str) -> Any:
    from matplotlib import ft2font

    return ft2font.FT2Font(path)


def _choose_font(font: str | Path | None) -> FigureFont:
    """The font for ``font`` (a path, a family name, or None for PERSIAN_FONT or the shipped)."""
    source = "argument"
    font = font or None
    if font is None and os.environ.get(PERSIAN_FONT_ENV):
        font, source = os.environ[PERSIAN_FONT_ENV], PERSIAN_FONT_ENV
    if font is None:
        path = shipped_font_path()
        if path is None:
            warnings.warn(
                f"The Persian font package {SHIPPED_PACKAGE} is not installed, so figures use "
                f"{LATIN_FALLBACK}; reinstall the package (pip install -e .) or run "
                f"'pip install {SHIPPED_PACKAGE}'.", UserWarning, stacklevel=3)
            return FigureFont(LATIN_FALLBACK, Path(_default_file(LATIN_FALLBACK)), "fallback",
                              True)
        return _font_from_file(path, "package")
    if isinstance(font, Path) or Path(str(font)).suffix.lower() in {".ttf", ".otf", ".ttc"}:
        return _font_from_file(Path(font), source)
    path = _font_file(str(font))
    if path is None:
        known = ", ".join(sorted(set(persian_fonts()["family"])))
        raise ValueError(
            f"No font family named {font!r} is installed; pass the path of its .ttf file "
            f"instead, or one of the fonts here that can set Persian: {known}")
    return _font_from_file(path, source)


def _default_file(family: str) -> str:
    return font_manager.findfont(FontProperties(family=family))


def _font_from_file(path: Path, source: str) -> FigureFont:
    family = _register_font(path)
    charmap = _charmap(path)
    missing = [c for c in _PERSIAN_LETTERS if ord(c) not in charmap]
    if missing:
        warnings.warn(
            f"The font {family} ({path}) has no {' '.join(missing)}; those letters will come "
            f"from {LATIN_FALLBACK}, which breaks the joining of words. Choose a Persian font "
            "(helpers.figures.persian_fonts() lists the installed ones).", UserWarning,
            stacklevel=4)
    return FigureFont(family, path, source, all(ord(c) in charmap for c in "AZaz09()"))


def persian_fonts() -> pd.DataFrame:
    """Installed regular fonts that can set Persian: ``family, path, latin, shipped``."""
    shipped = shipped_font_path()
    paths = [str(shipped)] if shipped else []
    paths += [entry.fname for entry in font_manager.fontManager.ttflist]
    paths += font_manager.findSystemFonts()
    rows, seen = [], set()
    for path in paths:
        real = _real(path)
        if real in seen or Path(path).suffix.lower() not in {".ttf", ".otf"}:
            continue
        seen.add(real)
        try:
            entry = font_manager.ttfFontProperty(_ft2font(path))
            charmap = _charmap(path)
        except (OSError, RuntimeError, ValueError):
            continue
        if entry.style != "normal" or entry.weight not in (400, "normal") \
                or entry.name.startswith("Last Resort"):  # placeholder boxes for every letter
            continue
        if all(ord(c) in charmap for c in _PERSIAN_LETTERS):
            rows.append({"family": entry.name, "path": Path(path),
                         "latin": all(ord(c) in charmap for c in "AZaz09()"),
                         "shipped": shipped is not None and real == _real(shipped)})
    table = pd.DataFrame(rows, columns=["family", "path", "latin", "shipped"])
    return table.sort_values(["shipped", "family"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


def setup_figures(
    font: str | Path | None = None, *, size: str = "notebook", digits: str = "persian"
) -> str:
    """Set matplotlib up for Persian figures and return the font family used.

    The font is ``font`` (a family name or a .ttf/.otf path), else ``$PERSIAN_FONT``, else
    the shipped Noto Sans Arabic; :func:`figure_font` tells which file and why. ``digits``
    (``"persian"`` or ``"latin"``) is how every figure helper writes numbers.
    """
    if size not in _SIZES:
        raise ValueError(f"size must be one of {sorted(_SIZES)}, not {size!r}")
    if digits not in DIGITS:
        raise ValueError(f"digits must be one of {DIGITS}, not {digits!r}")
    chosen = _choose_font(font)
    family = chosen.family
    families = [family] if family == LATIN_FALLBACK else [family, LATIN_FALLBACK]
    mpl.rcParams.update(_SIZES[size])
    mpl.rcParams.update({
        "font.family": families,
        "text.language": "fa",
        "axes.unicode_minus": False,  # U+2212 is missing from several Persian fonts
        "svg.fonttype": "none" if native_shaping() else "path",
        "svg.hashsalt": SVG_HASHSALT,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "figure.constrained_layout.use": True,
        # Unhinted glyphs have the same advance at every resolution, so a figure laid out on
        # screen keeps its layout in a 200-dpi PNG, an SVG or a PDF (and matches HarfBuzz).
        "text.hinting": "no_hinting",
        # Arabic-script glyphs can ink past their advance width at a line's start (its right
        # edge), which the layout does not measure; a wider pad keeps them off the figure edge.
        "figure.constrained_layout.w_pad": 0.12,
    })
    _STATE.update(font=chosen, digits=digits)
    return family


def figure_font() -> FigureFont:
    """The font :func:`setup_figures` chose (or matplotlib's own before any set-up)."""
    chosen = _STATE["font"]
    if chosen is not None and mpl.rcParams["font.family"][0] == chosen.family:
        return chosen
    family = mpl.rcParams["font.family"][0]
    path = Path(_default_file(family))
    charmap = _charmap(path)
    return FigureFont(family, path, "matplotlib", all(ord(c) in charmap for c in "AZaz09()"))


# ----------------------------------------------------------------------------- digits


def persian_digits(s: object) -> str:
    """Replace Latin digits 0-9 in ``s`` with Persian digits ۰-۹."""
    return str(s).translate(LATIN_TO_PERSIAN_DIGITS)


def _persian_number(text: str) -> str:
    """Persian digits with the Persian decimal (٫) and thousands (٬) separators."""
    return persian_digits(text.replace(",", "\u066c").replace(".", "\u066b"))


def _use_persian(flag: bool | None) -> bool:
    """A figure's digit choice: its own flag, else the policy set by setup_figures(digits=)."""
    return _STATE["digits"] == "persian" if flag is None else bool(flag)


def format_number(x: float, *, persian_digits: bool | None = None, decimals: int | None = None
                  ) -> str:
    """``x`` as figures write it: thousands separated, whole numbers without decimals, and
    Persian digits and separators (٬ ٫) unless the digit policy or ``persian_digits`` says no."""
    x = float(x)
    if decimals is None:
        decimals = 0 if x.is_integer() else 2
    text = f"{x:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0"
    return _persian_number(text) if _use_persian(persian_digits) else text


def persian_digit_formatter(fmt: str = "{x:,.0f}") -> FuncFormatter:
    """A tick formatter that writes numbers with Persian digits (``fmt`` as for str.format)."""
    return FuncFormatter(lambda x, _pos: _persian_number(fmt.format(x=x)))


def _number_formatter(persian: bool, decimals: int | None = 0) -> FuncFormatter:
    """Tick labels as :func:`format_number` writes them."""
    return FuncFormatter(
        lambda x, _pos: format_number(x, persian_digits=persian, decimals=decimals))


def _count_axis(axis: Any, persian: bool) -> None:
    """Whole-number ticks written with the figure's digits (for axes of counts)."""
    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10], integer=True,
                                       min_n_ticks=2))
    axis.set_major_formatter(_number_formatter(persian, 0))


# ----------------------------------------------------------------------------- charts


def rtl_legend(ax: Any, **kwargs: Any) -> Any:
    """Draw a right-to-left legend: Persian labels and title, marker after the text."""
    handles = kwargs.pop("handles", None)
    labels = kwargs.pop("labels", None)
    if handles is None or labels is None:
        found_handles, found_labels = ax.get_legend_handles_labels()
        handles = found_handles if handles is None else handles
        labels = found_labels if labels is None else labels
    if not handles:
        raise ValueError("The axes have no labelled artists; pass label=... when plotting "
                         "or give handles= and labels= to rtl_legend")
    title = kwargs.pop("title", None)
    kwargs.setdefault("markerfirst", False)
    kwargs.setdefault("alignment", "right")
    return ax.legend(handles, [fa(str(label)) for label in labels],
                     title=fa(title) if title else None, **kwargs)


def _inches(points: float) -> float:
    return points / 72


def _font_points(size: Any = None) -> float:
    """A font size ('small', 11, None for the default) in points."""
    return FontProperties(size=size).get_size_in_points()


def _row_gap(size: Any = None) -> float:
    """Space between the labels of two rows, in inches: 0.6 of the font size."""
    return _inches(0.6 * _font_points(size))


def _set_title(ax: Any, title: str, *, rtl: bool, wrap: int | None = None,
               measured: bool = False, pad: float | None = None) -> Any:
    """A title broken after ``wrap`` characters and wherever it would run off the figure."""
    return set_title(ax, _wrap(title, wrap), fa, rtl=rtl, measured=measured, pad=pad)


def _room_for_values(ax: Any, values: np.ndarray, rtl: bool) -> None:
    """Set the value axis so that the labels at the ends of the bars fit inside the axes."""
    top = float(np.nanmax(values)) if len(values) else 0.0
    top = top if top > 0 else 1.0
    widest = max((box.width for box in drawn_extents(ax.texts)), default=0.0)
    room = ax.bbox.width - widest - 3 * ax.figure.dpi / 72 - 4
    limit = top * ax.bbox.width / max(room, 0.3 * ax.bbox.width)
    limit = max(limit, top * 1.04)
    ax.set_xlim((limit, 0) if rtl else (0, limit))


def bar_counts(
    data: Any,
    *,
    label: str,
    value: str,
    gloss: str | None = None,
    ax: Any = None,
    title: str | None = None,
    xlabel: str | None = None,
    persian_digits: bool | None = None,
    rtl: bool = True,
    color: Any = None,
    top: int | None = None,
    gloss_below: bool = False,
    wrap: int | None = 40,
) -> Any:
    """Horizontal bar chart of counts per Persian category, largest at the top.

    Labels longer than ``wrap`` characters are broken between words (a long gloss goes on its
    own line), and so is a title more than half as long again, and any title wider than the
    figure; ``wrap=None`` keeps every label on one line. Without ``ax`` the figure is sized
    from the measured labels: each row as tall as its tallest label plus a gap, the value axis
    wide enough for the numbers at the ends of the bars. Counts get whole-number ticks; digits
    follow ``persian_digits`` or the policy of :func:`setup_figures`.
    """
    for column in (label, value, gloss):
        if column is not None and column not in data.columns:
            raise KeyError(
                f"Column {column!r} is not in the data; columns are {list(data.columns)}"
            )
    keys = [label] if gloss is None else [label, gloss]
    counts = (data.groupby(keys, sort=False, dropna=False)[value].sum()
              .reset_index().sort_values(value, ascending=False, kind="stable"))
    if top is not None:
        if top < 1:
            raise ValueError(f"top must be a positive number of bars, not {top}")
        counts = counts.head(top)
    if counts.empty:
        raise ValueError("No rows to plot; check the data frame is not empty")

    texts = [fa(_category_label(str(row[label]), None if gloss is None else row[gloss],
                                gloss_below, wrap)) for _, row in counts.iterrows()]
    persian = _use_persian(persian_digits)
    n = len(counts)
    made = ax is None
    if made:
        pitch = max(h for _, h in text_extents(texts)) + _row_gap()
        ax = new_figure(mpl.rcParams["figure.figsize"][0], 1.6 + pitch * (n + 0.2))[1]
    fig = ax.figure
    values = counts[value].to_numpy(dtype=float)
    positions = list(range(n - 1, -1, -1))  # largest value at the top
    bars = ax.barh(positions, values, height=0.7, color=color or "C0")
    ax.set_yticks(positions, texts, linespacing=line_spacing(lines=texts))
    ax.set_ylim(-0.6, n - 0.4)
    if rtl:
        ax.invert_xaxis()  # before bar_label, which reads the direction when called
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")
        ax.spines[["left", "top"]].set_visible(False)
    else:
        ax.spines[["right", "top"]].set_visible(False)
    for note in ax.bar_label(bars, padding=3, linespacing=line_spacing(),
                             labels=[fa(format_number(v, persian_digits=persian))
                                     for v in values]):
        # A zero's label sits on the axis line, still drawn, and on the bars' side of it.
        note.set_annotation_clip(False)
        note.set_horizontalalignment("right" if rtl else "left")
    if all(float(v).is_integer() for v in values):
        _count_axis(ax.xaxis, persian)
    else:
        ax.xaxis.set_major_formatter(_number_formatter(persian, None))
    if xlabel:
        ax.set_xlabel(fa(xlabel), loc="right" if rtl else "left", linespacing=line_spacing())
    if title:
        _set_title(ax, title, rtl=rtl, wrap=3 * wrap // 2 if wrap else None)

    def needed() -> tuple[float, float]:
        _room_for_values(ax, values, rtl)
        if title:
            _set_title(ax, title, rtl=rtl, wrap=3 * wrap // 2 if wrap else None, measured=True)
        tallest = max(box.height for box in drawn_extents(ax.get_yticklabels()))
        span = n + 0.2
        pitch = ax.bbox.height / span
        dh = (tallest + _row_gap() * fig.dpi - pitch) * span / fig.dpi
        narrowest = max(2.2, 0.35 * fig.get_figwidth()) * fig.dpi
        return max(0.0, narrowest - ax.bbox.width) / fig.dpi, dh

    if made:
        fit_figure(fig, needed)
    else:
        fig.draw_without_rendering()
    _room_for_values(ax, values, rtl)
    return ax


def _wrap(text: str, width: int | None) -> str:
    """``text`` broken between words into lines of at most ``width`` characters (if given)."""
    if not width or len(text) <= width:
        return text
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False))


def _category_label(text: str, gloss: Any, below: bool, wrap: int | None = None) -> str:
    """``text`` with its English gloss in brackets or on lines below, wrapped to ``wrap``."""
    if gloss is None or (isinstance(gloss, float) and gloss != gloss) or str(gloss) == "":
        return _wrap(text, wrap)
    gloss = str(gloss)
    if not below and (not wrap or len(text) + len(gloss) + 3 <= wrap):
        return f"{text} ({gloss})"
    return f"{_wrap(text, wrap)}\n{_wrap(gloss, wrap)}"


# ------------------------------------------------------- figures of any dictionary's counts

# The columns naming a count table's rows, engine tables first, then theme tables.
_ROW_KEYS = (("category", "key"), ("theme", "subtheme"))


def _row_keys(table: pd.DataFrame) -> list[str]:
    """The columns that identify a row (category, entry) of a count or mention table."""
    for keys in _ROW_KEYS:
        present = [c for c in keys if c in table.columns]
        if present:
            return present
    return ["label_fa"]


def _axis_label(fa_label: str, en_label: Any, gloss: bool) -> str:
    if gloss and isinstance(en_label, str) and en_label:
        return f"{fa_label} ({en_label})"
    return fa_label


def bar(
    counts: pd.DataFrame,
    *,
    value: str = "count",
    gloss: bool = True,
    ax: Any = None,
    title: str | None = None,
    xlabel: str | None = None,
    persian_digits: bool | None = None,
    rtl: bool = True,
    gloss_below: bool = True,
    top: int | None = None,
) -> Any:
    """Horizontal bars of a count table from :func:`helpers.counts` (per document): Persian
    labels, English glosses below them, largest at the top, sized to the labels."""
    for column in ("label_fa", "label_en", value):
        if column not in counts.columns:
            raise KeyError(f"counts lacks {column!r}: pass the table from helpers.counts() "
                           "or theme_counts().")
    if "paragraph" in counts.columns:
        raise ValueError("bar() wants counts per document; use per='document'.")
    return bar_counts(
        counts, label="label_fa", value=value, gloss="label_en" if gloss else None, ax=ax,
        title=title, xlabel=xlabel, persian_digits=persian_digits, rtl=rtl,
        gloss_below=gloss_below, top=top,
    )


def theme_bar(
    counts: pd.DataFrame,
    *,
    value: str = "count",
    gloss: bool = True,
    ax: Any = None,
    title: str | None = None,
    xlabel: str | None = None,
    persian_digits: bool | None = None,
    rtl: bool = True,
    gloss_below: bool = True,
) -> Any:
    """Horizontal bars of theme counts (from theme_counts): Persian labels, English glosses."""
    if "paragraph" in counts.columns:
        raise ValueError("theme_bar() wants counts per document; use per='document'.")
    return bar(counts, value=value, gloss=gloss, ax=ax, title=title, xlabel=xlabel,
               persian_digits=persian_digits, rtl=rtl, gloss_below=gloss_below)


def heatmap(
    counts_by_paragraph: pd.DataFrame,
    *,
    value: str = "count",
    ax: Any = None,
    gloss: bool = False,
    persian_digits: bool | None = None,
    rtl: bool = True,
    cmap: str = "Blues",
    annotate: bool = True,
    title: str | None = None,
) -> Any:
    """Category x paragraph heatmap of a count table from ``helpers.counts(per='paragraph')``.

    Rows in the table's (dictionary) order, paragraph 1 at the right if ``rtl``. Without ``ax``
    the cells are sized to what they hold: as wide as the widest number or paragraph label and
    as tall as the row labels; with ``annotate=False`` cells can be narrow and only every
    k-th paragraph is numbered, k measured so that the numbers do not touch.
    """
    table = counts_by_paragraph
    needed_columns = ("paragraph_no", "label_fa", value)
    missing = [c for c in needed_columns if c not in table.columns]
    if missing:
        raise KeyError(f"counts lack {missing}: pass counts(..., per='paragraph') or "
                       "theme_counts(..., per='paragraph').")
    group = _row_keys(table)
    order = list(dict.fromkeys(table[group].itertuples(index=False, name=None)))
    grid = table.pivot_table(index=group, columns="paragraph_no", values=value,
                             aggfunc="sum", fill_value=0, sort=False)
    labels = table.drop_duplicates(group).set_index(group)
    if len(group) == 1:
        order = [k[0] for k in order]
    grid, labels = grid.reindex(order), labels.loc[order]
    en = labels["label_en"] if "label_en" in labels.columns else [None] * len(labels)
    names = [fa(_axis_label(f, e, gloss)) for f, e in zip(labels["label_fa"], en, strict=True)]
    data = grid.to_numpy(dtype=float)
    persian = _use_persian(persian_digits)
    counting = value == "count"
    numbers = [fa(format_number(n, persian_digits=persian)) for n in grid.columns]
    cells = {(r, c): fa(format_number(v, persian_digits=persian, decimals=0 if counting else 1))
             for (r, c), v in np.ndenumerate(data) if v != 0 and annotate}
    made = ax is None
    if made:
        size = text_extents(names or ["x"])
        width = mpl.rcParams["figure.figsize"][0]
        ax = new_figure(width, 1.8 + (max(h for _, h in size) + _row_gap()) * len(names))[1]
    fig = ax.figure
    image = ax.imshow(data, aspect="auto", cmap=cmap, vmin=0)
    ax.set_xticks(range(len(numbers)), numbers)
    ax.set_yticks(range(len(names)), names, linespacing=line_spacing(lines=names))
    ax.tick_params(length=0)
    top = data.max() if data.size else 0
    for (r, c), text in cells.items():
        # Empty cells stay blank: easier to see where a category is.
        ax.text(c, r, text, ha="center", va="center", fontsize="small",
                linespacing=line_spacing("small"),
                color="white" if top and data[r, c] > 0.6 * top else "#222")
    colorbar = fig.colorbar(image, ax=ax, location="left" if rtl else "right", shrink=0.8)
    what = "تعداد اشاره‌ها" if counting else (
        f"در هر {format_number(1000, persian_digits=persian)} واژه")
    colorbar.set_label(fa(what), linespacing=line_spacing())
    if counting:
        _count_axis(colorbar.ax.yaxis, persian)
    else:
        colorbar.ax.yaxis.set_major_formatter(_number_formatter(persian, None))
    ax.set_xlabel(fa("بند (پاراگراف)"))
    if rtl:
        ax.invert_xaxis()
        ax.yaxis.tick_right()
    if title:
        _set_title(ax, title, rtl=rtl)

    rows, columns = data.shape

    def needed() -> tuple[float, float]:
        if title:
            _set_title(ax, title, rtl=rtl, measured=True)
        dpi = fig.dpi
        pad = 0.5 * _font_points() * dpi / 72
        inner = drawn_extents(ax.texts)
        ticks = drawn_extents(ax.get_xticklabels()) if annotate else []
        row_labels = drawn_extents(ax.get_yticklabels())
        need_w = max([b.width for b in inner + ticks] + [0.12 * dpi - pad]) + pad
        need_h = max(b.height for b in inner + row_labels) + 0.6 * pad
        if annotate:  # cells no narrower than tall, the grid at least 45% of a figure's width
            wide = 0.45 * mpl.rcParams["figure.figsize"][0] * dpi / max(columns, 1)
            need_w = max(need_w, 1.3 * need_h, wide)
        dw = (need_w - ax.bbox.width / max(columns, 1)) * columns / dpi
        dh = (need_h - ax.bbox.height / max(rows, 1)) * rows / dpi
        return dw, max(dh, _overflow(fig)[1])

    if made:
        fit_figure(fig, needed)
    else:
        fig.draw_without_rendering()
    if not annotate:
        _thin_ticks(ax, numbers)
    return ax


def _overflow(fig: Figure) -> tuple[float, float]:
    """How many inches what the figure draws reaches beyond its width and height."""
    box = fig.get_tightbbox()
    width, height = fig.get_size_inches()
    return (max(0.0, -box.x0) + max(0.0, box.x1 - width),
            max(0.0, -box.y0) + max(0.0, box.y1 - height))


def _thin_ticks(ax: Any, numbers: list[str]) -> None:
    """Keep every k-th column label, k the smallest step at which they do not touch."""
    ax.figure.draw_without_rendering()
    widest = max((b.width for b in drawn_extents(ax.get_xticklabels())), default=0.0)
    cell = ax.bbox.width / max(len(numbers), 1)
    step = max(1, math.ceil((widest + 0.5 * _font_points() * ax.figure.dpi / 72) / cell))
    if step > 1:
        keep = list(range(0, len(numbers), step))
        ax.set_xticks(keep, [numbers[i] for i in keep])


def theme_heatmap(
    counts_by_paragraph: pd.DataFrame,
    *,
    value: str = "count",
    ax: Any = None,
    gloss: bool = False,
    persian_digits: bool | None = None,
    rtl: bool = True,
    cmap: str = "Blues",
    annotate: bool = True,
    title: str | None = None,
) -> Any:
    """Theme x paragraph heatmap: rows in dictionary order, paragraph 1 at the right if rtl."""
    needed_columns = ("paragraph_no", "label_fa", value)
    missing = [c for c in needed_columns if c not in counts_by_paragraph.columns]
    if missing:
        raise KeyError(f"counts lack {missing}: pass theme_counts(..., per='paragraph').")
    return heatmap(counts_by_paragraph, value=value, ax=ax, gloss=gloss,
                   persian_digits=persian_digits, rtl=rtl, cmap=cmap, annotate=annotate,
                   title=title)


# Rows of a dispersion plot: what ``by`` means in an engine table and in a theme table.
_DISPERSION_BY = {"category": ("category",), "key": ("category", "key"),
                  "theme": ("theme",), "subtheme": ("theme", "subtheme")}


def _dispersion_rows(mentions: pd.DataFrame, by: str, d: Any = None) -> pd.DataFrame:
    """One row per category (or entry) to draw, in dictionary order, with label_fa/label_en.

    Every category of the mentions' dictionary is a row, mentioned or not; a table that does
    not say its dictionary gives the rows it holds, in order of first mention.
    """
    from helpers.dictionary import count_keys, dictionary_of

    group = list(_DISPERSION_BY[by])
    engine = "category" in group
    d = d if d is not None else dictionary_of(mentions)
    if d is not None:
        keys = count_keys(d, "category" if len(group) == 1 else "key")
        if not engine:
            keys = keys.rename(columns={"category": "theme", "key": "subtheme"})
        return keys
    if len(group) == 1:
        labels = {"category": ("category_fa", "category_en"),
                  "theme": ("theme_fa", "theme_en")}[group[0]]
        present = [c for c in labels if c in mentions.columns]
        keys = mentions.drop_duplicates(group)[group + present]
        return keys.rename(columns=dict(zip(present, ("label_fa", "label_en")[:len(present)],
                                            strict=True)))
    return mentions.drop_duplicates(group)[group + ["label_fa", "label_en"]]


def dispersion(
    doc: Document,
    mentions: pd.DataFrame,
    *,
    by: str = "category",
    relative: bool = False,
    rtl: bool = True,
    gloss: bool = False,
    persian_digits: bool | None = None,
    ax: Any = None,
    title: str | None = None,
    dictionary: Any = None,
) -> Any:
    """Lexical dispersion ("x-ray") plot: where each category's mentions fall in the text.

    Takes ``doc`` and its mention table from :func:`helpers.find` (or a theme table, with
    ``by="theme"``/``"subtheme"``); ``by="key"`` gives a row per entry. x is the word offset
    of each mention (or its relative position, 0 to 1) in the body; paragraph starts are
    dashed lines numbered at the top (numbers that would touch are set on a second tier).
    With ``rtl`` the text runs right to left, as on the Persian page: the first word is at the
    right. The rows are every category (or entry) of ``dictionary``, by default the one the
    mentions were found with.
    """
    if by not in _DISPERSION_BY:
        raise ValueError(f"by must be one of {', '.join(_DISPERSION_BY)}, not {by!r}.")
    group = list(_DISPERSION_BY[by])
    missing = [c for c in [*group, "part", "first_token"] if c not in mentions.columns]
    if missing:
        raise KeyError(f"mentions lack {missing}: pass the table from helpers.find() "
                       "(or find_themes() with by='theme').")
    keys = _dispersion_rows(mentions, by, dictionary)
    tokens = doc.tokens
    words = (tokens["kind"] == "word").to_numpy()
    in_body = (tokens["part"] == "body").to_numpy()
    ordinal = np.cumsum(words & in_body) - 1  # word offset of each token within the body
    n_words = int((words & in_body).sum())
    body = mentions[mentions["part"] == "body"]
    x = ordinal[body["first_token"].to_numpy(dtype=np.int64)].astype(float)
    first_word = ordinal[np.searchsorted(tokens["start"].to_numpy(), doc.paragraphs["start"])]
    scale = float(max(n_words, 1)) if relative else 1.0
    names = [fa(_axis_label(f, e, gloss)) for f, e in zip(keys["label_fa"], keys["label_en"],
                                                          strict=True)]
    marker = 13.0  # points: the height of a mention's tick mark
    made = ax is None
    if made:
        tallest = max(h for _, h in text_extents(names or ["x"]))
        pitch = max(tallest, _inches(marker)) + _row_gap()
        width = max(mpl.rcParams["figure.figsize"][0], 8.0)
        ax = new_figure(width, 2.0 + pitch * len(names))[1]
    fig = ax.figure
    rows = {tuple(k): i for i, k in enumerate(keys[group].itertuples(index=False, name=None))}
    y = np.array([rows[tuple(k)] for k in body[group].itertuples(index=False, name=None)],
                 dtype=float)
    colors = [f"C{int(i) % 10}" for i in y]
    ax.scatter(x / scale, y, marker="|", s=marker ** 2, linewidths=1.6, c=colors)
    persian = _use_persian(persian_digits)
    numbers = []
    for number, start in enumerate(first_word, 1):
        ax.axvline(start / scale, color="#999", lw=0.8, ls="--", zorder=0)
        numbers.append(ax.annotate(
            fa(format_number(number, persian_digits=persian)), (start / scale, 1.0),
            xycoords=("data", "axes fraction"), xytext=(-3 if rtl else 3, 2),
            textcoords="offset points", fontsize="small", ha="right" if rtl else "left",
            va="bottom", color="#555"))
    ax.set_yticks(range(len(names)), names, linespacing=line_spacing(lines=names))
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(0, n_words / scale)
    if relative:
        ax.set_xlabel(fa("جایگاه نسبی در متن"))
        ax.xaxis.set_major_formatter(_number_formatter(persian, 1))
    else:
        ax.set_xlabel(fa("شمارهٔ واژه در متن (خطوط‌چین: آغاز هر بند)"))
        _count_axis(ax.xaxis, persian)
    ax.grid(axis="y", color="#eee", lw=0.6)
    ax.set_axisbelow(True)
    if rtl:
        ax.invert_xaxis()
        ax.yaxis.tick_right()
    ax.spines[["top", "left" if rtl else "right"]].set_visible(False)
    heading = _set_title(ax, title, rtl=rtl) if title else None

    title_pad = [mpl.rcParams["axes.titlepad"]]

    def needed() -> tuple[float, float]:
        _stack_labels(numbers, rtl)
        dpi = fig.dpi
        if heading is not None:
            # The title must clear the paragraph numbers' top by a small gap.
            fig.draw_without_rendering()
            top = max(b.y1 for b in drawn_extents(numbers))
            bottom = heading.get_window_extent().y0
            title_pad[0] += (top + 3 * dpi / 72 - bottom) * 72 / dpi
            _set_title(ax, title, rtl=rtl, measured=True, pad=title_pad[0])
        tallest = max(b.height for b in drawn_extents(ax.get_yticklabels()))
        need = max(tallest, marker * dpi / 72) + _row_gap() * dpi
        count = max(len(names), 1)
        return 0.0, max((need - ax.bbox.height / count) * count / dpi, _overflow(fig)[1])

    if made:
        fit_figure(fig, needed)
    else:
        fig.draw_without_rendering()
        needed()
    return ax


def _stack_labels(labels: list[Any], rtl: bool) -> int:
    """Raise paragraph numbers that would touch the one before onto higher tiers; returns
    the number of tiers used."""
    if not labels:
        return 0
    fig = labels[0].figure
    fig.draw_without_rendering()
    step = max(b.height for b in drawn_extents(labels)) * 72 / fig.dpi + 1
    ends: list[float] = []  # per tier, the edge of the last label on it
    for label in labels:
        label.xyann = (label.xyann[0], 2)
        box = label.get_window_extent()
        start, end = (box.x1, box.x0) if rtl else (box.x0, box.x1)
        gap = 2 * fig.dpi / 72
        for tier, edge in enumerate(ends):
            if (start <= edge - gap) if rtl else (start >= edge + gap):
                ends[tier] = end
                break
        else:
            tier = len(ends)
            ends.append(end)
        label.xyann = (label.xyann[0], 2 + tier * step)
    return len(ends)


def theme_dispersion(
    doc: Document,
    mentions: pd.DataFrame,
    *,
    by: str = "theme",
    relative: bool = False,
    rtl: bool = True,
    gloss: bool = False,
    persian_digits: bool | None = None,
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """Lexical dispersion ("x-ray") plot: where each theme's mentions fall in the text.

    x is the word offset of each mention (or its relative position, 0 to 1) in the body;
    paragraph starts are dashed lines labelled with their number. With ``rtl`` the text runs
    right to left, as on the Persian page: the first word is at the right.
    """
    if by not in ("theme", "subtheme"):
        raise ValueError(f"by must be 'theme' or 'subtheme', not {by!r}.")
    from helpers.dictionary import dictionary_of
    from helpers.themes import load_themes

    # A theme table that does not name its dictionary has the shipped theme dictionary's rows.
    d = None if dictionary_of(mentions) is not None else load_themes().dictionary
    return dispersion(doc, mentions, by=by, relative=relative, rtl=rtl, gloss=gloss,
                      persian_digits=persian_digits, ax=ax, title=title, dictionary=d)


# ----------------------------------------------------------------------------- saving


def save_figure(
    fig: Figure,
    name: str,
    *,
    formats: Sequence[str] = ("png", "svg"),
    directory: str | Path | None = None,
) -> list[Path]:
    """Write ``fig`` as ``name``.<format> into results/figures and return the paths."""
    if not name or Path(name).name != name or Path(name).suffix.lstrip(".") in formats:
        raise ValueError(f"name must be a bare file name without folder or extension, not {name!r}")
    unknown = set(formats) - {"png", "svg", "pdf"}
    if unknown:
        raise ValueError(f"Unsupported formats {sorted(unknown)}; use png, svg and/or pdf")
    folder = Path(directory) if directory is not None else results_dir() / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    native = native_shaping()
    metadata = {"png": {"Software": None}, "svg": {"Date": None},
                "pdf": {"CreationDate": None, "ModDate": None}}
    rc = {
        # Text kept as <text> only when it is logical Unicode a browser can shape again.
        "svg.fonttype": "none" if native else "path",
        "svg.hashsalt": SVG_HASHSALT,
        "pdf.fonttype": 42,
    }
    paths = []
    with mpl.rc_context(rc):
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, metadata=metadata[fmt])
            if fmt == "svg" and native:
                _isolate_rtl_svg_text(path)
            paths.append(path)
    return paths


_SVG_TEXT = re.compile(r"(<text\b[^>]*>)([^<]*)(</text>)")


def _isolate_rtl_svg_text(path: Path) -> None:
    """Wrap right-to-left <text> content in RLI..PDI so browsers order it like matplotlib."""
    # matplotlib picks each string's base direction from its first strong character; an
    # SVG viewer assumes left-to-right, which would misplace "(ISIS)" in «داعش (ISIS)».
    def wrap(match: re.Match[str]) -> str:
        content = html.unescape(match.group(2))
        if _first_strong_is_rtl(content):
            return f"{match.group(1)}{_RLI}{match.group(2)}{_PDI}{match.group(3)}"
        return match.group(0)

    svg = path.read_text(encoding="utf-8")
    path.write_text(_SVG_TEXT.sub(wrap, svg), encoding="utf-8")


def _first_strong_is_rtl(text: str) -> bool:
    """Whether the first strongly directional character of ``text`` is right-to-left."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in {"R", "AL"}:
            return True
        if kind == "L":
            return False
    return False


# ------------------------------------------------------------------ recipe comparison

SEED_PHRASES: tuple[str, ...] = (
    "ائتلاف جهانی برای شکست داعش",
    "قطعنامه ۲۲۵۴ شورای امنیت سازمان ملل متحد",
    "شمال شرقی سوریه",
    "خانهٔ امن",
    "«داعش (ISIS)»",
    "آنها می‌شوند",
)


def _old_recipe(text: str) -> str:
    """The widespread pre-3.11 recipe: default arabic-reshaper, then python-bidi."""
    import arabic_reshaper
    from bidi import get_display

    return get_display(arabic_reshaper.reshape(text))


def recipe_comparison_figure(phrases: Iterable[str] = SEED_PHRASES) -> Figure:
    """A figure contrasting the old reshape+bidi recipe with fa() on this matplotlib.

    Laid out in inches from the measured size of every text: two columns as wide as their
    widest phrase, rows as tall as their tallest, the captions wrapped to the figure's width.
    """
    phrases = list(phrases)
    old_ok = "✗" if native_shaping() else "✓"
    heads = [
        (f"{old_ok} get_display(arabic_reshaper.reshape(s))",
         fa("روش قدیمی: وارونه روی matplotlib " + mpl.__version__)),
        ("✓ fa(s)", fa("روش درست: متن منطقی، شکل‌دهی با matplotlib")),
    ]
    old = [_old_recipe(p) for p in phrases]
    new = [fa(p) for p in phrases]
    pad = 0.25  # inches around each column's widest text
    code = {"fontweight": "bold", "fontfamily": LATIN_FALLBACK}  # Latin code: DejaVu has bold
    bold = text_extents([h for h, _ in heads], 11, **code)
    sub = text_extents([h for _, h in heads], 10)
    rows_old, rows_new = text_extents(old, 14), text_extents(new, 14)
    columns = [max(w for w, _ in group) + 2 * pad
               for group in ([bold[0], sub[0], *rows_old], [bold[1], sub[1], *rows_new])]
    width = sum(columns)
    caption = wrap_to_width(
        f"matplotlib {mpl.__version__} shapes Arabic script itself, so pre-shaped, pre-reversed "
        "text is reversed a second time (and the default reshaper drops the ezafe hamza of "
        "«خانهٔ»).",
        width - 2 * pad, 9)
    note = wrap_to_width(fa("از نسخهٔ ۳٫۱۱، matplotlib خودش حروف فارسی را می‌چسباند؛ "
                            "متن را همان‌طور که هست بدهید."), width - 2 * pad, 10)
    gap = _row_gap(10)
    head_h = [max(bold[0][1], bold[1][1]), max(sub[0][1], sub[1][1])]
    row_h = [max(a[1], b[1]) + 2 * gap for a, b in zip(rows_old, rows_new, strict=True)]
    foot = text_extents([caption], 9)[0][1], text_extents([note], 10)[0][1]
    between = 0.4 * gap  # heading and its Persian line
    height = (2 * gap + sum(head_h) + between + 2 * gap + sum(row_h) + gap + foot[0] + gap
              + foot[1] + gap)

    fig = Figure(figsize=(width, height))
    # Laid out by hand: an explicit no-op engine, since a figure without one takes rcParams'
    # constrained layout back after its first savefig.
    fig.set_layout_engine(PlaceHolderLayoutEngine(adjust_compatible=True,
                                                  colorbar_gridspec=True))
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)  # inches from the top
    centres = [columns[0] / 2, columns[0] + columns[1] / 2]
    y = 2 * gap + head_h[0] / 2
    for x, (head, _) in zip(centres, heads, strict=True):
        ax.text(x, y, head, ha="center", va="center", fontsize=11, linespacing=line_spacing(11),
                **code)
    y = 2 * gap + head_h[0] + between + head_h[1] / 2
    for x, (_, head_fa) in zip(centres, heads, strict=True):
        ax.text(x, y, head_fa, ha="center", va="center", fontsize=10, color="0.3",
                linespacing=line_spacing(10))
    y = 2 * gap + sum(head_h) + between + 2 * gap
    ax.plot([columns[0]] * 2, [gap, y + sum(row_h)], color="0.8", lw=0.8)
    for i, (a, b, h) in enumerate(zip(old, new, row_h, strict=True)):
        ax.text(centres[0], y + h / 2, a, ha="center", va="center", fontsize=14,
                color="#b2182b", linespacing=line_spacing(14))
        ax.text(centres[1], y + h / 2, b, ha="center", va="center", fontsize=14,
                color="#1b7837", linespacing=line_spacing(14))
        y += h
        if i < len(phrases) - 1:
            ax.plot([0, width], [y, y], color="0.92", lw=0.6)
    y += gap
    ax.text(width / 2, y + foot[0] / 2, caption, ha="center", va="center", fontsize=9,
            color="0.25", linespacing=line_spacing(9, [caption]))
    y += foot[0] + gap
    ax.text(width / 2, y + foot[1] / 2, note, ha="center", va="center", fontsize=10,
            color="0.25", linespacing=line_spacing(10, [note]))
    return fig
