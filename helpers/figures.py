"""Persian (Farsi) labels that render correctly in matplotlib figures.

matplotlib >= 3.11 shapes Arabic script itself (bundled libraqm: bidi, joining, marks,
mirroring), so Persian strings must be handed over unchanged, in logical order. The old
``get_display(arabic_reshaper.reshape(s))`` recipe then draws them backwards. Only where
the running matplotlib cannot shape does :func:`fa` prepare the text itself.
"""

from __future__ import annotations

import functools
import html
import os
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import FuncFormatter

from helpers._paths import results_dir

if TYPE_CHECKING:
    from helpers.document import Document

__all__ = [
    "PERSIAN_FONT_ENV",
    "bar_counts",
    "fa",
    "native_shaping",
    "persian_digit_formatter",
    "persian_digits",
    "recipe_comparison_figure",
    "rtl_legend",
    "save_figure",
    "setup_figures",
]

PERSIAN_FONT_ENV = "PERSIAN_FONT"
LATIN_FALLBACK = "DejaVu Sans"
SVG_HASHSALT = "helpers.figures"

# Preferred Persian fonts, best first: (family name, file-name stems to look for).
_PREFERRED_FONTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Vazirmatn", ("vazirmatn-regular", "vazirmatn[wght]", "vazirmatn")),
    ("Noto Sans Arabic", ("notosansarabic-regular", "notosansarabic[wdth,wght]")),
    ("Amiri", ("amiri-regular",)),
)
_EXTRA_FONT_DIRS = (
    Path(__file__).resolve().parent.parent / "node_modules" / "vazirmatn" / "fonts" / "ttf",
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
)

_SIZES: dict[str, dict[str, Any]] = {
    "notebook": {"figure.figsize": (8.0, 5.0), "font.size": 11.0, "figure.dpi": 110,
                 "savefig.dpi": 200},
    "paper": {"figure.figsize": (6.4, 4.0), "font.size": 9.0, "figure.dpi": 110,
              "savefig.dpi": 300},
    "slides": {"figure.figsize": (12.0, 6.75), "font.size": 16.0, "figure.dpi": 100,
               "savefig.dpi": 150},
}

_LATIN_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ZWNJ = "\u200c"
_RLI, _PDI = "\u2067", "\u2069"
_PRESENTATION_FORM = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


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
    if native or not _ARABIC_SCRIPT.search(text):
        return text
    path = _current_font_path()
    return "\n".join(_visual_line(line, path) for line in text.split("\n"))


def _visual_line(line: str, font_path: str) -> str:
    """Shape one logical line into presentation forms in visual (left-to-right) order."""
    from bidi.algorithm import get_display  # pure-Python UBA: mirrors brackets (rule L4)

    reshaper, charmap = _reshaper(font_path)
    # A presentation form the font lacks would be tofu; its base letter at least draws.
    shaped = "".join(
        unicodedata.normalize("NFKC", c) if _PRESENTATION_FORM.match(c) and ord(c) not in charmap
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


def _find_persian_font() -> Path | None:
    """A nicer Persian font file installed on this machine, if any."""
    candidates: list[Path] = [Path(p) for p in font_manager.findSystemFonts()]
    for folder in _EXTRA_FONT_DIRS:
        if folder.is_dir():
            candidates += [p for p in folder.rglob("*") if p.suffix.lower() in {".ttf", ".otf"}]
    by_stem = {p.stem.lower(): p for p in sorted(candidates)}
    for _family, stems in _PREFERRED_FONTS:
        for stem in stems:
            if stem in by_stem:
                return by_stem[stem]
    return None


def _register_font(path: Path) -> str:
    """Register a font file with matplotlib (once) and return its family name."""
    if not path.is_file():
        raise FileNotFoundError(
            f"Font file {path} does not exist; pass the path of a .ttf/.otf file, "
            f"or unset {PERSIAN_FONT_ENV} to use the bundled DejaVu Sans"
        )
    resolved = str(path.resolve())
    known = {os.path.realpath(entry.fname): entry.name
             for entry in font_manager.fontManager.ttflist}
    if resolved not in known:
        font_manager.fontManager.addfont(resolved)
        known[resolved] = font_manager.FontProperties(fname=resolved).get_name()
    return known[resolved]


def _resolve_family(font: str | Path | None) -> str:
    """The family name for ``font`` (a path, a family name, or None to search)."""
    if font is None:
        font = os.environ.get(PERSIAN_FONT_ENV) or None
    if font is None:
        found = _find_persian_font()
        return _register_font(found) if found else LATIN_FALLBACK
    if isinstance(font, Path) or Path(str(font)).suffix.lower() in {".ttf", ".otf", ".ttc"}:
        return _register_font(Path(font))
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    if font not in names:
        raise ValueError(
            f"No font family named {font!r} is registered with matplotlib; pass the path "
            f"of its .ttf file instead, or one of the installed families such as {LATIN_FALLBACK!r}"
        )
    return str(font)


def setup_figures(font: str | Path | None = None, *, size: str = "notebook") -> str:
    """Set matplotlib up for Persian figures and return the font family used."""
    if size not in _SIZES:
        raise ValueError(f"size must be one of {sorted(_SIZES)}, not {size!r}")
    family = _resolve_family(font)
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
        # Arabic-script glyphs can ink past their advance width at a line's start (its right
        # edge), which the layout does not measure; a wider pad keeps them off the figure edge.
        "figure.constrained_layout.w_pad": 0.12,
    })
    return family


