"""Measuring figures: the size of text in the chosen font, line spacing from the font's ink,
and a loop that resizes a figure until what was measured fits.

Every figure helper sizes itself with these instead of constants, so that a taller font (Noto
Sans Arabic's line is twice an em high) or a longer label gives a bigger figure, not overlaps.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import matplotlib as mpl
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font

# Letters that reach highest and lowest in Persian and in Latin glosses: the ink of any label
# line lies between the probe's top and bottom.
_PROBE = "آأإئؤ گپژچ ۱۲۳ ÅÉgjpqy([|"
# Space between the ink of two lines of one label, as a fraction of the font size.
_LINE_GAP = 0.12


def font_properties(size: Any = None, **props: Any) -> FontProperties:
    """FontProperties of the current rcParams fonts at ``size`` (points or 'small' etc.)."""
    return FontProperties(family=mpl.rcParams["font.family"], size=size, **props)


@functools.cache
def _em_height(families: tuple[str, ...], file: str, size: float) -> float:
    """The line height matplotlib's fixed spacing multiplies: the first font's OS/2 (or hhea)
    ascent + descent at ``size`` points."""
    font = get_font(file)
    units = font.get_sfnt_table("head")["unitsPerEm"]
    for table, ascent, descent in (("OS/2", "sTypoAscender", "sTypoDescender"),
                                   ("hhea", "ascent", "descent")):
        metrics = font.get_sfnt_table(table)
        if metrics and metrics[ascent] - metrics[descent] > 0:
            return (metrics[ascent] - metrics[descent]) / units * size
    return 1.2 * size


def _ink_height(text: str, prop: FontProperties) -> float:
    """Height in points from the top of the highest glyph to the bottom of the lowest."""
    renderer = RendererAgg(10, 10, 72)
    return renderer.get_text_width_height_descent(text, prop, False)[1]


def line_spacing(size: Any = None, lines: Iterable[str] | None = None) -> float:
    """The ``linespacing`` that sets lines one ink height plus a small gap apart.

    matplotlib's default ('normal') gives each line the font's full ascent and descent, which
    for Noto Sans Arabic is 2.1 em: two-line labels gape. This factor makes a line as tall as
    the tallest ink among ``lines`` (the labels it is for; by default a probe of the highest
    and deepest Persian and Latin letters) plus 0.12 em, in whatever font is chosen.
    """
    prop = font_properties(size)
    points = prop.get_size_in_points()
    texts = [line for text in lines for line in text.split("\n") if line.strip()] \
        if lines is not None else []
    ink = max((_ink_height(line, prop) for line in texts), default=0.0) or _ink_height(_PROBE,
                                                                                        prop)
    em_height = _em_height(tuple(mpl.rcParams["font.family"]), findfont(prop), points)
    return (ink + _LINE_GAP * points) / em_height


def text_extents(strings: Iterable[str], size: Any = None, **props: Any
                 ) -> list[tuple[float, float]]:
    """(width, height) in inches of each string drawn as one Text in the current fonts."""
    fig = Figure(dpi=72)
    renderer = RendererAgg(10, 10, 72)
    out = []
    for s in strings:
        text = fig.text(0, 0, s, fontsize=size, linespacing=line_spacing(size), **props)
        box = text.get_window_extent(renderer)
        out.append((box.width / 72, box.height / 72))
    return out


def wrap_to_width(text: str, width: float, size: Any = None, **props: Any) -> str:
    """``text`` broken between words so that no line is wider than ``width`` inches."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            trial = f"{line} {word}" if line else word
            if line and text_extents([trial], size, **props)[0][0] > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return "\n".join(lines)


def fit_figure(fig: Figure, needed: Callable[[], tuple[float, float]], *, rounds: int = 6,
               minimum: tuple[float, float] = (1.5, 1.2)) -> None:
    """Draw ``fig``, ask ``needed()`` how many inches it lacks (w, h), resize; until it fits.

    ``needed`` measures the drawn figure (label boxes, cell sizes) and returns the change of
    width and height that makes its layout right; negative values shrink the figure. A
    constrained layout's margins depend little on the figure's size, so this converges in
    two or three rounds.
    """
    for _ in range(rounds):
        fig.draw_without_rendering()
        dw, dh = needed()
        if abs(dw) < 0.01 and abs(dh) < 0.01:
            return
        width, height = fig.get_size_inches()
        fig.set_size_inches(max(width + dw, minimum[0]), max(height + dh, minimum[1]))
    fig.draw_without_rendering()


def new_figure(width: float, height: float) -> tuple[Figure, Any]:
    """A pyplot figure of ``width`` x ``height`` inches with one axes, constrained layout."""
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), layout="constrained")


def set_title(ax: Any, title: str, shape: Callable[[str], str], *, rtl: bool,
              pad: float | None = None, measured: bool = False) -> Any:
    """A title broken between words to fit the figure, then shaped by ``shape``.

    With ``measured`` (after a draw) the room is what lies beside the axes edge the title is
    aligned to (the right edge for ``rtl``), else the figure's width.
    """
    size = mpl.rcParams["axes.titlesize"]
    fig = ax.figure
    room = fig.get_figwidth() - 0.4
    if measured:
        box = ax.get_window_extent()
        room = (box.x1 if rtl else fig.bbox.width - box.x0) / fig.dpi - 0.1
    text = wrap_to_width(title, room, size)
    return ax.set_title(shape(text), loc="right" if rtl else "left",
                        linespacing=line_spacing(size, [text]), pad=pad)


def drawn_extents(texts: Iterable[Any]) -> list[Any]:
    """The window extents of the texts that are drawn (visible, not empty)."""
    return [t.get_window_extent() for t in texts if t.get_visible() and t.get_text().strip()]
