"""Theme counts: an editable theme dictionary, mentions traced to ``doc.raw``, counts and figures.

The dictionary (``data/themes/themes.yaml``, or a researcher's copy) maps themes to sub-themes to
Persian patterns, in the spirit of quanteda's dictionaries. Patterns use PhraseMatcher's syntax:
space-separated words, a trailing ``*`` for a prefix wildcard.

Counting rules (what a count means):

- Each top-level theme has its own matcher, so **a span may count for two themes** (e.g. «حقوق
  کودکان» for children and for human rights), but **never twice within one theme**: inside a
  theme the matcher is leftmost-longest and non-overlapping, so «قوانین بین‌المللی بشردوستانه» is
  one mention, not also «قوانین بین‌المللی». ``lint_themes`` lists patterns shared across themes.
- ``context_patterns`` of a sub-theme count only in a sentence (or paragraph, ``context_scope``)
  that also holds one of its ``context`` phrases: bare سیاسی counts as the political line of
  effort only where the text names the lines of effort. A dropped context match still occupies
  its tokens within its theme (the matcher ran before the context check).
- Counts are on normalised and folded tokens (the matcher's three forms); rates are per 1,000
  word tokens (punctuation excluded) of the title and body, or of the paragraph.
- The mention table is the trace: every count is the number of its rows, each with a span
  ``start, end`` into ``doc.raw``.
- ``paragraph`` is the package's 0-based paragraph id; tables per paragraph add ``paragraph_no``
  (1 = first paragraph), which figures and the HTML view show.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from helpers._paths import data_dir
from helpers._rows import Rows
from helpers.dictionary import (
    Dictionary,
    check_fields,
    count_keys,
    count_rows,
    counts,
    counts_table,
    dictionary_of,
    find,
    mentions_table,
    normal_form,
    remember_default,
)
from helpers.document import Document
from helpers.lexicons import LexiconError, duplicates, file_stamp, read_yaml
from helpers.matching import MatcherSet, PatternError, PhraseMatcher, parse_pattern

GENERAL = "general"
_KEY_FIELDS = ("label_en", "label_fa", "description")
_THEME_FIELDS = {*_KEY_FIELDS, "patterns", "subthemes", "why"}
_SUB_FIELDS = {*_KEY_FIELDS, "patterns", "context_patterns", "context", "context_scope", "why"}
_SCOPES = ("sentence", "paragraph")

MENTION_COLUMNS = [
    "doc_id", "start", "end", "surface", "theme", "subtheme", "label_fa", "label_en",
    "theme_fa", "theme_en", "pattern", "form", "in_context", "paragraph", "sentence", "part",
    "first_token", "end_token",
]


def default_themes_path() -> Path:
    """The theme dictionary shipped with the package (``data/themes/themes.yaml``)."""
    return data_dir() / "themes" / "themes.yaml"


@dataclass(frozen=True)
class Themes:
    """One theme dictionary, validated: a pattern table plus matchers built once and cached."""

    patterns: pd.DataFrame
    themes: pd.DataFrame
    subthemes: pd.DataFrame
    contexts: pd.DataFrame
    source: str = "<dict>"
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __reduce__(self):
        # A copy or a pickle carries the tables only; its matchers and caches are built anew
        # (they are keyed by the identity of their own phrase objects).
        return (Themes, (self.patterns, self.themes, self.subthemes, self.contexts, self.source))

    def __repr__(self) -> str:
        return (
            f"Themes({self.source!r}: {len(self.themes)} themes, {len(self.subthemes)} sub-themes, "
            f"{len(self.patterns)} patterns)"
        )

    def _repr_html_(self) -> str:
        from helpers.display import show

        return show(self.table())._repr_html_()

    def table(self) -> pd.DataFrame:
        """The dictionary as one row per sub-theme: labels, description and its patterns."""
        grouped = self.patterns.groupby(["theme", "subtheme"], sort=False)
        always = grouped.apply(
            lambda g: " | ".join(g.loc[~g["in_context"], "pattern"]), include_groups=False
        )
        near = grouped.apply(
            lambda g: " | ".join(g.loc[g["in_context"], "pattern"]), include_groups=False
        )
        table = self.subthemes.copy()
        keys = list(zip(table["theme"], table["subtheme"], strict=True))
        table["n_patterns"] = [int(grouped.size().get(k, 0)) for k in keys]
        table["patterns"] = [always.get(k, "") for k in keys]
        table["context_patterns"] = [near.get(k, "") for k in keys]
        table["context"] = [
            " | ".join(self.contexts.loc[
                (self.contexts["theme"] == t) & (self.contexts["subtheme"] == s), "pattern"
            ])
            for t, s in keys
        ]
        return table.drop(columns=["why"]).reset_index(drop=True)

    @cached_property
    def dictionary(self) -> Dictionary:
        """The same dictionary for the engine: themes are categories, sub-themes entries."""
        entries = self.subthemes.rename(columns=_TO_ENGINE)[
            ["category", "key", "label_fa", "label_en", "category_fa", "category_en",
             "description"]]
        d = Dictionary(
            name=Path(self.source).stem if self.source != "<dict>" else "themes",
            entries=entries, patterns=self.patterns.rename(columns=_TO_ENGINE),
            contexts=self.contexts.rename(columns=_TO_ENGINE), overlap="category",
            source=self.source)
        return d

    @property
    def matchers(self) -> dict[str, PhraseMatcher]:
        """One PhraseMatcher per top-level theme (keys: (entry number, in_context))."""
        return self.dictionary.matchers

    @property
    def scanner(self) -> MatcherSet:
        """The theme matchers and then the context matchers, run together in one pass."""
        return self.dictionary.scanner


Theme = Themes  # short alias used in signatures


def _fail(source: str, where: str, problem: str) -> LexiconError:
    return LexiconError(f"{source}: {where}: {problem}")


def load_themes(path: str | os.PathLike | Mapping | None = None) -> Theme:
    """Load and validate a theme dictionary (default: the package's ``data/themes/themes.yaml``)."""
    if isinstance(path, Mapping):
        data, source = path, "<dict>"
    else:
        file = Path(path) if path is not None else default_themes_path()
        data, source = read_yaml(file), str(file.name if path is None else file)
    return _build(data, source)


def _labels(entry: Mapping, source: str, where: str) -> dict[str, str]:
    out = {}
    for name in _KEY_FIELDS:
        value = entry.get(name)
        if not isinstance(value, str) or not value.strip():
            raise _fail(source, where, f"missing {name} (a non-empty string); add `{name}: ...`.")
        out[name] = value.strip()
    why = entry.get("why", "")
    out["why"] = " ".join(str(why).split()) if why else ""
    return out


def _pattern_list(value: object, source: str, where: str, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _fail(source, where, f"{name} must be a list of Persian words or phrases.")
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise _fail(source, where, f"{name} has an empty or non-text entry {item!r}.")
        try:
            parse_pattern(item, where)
        except PatternError as err:
            raise _fail(source, where, str(err)) from None
        out.append(" ".join(item.split()))
    repeated = duplicates(out)
    if repeated:
        raise _fail(source, where, f"{name} lists {repeated} more than once; keep one.")
    return out


def _check_key(key: object, source: str, where: str) -> str:
    if not isinstance(key, str) or not key.strip() or not key.replace("_", "").isalnum():
        raise _fail(source, where, f"key {key!r} must be a name such as covid or west_africa.")
    return key


def _build(data: object, source: str) -> Theme:
    """Validate the parsed YAML and turn it into tables."""
    if isinstance(data, Mapping) and "themes" in data:
        data = data["themes"]
    if not isinstance(data, Mapping) or not data:
        raise LexiconError(
            f"{source}: expected a mapping `themes:` of theme keys to entries; see "
            "data/themes/themes.yaml for the layout."
        )
    themes, subs, patterns, contexts = [], [], [], []
    for theme_key, entry in data.items():
        theme = _check_key(theme_key, source, f"theme {theme_key!r}")
        where = f"theme {theme}"
        if not isinstance(entry, Mapping):
            raise _fail(source, where, "must be a mapping with label_en, label_fa, description.")
        check_fields(entry, _THEME_FIELDS, source, where)
        labels = _labels(entry, source, where)
        themes.append({"theme": theme, "theme_en": labels["label_en"],
                       "theme_fa": labels["label_fa"], "description": labels["description"]})
        own = _pattern_list(entry.get("patterns"), source, where, "patterns")
        children = entry.get("subthemes") or {}
        if not isinstance(children, Mapping):
            raise _fail(source, where, "subthemes must be a mapping of sub-theme keys.")
        if not own and not children:
            raise _fail(source, where, "has no patterns and no subthemes: add patterns.")
        if own:
            if GENERAL in children:
                raise _fail(source, where, f"a sub-theme may not be called {GENERAL!r} when the "
                            "theme has its own patterns (they form that sub-theme).")
            subs.append({"theme": theme, "subtheme": GENERAL,
                         "label_en": f"{labels['label_en']} (general)",
                         "label_fa": f"{labels['label_fa']} (عمومی)",
                         "description": labels["description"], "why": labels["why"]})
            patterns += [(theme, GENERAL, p, False) for p in own]
        for sub_key, sub in children.items():
            name = _check_key(sub_key, source, f"{where}, sub-theme {sub_key!r}")
            swhere = f"{where}, sub-theme {name}"
            if not isinstance(sub, Mapping):
                raise _fail(source, swhere, "must be a mapping with labels and patterns.")
            check_fields(sub, _SUB_FIELDS, source, swhere)
            slabels = _labels(sub, source, swhere)
            subs.append({"theme": theme, "subtheme": name, **slabels})
            always = _pattern_list(sub.get("patterns"), source, swhere, "patterns")
            near = _pattern_list(sub.get("context_patterns"), source, swhere, "context_patterns")
            ctx = _pattern_list(sub.get("context"), source, swhere, "context")
            if not always and not near:
                raise _fail(source, swhere, "has no patterns: add at least one.")
            if near and not ctx:
                raise _fail(source, swhere, "has context_patterns but no context phrases.")
            if ctx and not near:
                raise _fail(source, swhere, "has context but no context_patterns to apply it to.")
            scope = sub.get("context_scope", "sentence")
            if scope not in _SCOPES:
                raise _fail(source, swhere, f"context_scope must be one of {_SCOPES}.")
            shared = sorted(set(always) & set(near))
            if shared:
                raise _fail(source, swhere, f"{shared} are both patterns and context_patterns.")
            patterns += [(theme, name, p, False) for p in always]
            patterns += [(theme, name, p, True) for p in near]
            contexts += [(theme, name, p, scope) for p in ctx]
    pattern_table = pd.DataFrame(patterns, columns=["theme", "subtheme", "pattern", "in_context"])
    _check_normalised_duplicates(pattern_table, source)
    sub_table = pd.DataFrame(subs)
    theme_table = pd.DataFrame(themes)
    sub_table = sub_table.merge(theme_table[["theme", "theme_en", "theme_fa"]], on="theme")
    return Theme(
        patterns=pattern_table,
        themes=theme_table,
        subthemes=sub_table[["theme", "subtheme", "label_en", "label_fa", "theme_en", "theme_fa",
                             "description", "why"]],
        contexts=pd.DataFrame(contexts, columns=["theme", "subtheme", "pattern", "scope"]),
        source=source,
    )


def _check_normalised_duplicates(patterns: pd.DataFrame, source: str) -> None:
    """Within one theme, two patterns that normalise to the same words are an error."""
    forms = patterns["pattern"].map(normal_form)
    for theme, rows in patterns.assign(form=forms).groupby("theme", sort=False):
        repeated = rows[rows.duplicated("form", keep=False)]
        if len(repeated):
            listing = ", ".join(f"{p} ({s})" for p, s in zip(
                repeated["pattern"], repeated["subtheme"], strict=True))
            raise LexiconError(
                f"{source}: theme {theme}: patterns {listing} are the same after normalisation "
                "(ZWNJ, ی/ک, digits); keep one."
            )


def themes_from_mapping(data: Mapping, source: str) -> Theme:
    """A theme dictionary from its parsed YAML (``themes:`` layout)."""
    return _build(data, source)


_DEFAULT: dict[tuple, Theme] = {}


def _themes(themes: Theme | str | os.PathLike | Mapping | None) -> Theme:
    if isinstance(themes, Theme):
        return themes
    if themes is None:
        path = default_themes_path()
        stamp = (str(path), file_stamp(path))
        if stamp not in _DEFAULT:
            _DEFAULT.clear()
            _DEFAULT[stamp] = load_themes()
        return _DEFAULT[stamp]
    return load_themes(themes)


def _default_dictionary() -> Dictionary:
    return _themes(None).dictionary


# Columns of the engine's tables, and what theme tables call them.
_TO_ENGINE = {"theme": "category", "subtheme": "key", "theme_fa": "category_fa",
              "theme_en": "category_en"}
_FROM_ENGINE = {v: k for k, v in _TO_ENGINE.items()}
_BY = {"theme": "category", "subtheme": "key"}


def find_themes(doc: Document, themes: Theme | str | os.PathLike | None = None) -> pd.DataFrame:
    """One row per theme mention: raw span, surface, theme, sub-theme, labels, pattern, place."""
    if not isinstance(doc, Document):
        raise TypeError("find_themes() takes a Document; load the text with load_document().")
    book = _themes(themes)
    remember_default(_themes(None).source, _default_dictionary)
    return find(doc, book.dictionary).rename(columns=_FROM_ENGINE)


def themes_table(rows: Rows, doc_id, book: Theme | None = None) -> pd.DataFrame:
    """The table of ``find_themes`` from ``match_rows`` (of one document or several joined)."""
    book = book if book is not None else _themes(None)
    return mentions_table(rows, doc_id, book.dictionary).rename(columns=_FROM_ENGINE)


def theme_count_rows(rows: Rows, words: int, book: Theme, *, by: str = "theme") -> Rows:
    """One document's count per theme (dictionary order) from its match rows, and its words."""
    return count_rows(rows, words, book.dictionary, by=_BY[by])


def theme_counts_table(rows: Rows, doc_id, book: Theme, *, by: str = "theme") -> pd.DataFrame:
    """The per-document table of ``theme_counts`` from ``theme_count_rows`` (joined or not)."""
    table = counts_table(rows, doc_id, book.dictionary, by=_BY[by])
    return table.rename(columns=_FROM_ENGINE)


def theme_counts(
    doc_or_mentions: Document | pd.DataFrame,
    themes: Theme | str | os.PathLike | None = None,
    *,
    by: str = "theme",
    per: str = "document",
    doc: Document | None = None,
) -> pd.DataFrame:
    """Mentions per theme (or sub-theme) for the document or per paragraph: raw and per 1,000 words.

    Every theme in the dictionary appears, with 0 if it is never mentioned. Pass a Document, or
    the table from :func:`find_themes` (its word counts travel in ``.attrs``, or pass ``doc=``).
    """
    if by not in _BY:
        raise ValueError(f"by must be 'theme' or 'subtheme', not {by!r}.")
    if per not in ("document", "paragraph"):
        raise ValueError(f"per must be 'document' or 'paragraph', not {per!r}.")
    if isinstance(doc_or_mentions, Document):
        doc = doc_or_mentions
        mentions = find_themes(doc, themes)
    elif isinstance(doc_or_mentions, pd.DataFrame):
        mentions = doc_or_mentions
    else:
        raise TypeError("theme_counts() takes a Document or the table from find_themes().")
    d = _themes(themes).dictionary if themes is not None else _book_of(mentions)
    table = counts(mentions.rename(columns=_TO_ENGINE), by=_BY[by], per=per, doc=doc,
                   dictionary=d or _default_dictionary())
    return table.rename(columns=_FROM_ENGINE)


def _count_keys(book_or_dictionary: Theme | Dictionary, by: str) -> pd.DataFrame:
    """The rows of a theme count table (theme names), in dictionary order."""
    if by not in _BY:
        raise ValueError(f"by must be 'theme' or 'subtheme', not {by!r}.")
    d = getattr(book_or_dictionary, "dictionary", book_or_dictionary)
    return count_keys(d, _BY[by]).rename(columns=_FROM_ENGINE)


def _book_of(mentions: pd.DataFrame) -> Dictionary | None:
    """The dictionary a theme mention table was found with (None if it does not say)."""
    remember_default(_themes(None).source, _default_dictionary)
    return dictionary_of(mentions)


# ------------------------------------------------------------------------------- lint


def _words_overlap(a: tuple[str, bool], b: tuple[str, bool]) -> bool:
    """Whether pattern words ``a`` and ``b`` can match the same text word."""
    (x, px), (y, py) = a, b
    return x == y or (px and y.startswith(x)) or (py and x.startswith(y))


def _inside(short: tuple, long: tuple) -> bool:
    """Whether phrase ``short`` can match a stretch of the words phrase ``long`` matches."""
    n = len(short)
    return any(
        all(_words_overlap(short[j], long[k + j]) for j in range(n))
        for k in range(len(long) - n + 1)
    )


def _chained(first: tuple, second: tuple) -> bool:
    """Whether the end of phrase ``first`` can be the start of phrase ``second``."""
    return any(
        all(_words_overlap(first[len(first) - k + j], second[j]) for j in range(k))
        for k in range(1, min(len(first), len(second)))
    )


def lint_themes(
    themes: Theme | str | os.PathLike | None = None, docs: Iterable[Document] | None = None
) -> pd.DataFrame:
    """Problems worth a look: patterns shared across themes, and patterns that never match ``docs``.

    Rows have ``issue`` = ``overlap`` (two patterns of different sub-themes can match the same
    words: ``same`` words, one ``inside`` the other, a wildcard that ``covers`` the other, or
    ``partial``: the end of one is the start of the other) or
    ``no_match`` (the pattern matched nothing in the given documents), or ``shared_span`` (a span
    of text counted by two themes in the documents).
    """
    book = _themes(themes)
    table = book.patterns.assign(form=book.patterns["pattern"].map(normal_form))
    rows = []
    records = list(table[["theme", "subtheme", "pattern", "form"]].itertuples(index=False))
    for i, a in enumerate(records):
        for b in records[i + 1 :]:
            if (a.theme, a.subtheme) == (b.theme, b.subtheme):
                continue
            if len(a.form) == len(b.form) and _inside(a.form, b.form):
                if a.form == b.form:
                    kind = "same"
                else:
                    kind = "covers"
            elif len(a.form) < len(b.form) and _inside(a.form, b.form):
                kind = "inside"
            elif len(b.form) < len(a.form) and _inside(b.form, a.form):
                kind = "inside"
            elif _chained(a.form, b.form) or _chained(b.form, a.form):
                kind = "partial"
            else:
                continue
            within = "same theme: longest wins" if a.theme == b.theme else "may count for both"
            rows.append(("overlap", a.theme, a.subtheme, a.pattern, b.theme, b.subtheme,
                         b.pattern, f"{kind}; {within}"))
    if docs is not None:
        docs = list(docs)
        mentions = [find_themes(d, book) for d in docs]
        found = pd.concat(mentions, ignore_index=True) if mentions else pd.DataFrame()
        used = set(zip(found.get("theme", []), found.get("subtheme", []), found.get("pattern", []),
                       strict=True))
        for r in book.patterns.itertuples(index=False):
            if (r.theme, r.subtheme, r.pattern) not in used:
                rows.append(("no_match", r.theme, r.subtheme, r.pattern, None, None, None,
                             f"no match in {len(docs)} document(s)"))
        for m in mentions:
            rows += _shared_spans(m)
    return pd.DataFrame(rows, columns=["issue", "theme", "subtheme", "pattern", "other_theme",
                                       "other_subtheme", "other_pattern", "detail"])


def _shared_spans(mentions: pd.DataFrame) -> list[tuple]:
    """Pairs of mentions of different themes whose spans overlap in one document."""
    rows = []
    ordered = mentions.sort_values(["start", "end"], kind="stable").reset_index(drop=True)
    starts, ends = ordered["start"].to_numpy(), ordered["end"].to_numpy()
    for i in range(len(ordered)):
        j = i + 1
        while j < len(ordered) and starts[j] < ends[i]:
            a, b = ordered.iloc[i], ordered.iloc[j]
            if a["theme"] != b["theme"]:
                where = f"{a['doc_id']} [{starts[i]}:{max(ends[i], ends[j])}]"
                rows.append(("shared_span", a["theme"], a["subtheme"], a["pattern"], b["theme"],
                             b["subtheme"], b["pattern"], f"{where} «{a['surface']}»"))
            j += 1
    return rows