# ----------------------------------------------------------------------------- digits


def persian_digits(s: object) -> str:
    """Replace Latin digits 0-9 in ``s`` with Persian digits ۰-۹."""
    return str(s).translate(_LATIN_TO_PERSIAN_DIGITS)


def _persian_number(text: str) -> str:
    """Persian digits with the Persian decimal (٫) and thousands (٬) separators."""
    return persian_digits(text.replace(",", "\u066c").replace(".", "\u066b"))


def persian_digit_formatter(fmt: str = "{x:,.0f}") -> FuncFormatter:
    """A tick formatter that writes numbers with Persian digits (``fmt`` as for str.format)."""
    return FuncFormatter(lambda x, _pos: _persian_number(fmt.format(x=x)))


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


def bar_counts(
    data: Any,
    *,
    label: str,
    value: str,
    gloss: str | None = None,
    ax: Any = None,
    title: str | None = None,
    xlabel: str | None = None,
    persian_digits: bool = False,
    rtl: bool = True,
    color: Any = None,
    top: int | None = None,
    gloss_below: bool = False,
    wrap: int | None = 40,
) -> Any:
    """Horizontal bar chart of counts per Persian category, largest at the top.

    Labels longer than ``wrap`` characters are broken between words (a long gloss goes on its
    own line), and so is a title more than half as long again, so that nothing runs off the
    figure; ``wrap=None`` keeps every label on one line. Without ``ax`` the figure is made tall
    enough for the labels' lines.
    """
    import matplotlib.pyplot as plt

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

    texts = [_category_label(str(row[label]), None if gloss is None else row[gloss],
                             gloss_below, wrap) for _, row in counts.iterrows()]
    n = len(counts)
    if ax is None:
        lines = sum(t.count("\n") + 1 for t in texts)
        width, height = plt.rcParams["figure.figsize"]
        _fig, ax = plt.subplots(figsize=(width, max(height, 0.8 + 0.22 * lines + 0.12 * n)))
    positions = list(range(n - 1, -1, -1))  # largest value at the top
    bars = ax.barh(positions, counts[value].to_list(), color=color or "C0")
    ax.set_yticks(positions, [fa(t) for t in texts])
    ax.set_ylim(-0.6, n - 0.4)
    ax.margins(x=0.18)
    if rtl:
        ax.invert_xaxis()  # before bar_label, which reads the direction when called
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")
        ax.spines[["left", "top"]].set_visible(False)
    else:
        ax.spines[["right", "top"]].set_visible(False)

    to_text = _persian_number if persian_digits else str
    values = counts[value].to_list()
    ax.bar_label(bars, labels=[fa(to_text(_format_count(v))) for v in values], padding=3)
    if persian_digits:
        ax.xaxis.set_major_formatter(persian_digit_formatter())
    if title:
        title_width = 3 * wrap // 2 if wrap else None
        ax.set_title(fa(_wrap(title, title_width)), loc="right" if rtl else "left")
    if xlabel:
        ax.set_xlabel(fa(xlabel), loc="right" if rtl else "left")
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


