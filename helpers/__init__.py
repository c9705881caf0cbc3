"""Read Persian policy texts in Jupyter: load, normalise, find places, threats and themes, plot.

Every public name is importable from ``helpers`` directly (``helpers.load_document``); modules load
on first use, so ``import helpers`` stays fast.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "helpers.document": [
        "Document",
        "Span",
        "TextLoadError",
        "decode",
        "TextLoadWarning",
        "load_document",
    ],
    "helpers.tokens": ["tokenize"],
    "helpers.normalization": ["Normalized", "normalize", "normalize_text"],
    "helpers.zwnj": ["restore_zwnj"],
    "helpers.morphology": ["lemma", "stopwords"],
    "helpers.dates": ["DateWarning", "find_dates", "lunar_hijri_to_gregorian",
                      "solar_hijri_to_gregorian"],
    "helpers.matching": ["PhraseMatcher"],
    "helpers.stats": ["gloss_of", "word_frequencies"],
    "helpers.teaching": ["answer_key", "check"],
    "helpers.figures": [
        "FigureFont",
        "bar",
        "bar_counts",
        "dispersion",
        "figure_font",
        "format_number",
        "heatmap",
        "persian_fonts",
        "shipped_font_path",
        "fa",
        "native_shaping",
        "persian_digits",
        "rtl_legend",
        "save_figure",
        "setup_figures",
        "theme_bar",
        "theme_dispersion",
        "theme_heatmap",
    ],
    "helpers.lexicons": ["LexiconError"],
    "helpers.validation": [
        "AnnotationError",
        "Evaluation",
        "evaluate",
        "read_gold",
        "read_validation",
        "validation_sample",
        "wilson_interval",
    ],
    "helpers.dictionary": [
        "Dictionary",
        "counts",
        "find",
        "load_dictionary",
        "save_dictionary",
    ],
    "helpers.places": ["find_places", "load_gazetteer", "place_counts"],
    "helpers.threats": ["find_threats", "load_threat_lexicon", "threat_counts"],
    "helpers.concordance": ["cooccurrence", "kwic"],
    "helpers.display": ["highlight", "highlight_html", "show", "show_rtl"],
    "helpers.explorer": ["explore"],
    "helpers.results": ["save_table"],
    "helpers._paths": ["data_dir", "raw_dir", "results_dir"],
    "helpers.maps": ["countries_geojson", "place_map", "representative_points"],
    "helpers.themes": [
        "find_themes",
        "lint_themes",
        "load_themes",
        "theme_counts",
    ],
    "helpers.corpus": [
        "compare_places",
        "compare_themes",
        "corpus_theme_totals",
        "plot_comparison",
        "spread",
        "CorpusResult",
        "analyze_corpus",
        "analyze_corpus_dask",
        "analyze_document",
    ],
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