def _format_count(v: Any) -> str:
    """A count as digits, without a trailing .0 for whole numbers."""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"


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
    """A figure contrasting the old reshape+bidi recipe with fa() on this matplotlib."""
    phrases = list(phrases)
    fig = Figure(figsize=(10.5, 1.0 + 0.62 * len(phrases)), layout="none")
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(len(phrases) + 2.7, -0.2)
    old_ok = "✗" if native_shaping() else "✓"
    heads = (
        (0.27, f"{old_ok} get_display(arabic_reshaper.reshape(s))",
         fa("روش قدیمی: وارونه روی matplotlib " + mpl.__version__)),
        (0.75, "✓ fa(s)", fa("روش درست: متن منطقی، شکل‌دهی با matplotlib")),
    )
    for x, head, head_fa in heads:
        ax.text(x, 0.25, head, ha="center", va="center", fontsize=11, fontweight="bold")
        ax.text(x, 0.85, head_fa, ha="center", va="center", fontsize=10, color="0.3")
    ax.plot([0.5, 0.5], [-0.2, len(phrases) + 1.5], color="0.8", lw=0.8)
    for row, phrase in enumerate(phrases, start=2):
        ax.text(0.27, row, _old_recipe(phrase), ha="center", va="center", fontsize=14,
                color="#b2182b")
        ax.text(0.75, row, fa(phrase), ha="center", va="center", fontsize=14, color="#1b7837")
        if row < len(phrases) + 1:
            ax.axhline(row + 0.5, color="0.92", lw=0.6)
    caption = (
        f"matplotlib {mpl.__version__} shapes Arabic script itself, so pre-shaped, pre-reversed "
        "text is reversed a second time (and the default reshaper drops the ezafe hamza ٔ)."
    )
    ax.text(0.5, len(phrases) + 1.75, caption, ha="center", va="center", fontsize=9,
            color="0.25", wrap=True)
    ax.text(0.5, len(phrases) + 2.3,
            fa("از نسخهٔ ۳٫۱۱، matplotlib خودش حروف فارسی را می‌چسباند؛ "
               "متن را همان‌طور که هست بدهید."),
            ha="center", va="center", fontsize=10, color="0.25")
    return fig


# ------------------------------------------------------------- theme figures (any dictionary)

_to_persian_digits = persian_digits  # the figure helpers below take a flag of that name


def _axis_label(fa_label: str, en_label: str | None, gloss: bool) -> str:
    return f"{fa_label} ({en_label})" if gloss and en_label else fa_label


def theme_bar(
    counts: pd.DataFrame,
    *,
    value: str = "count",
    gloss: bool = True,
    ax: Any = None,
    title: str | None = None,
    xlabel: str | None = None,
    persian_digits: bool = False,
    rtl: bool = True,
    gloss_below: bool = True,
) -> Any:
    """Horizontal bars of theme counts (from theme_counts): Persian labels, English glosses."""
    import matplotlib.pyplot as plt

    for column in ("label_fa", "label_en", value):
        if column not in counts.columns:
            raise KeyError(f"counts lacks {column!r}: pass the table from theme_counts().")
    if "paragraph" in counts.columns:
        raise ValueError("theme_bar() wants counts per document; use per='document'.")
    if ax is None:
        rows = counts[["label_fa"]].drop_duplicates().shape[0]
        _fig, ax = plt.subplots(figsize=(8.0, max(3.0, (0.62 if gloss else 0.4) * rows + 1.2)))
    return bar_counts(
        counts, label="label_fa", value=value, gloss="label_en" if gloss else None, ax=ax,
        title=title, xlabel=xlabel, persian_digits=persian_digits, rtl=rtl,
        gloss_below=gloss_below,
    )


def theme_heatmap(
    counts_by_paragraph: pd.DataFrame,
    *,
    value: str = "count",
    ax: Any = None,
    gloss: bool = False,
    persian_digits: bool = True,
    rtl: bool = True,
    cmap: str = "Blues",
    annotate: bool = True,
    title: str | None = None,
) -> Any:
    """Theme x paragraph heatmap: rows in dictionary order, paragraph 1 at the right if rtl."""
    import matplotlib.pyplot as plt

    to_persian = _to_persian_digits
    needed = ("paragraph_no", "label_fa", value)
    missing = [c for c in needed if c not in counts_by_paragraph.columns]
    if missing:
        raise KeyError(f"counts lack {missing}: pass theme_counts(..., per='paragraph').")
    group = ["theme", "subtheme"] if "subtheme" in counts_by_paragraph.columns else ["theme"]
    table = counts_by_paragraph
    order = list(dict.fromkeys(table[group].itertuples(index=False, name=None)))
    grid = table.pivot_table(index=group, columns="paragraph_no", values=value,
                             aggfunc="sum", fill_value=0, sort=False)
    labels = table.drop_duplicates(group).set_index(group)
    if len(group) == 1:
        order = [k[0] for k in order]
    grid, labels = grid.reindex(order), labels.loc[order]
    names = [_axis_label(f, e, gloss) for f, e in zip(labels["label_fa"], labels["label_en"],
                                                      strict=True)]
    data = grid.to_numpy(dtype=float)
    if ax is None:
        height = max(3.0, 0.42 * len(names) + 1.4)
        _fig, ax = plt.subplots(figsize=(8.0, height))
    image = ax.imshow(data, aspect="auto", cmap=cmap, vmin=0)
    numbers = [str(n) for n in grid.columns]
    digits = to_persian if persian_digits else str
    ax.set_xticks(range(len(numbers)), [fa(digits(n)) for n in numbers])
    ax.set_yticks(range(len(names)), [fa(n) for n in names])
    ax.tick_params(length=0)
    if annotate:
        top = data.max() if data.size else 0
        for (r, c), v in np.ndenumerate(data):
            if v == 0:
                continue  # empty cells stay blank: easier to see where a theme is
            text = f"{v:g}" if value == "count" else f"{v:.1f}"
            ax.text(c, r, fa(digits(text)), ha="center", va="center", fontsize=9,
                    color="white" if top and v > 0.6 * top else "#222")
    bar = ax.figure.colorbar(image, ax=ax, location="left" if rtl else "right", shrink=0.8)
    what = "تعداد اشاره‌ها" if value == "count" else "در هر ۱۰۰۰ واژه"
    bar.set_label(fa(what))
    if persian_digits:
        bar.ax.yaxis.set_major_formatter(persian_digit_formatter("{x:,.0f}"))
    ax.set_xlabel(fa("بند (پاراگراف)"))
    if rtl:
        ax.invert_xaxis()
        ax.yaxis.tick_right()
    if title:
        ax.set_title(fa(title), loc="right" if rtl else "left")
    return ax


def theme_dispersion(
    doc: Document,
    mentions: pd.DataFrame,
    *,
    by: str = "theme",
    relative: bool = False,
    rtl: bool = True,
    gloss: bool = False,
    persian_digits: bool = True,
    ax: Any = None,
    title: str | None = None,
) -> Any:
    """Lexical dispersion ("x-ray") plot: where each theme's mentions fall in the text.

    x is the word offset of each mention (or its relative position, 0 to 1) in the body;
    paragraph starts are dashed lines labelled with their number. With ``rtl`` the text runs
    right to left, as on the Persian page: the first word is at the right.
    """
    import matplotlib.pyplot as plt

    to_persian = _to_persian_digits
    if by not in ("theme", "subtheme"):
        raise ValueError(f"by must be 'theme' or 'subtheme', not {by!r}.")
    from helpers.themes import _book_of, _count_keys, _default_dictionary

    keys = _count_keys(_book_of(mentions) or _default_dictionary(), by)
    group = ["theme"] if by == "theme" else ["theme", "subtheme"]
    tokens = doc.tokens
    words = (tokens["kind"] == "word").to_numpy()
    in_body = (tokens["part"] == "body").to_numpy()
    ordinal = np.cumsum(words & in_body) - 1  # word offset of each token within the body
    n_words = int((words & in_body).sum())
    body = mentions[mentions["part"] == "body"]
    x = ordinal[body["first_token"].to_numpy(dtype=np.int64)].astype(float)
    first_word = ordinal[np.searchsorted(tokens["start"].to_numpy(), doc.paragraphs["start"])]
    scale = float(n_words) if relative else 1.0
    if ax is None:
        height = max(2.8, 0.38 * len(keys) + 1.3)
        _fig, ax = plt.subplots(figsize=(9.0, height))
    rows = {tuple(k): i for i, k in enumerate(keys[group].itertuples(index=False, name=None))}
    y = np.array([rows[tuple(k)] for k in body[group].itertuples(index=False, name=None)])
    colors = [f"C{i % 10}" for i in y]
    ax.scatter(x / scale, y, marker="|", s=160, linewidths=1.6, c=colors)
    digits = to_persian if persian_digits else str
    for number, start in enumerate(first_word, 1):
        ax.axvline(start / scale, color="#999", lw=0.8, ls="--", zorder=0)
        ax.annotate(fa(digits(str(number))), (start / scale, 1.0),
                    xycoords=("data", "axes fraction"),
                    xytext=(-3 if rtl else 3, 2), textcoords="offset points", fontsize=9,
                    ha="right" if rtl else "left", va="bottom", color="#555")
    names = [_axis_label(f, e, gloss) for f, e in zip(keys["label_fa"], keys["label_en"],
                                                      strict=True)]
    ax.set_yticks(range(len(names)), [fa(n) for n in names])
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.set_xlim(0, n_words / scale)
    if relative:
        ax.set_xlabel(fa("جایگاه نسبی در متن"))
    else:
        ax.set_xlabel(fa("شمارهٔ واژه در متن (خطوط‌چین: آغاز هر بند)"))
    if persian_digits:
        ax.xaxis.set_major_formatter(persian_digit_formatter("{x:,.1f}" if relative
                                                             else "{x:,.0f}"))
    ax.grid(axis="y", color="#eee", lw=0.6)
    ax.set_axisbelow(True)
    if rtl:
        ax.invert_xaxis()
        ax.yaxis.tick_right()
    ax.spines[["top", "left" if rtl else "right"]].set_visible(False)
    if title:
        ax.set_title(fa(title), loc="right" if rtl else "left", pad=20)
    return ax
