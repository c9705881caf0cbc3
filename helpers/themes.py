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
import re
import uuid
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from helpers._paths import data_dir
from helpers._rows import Rows, strings
from helpers.document import Document, TokenColumns, position_columns, span_columns
from helpers.lexicons import LexiconError, duplicates, read_yaml
from helpers.matching import (
    FORM_NAMES,
    MatcherSet,
    PatternError,
    Phrase,
    PhraseMatcher,
    matches_table,
    parse_pattern,
)

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
        return self.table()._repr_html_()

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
    def matchers(self) -> dict[str, PhraseMatcher]:
        """One PhraseMatcher per top-level theme (keys: (subtheme, in_context))."""
        out = {}
        for theme, rows in self.patterns.groupby("theme", sort=False):
            keys = zip(rows["subtheme"], rows["in_context"], strict=True)
            out[theme] = PhraseMatcher(zip(rows["pattern"], keys, strict=True))
        return out

    @cached_property
    def context_matchers(self) -> dict[tuple[str, str], tuple[PhraseMatcher, str]]:
        """A matcher (and scope) for the context phrases of each sub-theme that has them."""
        out = {}
        for (theme, sub), rows in self.contexts.groupby(["theme", "subtheme"], sort=False):
            matcher = PhraseMatcher((p, "context") for p in rows["pattern"])
            out[(theme, sub)] = (matcher, rows["scope"].iloc[0])
        return out

    @cached_property
    def scanner(self) -> MatcherSet:
        """The theme matchers and then the context matchers, run together in one pass."""
        contexts = [matcher for matcher, _scope in self.context_matchers.values()]
        return MatcherSet([*self.matchers.values(), *contexts])

    @cached_property
    def labels(self) -> dict[tuple[str, str], tuple[str, str, str, str]]:
        """(label_fa, label_en, theme_fa, theme_en) of each (theme, sub-theme)."""
        table = self.subthemes
        keys = zip(table["theme"], table["subtheme"], strict=True)
        values = zip(table["label_fa"], table["label_en"], table["theme_fa"], table["theme_en"],
                     strict=True)
        return dict(zip(keys, values, strict=True))


Theme = Themes  # short alias used in signatures


def _fail(source: str, where: str, problem: str) -> LexiconError:
    return LexiconError(f"{source}: {where}: {problem}")


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise LexiconError(
                f"duplicate key {key!r} at line {key_node.start_mark.line + 1} (first at line "
                f"{seen[key] + 1}): merge the two entries or rename one."
            )
        seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read(path: Path) -> object:
    try:
        read_yaml(path)  # existence, encoding and syntax errors, with line numbers
    except LexiconError as err:
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        if re.search(r"(?:^|[\[,:-])\s*\*[^\s\x00-\x7f]", text, re.M):
            raise LexiconError(
                f"{err} A word starting with '*' reads as a YAML alias: '*' may only end a word "
                "(تروریس*), there are no leading wildcards."
            ) from None
        raise
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except LexiconError as err:
        raise LexiconError(f"{path}: {err}") from None


def load_themes(path: str | os.PathLike | Mapping | None = None) -> Theme:
    """Load and validate a theme dictionary (default: the package's ``data/themes/themes.yaml``)."""
    if isinstance(path, Mapping):
        data, source = path, "<dict>"
    else:
        file = Path(path) if path is not None else default_themes_path()
        data, source = _read(file), str(file.name if path is None else file)
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


def _unknown(entry: Mapping, allowed: set[str], source: str, where: str) -> None:
    extra = sorted(set(entry) - allowed)
    if extra:
        raise _fail(
            source, where, f"unknown field(s) {extra}; allowed are {sorted(allowed)} (a typo?)."
        )


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
        _unknown(entry, _THEME_FIELDS, source, where)
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
            _unknown(sub, _SUB_FIELDS, source, swhere)
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


def _normal_form(pattern: str) -> tuple[tuple[str, bool], ...]:
    phrase = parse_pattern(pattern, "")
    return tuple(zip(phrase.words, phrase.prefix, strict=True))


def _check_normalised_duplicates(patterns: pd.DataFrame, source: str) -> None:
    """Within one theme, two patterns that normalise to the same words are an error."""
    forms = patterns["pattern"].map(_normal_form)
    for theme, rows in patterns.assign(form=forms).groupby("theme", sort=False):
        repeated = rows[rows.duplicated("form", keep=False)]
        if len(repeated):
            listing = ", ".join(f"{p} ({s})" for p, s in zip(
                repeated["pattern"], repeated["subtheme"], strict=True))
            raise LexiconError(
                f"{source}: theme {theme}: patterns {listing} are the same after normalisation "
                "(ZWNJ, ی/ک, digits); keep one."
            )


_DEFAULT: dict[str, Theme] = {}


def _themes(themes: Theme | str | os.PathLike | Mapping | None) -> Theme:
    if isinstance(themes, Theme):
        return themes
    if themes is None:
        path = default_themes_path()
        stamp = f"{path}:{path.stat().st_mtime_ns}" if path.is_file() else str(path)
        if stamp not in _DEFAULT:
            _DEFAULT.clear()
            _DEFAULT[stamp] = load_themes()
        return _DEFAULT[stamp]
    return load_themes(themes)


def _word_counts(doc: Document, *, paragraphs: bool = True) -> tuple[int, pd.Series | None]:
    """Words in ``doc``, and per body paragraph (None when ``paragraphs`` is false)."""
    tokens = doc._token_columns
    if not paragraphs:
        return tokens.words, None
    ids = tokens.paragraph[tokens.is_word & ~tokens.outside_body]
    n = len(doc._paragraph_spans)
    # Without paragraphs the index is the (object-typed) column of the empty table, as always.
    index = pd.Index(np.arange(n), name="paragraph") if n else doc.paragraphs["paragraph"]
    known = (ids >= 0) & (ids < len(index))
    counts = np.bincount(ids[known], minlength=len(index))
    return tokens.words, pd.Series(counts, index=index, dtype="int64")


def find_themes(doc: Document, themes: Theme | str | os.PathLike | None = None) -> pd.DataFrame:
    """One row per theme mention: raw span, surface, theme, sub-theme, labels, pattern, place."""
    if not isinstance(doc, Document):
        raise TypeError("find_themes() takes a Document; load the text with load_document().")
    book = _themes(themes)
    mentions = themes_table(theme_rows(doc, book), doc.doc_id, book)
    total, per_paragraph = _word_counts(doc)
    # .attrs hold plain values only, so that a mention table pickles, saves to Parquet with
    # its attrs, and copies cheaply (pandas deep-copies .attrs on every operation); the
    # dictionary is named by a key into _BOOKS.
    mentions.attrs = {"doc_id": doc.doc_id, "words": total,
                      "paragraph_words": per_paragraph.to_dict(), "themes": _book_key(book),
                      "themes_source": book.source}
    return mentions


# The theme dictionaries mention tables were found with, by key, for as long as they are in use.
_BOOKS: weakref.WeakValueDictionary[str, Theme] = weakref.WeakValueDictionary()


def _book_key(book: Theme) -> str:
    key = book._cache.get("key")
    if key is None or _BOOKS.get(key) is not book:  # new, or a copy of another dictionary
        key = book._cache["key"] = f"{book.source}#{uuid.uuid4().hex[:12]}"
        _BOOKS[key] = book
    return key


def _book_of(mentions: pd.DataFrame) -> Theme | None:
    """The theme dictionary a mention table was found with (None if it does not say)."""
    key = mentions.attrs.get("themes")
    if not isinstance(key, str):
        return None
    book = _BOOKS.get(key)
    if book is None:  # the dictionary object is gone; the default one can be loaded again
        source = mentions.attrs.get("themes_source")
        default = _themes(None)
        if source != default.source:
            raise ValueError(
                f"These mentions were found with the theme dictionary {source!r}, which is no "
                "longer loaded; pass it again as themes= (helpers.load_themes(path))."
            )
        return default
    return book


def theme_rows(doc: Document, book: Theme | None = None) -> Rows:
    """The rows of ``find_themes`` as plain columns (see ``helpers._rows``)."""
    book = book if book is not None else _themes(None)
    tokens = doc._token_columns
    scan = _Scan(tokens.norm, book, tokens.vocabulary)
    found = [(theme, scan.matches(matcher)) for theme, matcher in book.matchers.items()]
    found = _apply_context(found, book, tokens, scan)
    flat = [(theme, *match) for theme, matches in found for match in matches]
    theme, first, last, phrase, rank = (
        map(list, zip(*flat, strict=True)) if flat else ([] for _ in range(5)))
    first = np.array(first, dtype=np.int64)
    last = np.array(last, dtype=np.int64)
    start, end = tokens.start[first], tokens.end[last - 1]
    # Rows in order of (start, end, theme name); that is unique, since one theme's matches
    # never overlap.
    theme_rank = _theme_ranks(book)
    order = np.lexsort((np.array([theme_rank[t] for t in theme], dtype=np.int64), end, start))
    pick = order.tolist()
    theme, phrase, rank = ([column[k] for k in pick] for column in (theme, phrase, rank))
    start, end, first, last = start[order], end[order], first[order], last[order]
    raw = doc.raw
    return {
        "start": start,
        "end": end,
        "surface": [raw[s:e] for s, e in zip(start.tolist(), end.tolist(), strict=True)],
        "theme": theme,
        "subtheme": [p.key[0] for p in phrase],
        "entry": np.array(list(map(_entries(book)[0].__getitem__, map(id, phrase))),
                          dtype=np.int64),
        "form": [FORM_NAMES[r] for r in rank],
        "in_context": np.array([bool(p.key[1]) for p in phrase], dtype=bool),
        "paragraph": tokens.paragraph[first],
        "sentence": tokens.sentence[first],
        "part": tokens.part[first],
        "first_token": first,
        "end_token": last,
    }


def _theme_ranks(book: Theme) -> dict[str, int]:
    """Each theme's place in the sorted theme names (the tie-break of mention order)."""
    if "theme_ranks" not in book._cache:
        book._cache["theme_ranks"] = {t: i for i, t in enumerate(sorted(book.matchers))}
    return book._cache["theme_ranks"]


def _entries(book: Theme) -> tuple[dict[int, int], dict[str, Any]]:
    """Each phrase's entry (by ``id``), and per entry its theme, sub-theme, labels and pattern.

    Built once per dictionary, so that a mention table takes its label columns by entry instead
    of looking labels up and converting text row by row.
    """
    if "entries" not in book._cache:
        entry_of, keys, patterns = {}, [], []
        for theme, matcher in book.matchers.items():
            for phrase in matcher.phrases:
                entry_of[id(phrase)] = len(keys)
                keys.append((theme, phrase.key[0]))
                patterns.append(phrase.pattern)
        labels = [book.labels[k] for k in keys]
        values = {"theme": [t for t, _ in keys], "subtheme": [s for _, s in keys],
                  **dict(zip(("label_fa", "label_en", "theme_fa", "theme_en"),
                             map(list, zip(*labels, strict=True)), strict=True)),
                  "pattern": patterns}
        book._cache["entries"] = (entry_of, {c: strings(v) for c, v in values.items()})
    return book._cache["entries"]


def themes_table(rows: Rows, doc_id, book: Theme | None = None) -> pd.DataFrame:
    """The table of ``find_themes`` from ``theme_rows`` (of one document or several joined)."""
    book = book if book is not None else _themes(None)
    entries = {c: v.take(rows["entry"]) for c, v in _entries(book)[1].items()}
    return pd.DataFrame({
        **span_columns(rows, doc_id),
        **entries,
        "form": strings(rows["form"]),
        "in_context": rows["in_context"],
        **position_columns(rows),
        "first_token": rows["first_token"],
        "end_token": rows["end_token"],
    })


class _Scan:
    """All the matchers of a dictionary (themes and context phrases), run in one pass.

    ``book.scanner`` visits each token once and keeps every matcher's own leftmost-longest,
    non-overlapping matches, so one matcher's share is exactly what it would find alone.
    """

    def __init__(self, norms: list[str], book: Theme, vocabulary=None):
        self.book = book
        self.found = book.scanner.matches(norms, vocabulary)

    def matches(self, matcher: PhraseMatcher) -> list[tuple[int, int, Phrase, int]]:
        """One matcher's matches: (first token, end token, phrase, form rank)."""
        return self.found[self.book.scanner.matchers.index(matcher)]

    def find(self, matcher: PhraseMatcher, tokens: pd.DataFrame, raw: str) -> pd.DataFrame:
        """One matcher's matches as the table ``PhraseMatcher.find`` returns."""
        return matches_table(self.matches(matcher), tokens, raw)


def _apply_context(
    found: list[tuple[str, list[tuple]]], book: Theme, tokens: TokenColumns, scan: _Scan
) -> list[tuple[str, list[tuple]]]:
    """Drop context-only matches that have no context phrase in their sentence or paragraph."""
    if not any(p.key[1] for _theme, matches in found for _f, _l, p, _r in matches):
        return found
    units = {}
    for (theme, sub), (matcher, scope) in book.context_matchers.items():
        unit = tokens.sentence_key if scope == "sentence" else tokens.paragraph_key
        hits = [first for first, _last, _p, _r in scan.matches(matcher)]
        units[(theme, sub)] = (unit, set(unit[hits].tolist()))
    kept = []
    for theme, matches in found:
        mine = []
        for match in matches:
            key = match[2].key
            if key[1]:
                unit, seen = units[(theme, key[0])]
                if unit[match[0]] not in seen:
                    continue
            mine.append(match)
        kept.append((theme, mine))
    return kept


def _count_keys(book: Theme, by: str) -> pd.DataFrame:
    """The rows of a count table (cached on the dictionary: treat as read-only)."""
    if by not in ("theme", "subtheme"):
        raise ValueError(f"by must be 'theme' or 'subtheme', not {by!r}.")
    key = ("count_keys", by)
    if key not in book._cache:
        if by == "theme":
            table = book.themes[["theme", "theme_fa", "theme_en"]]
            table = table.rename(columns={"theme_fa": "label_fa", "theme_en": "label_en"})
        else:
            table = book.subthemes[["theme", "subtheme", "label_fa", "label_en", "theme_fa",
                                    "theme_en"]]
        book._cache[key] = table
    return book._cache[key]


def _count_columns(book: Theme, by: str) -> dict[str, pd.api.extensions.ExtensionArray]:
    """The key columns of a count table, typed once as a table built from them would type them."""
    key = ("count_columns", by)
    if key not in book._cache:
        keys = _count_keys(book, by)
        typed = pd.DataFrame({c: keys[c].to_numpy() for c in keys.columns})
        book._cache[key] = {c: typed[c].array for c in typed.columns}
    return book._cache[key]


def theme_count_rows(rows: Rows, words: int, book: Theme, *, by: str = "theme") -> Rows:
    """One document's count per theme (dictionary order) from its ``theme_rows``, and its words."""
    group = ["theme"] if by == "theme" else ["theme", "subtheme"]
    cache_key = ("count_tuples", by)
    if cache_key not in book._cache:
        keys = _count_keys(book, by)
        book._cache[cache_key] = list(zip(*(keys[c].tolist() for c in group)))
    found = Counter(zip(*(rows[c] for c in group)))
    count = np.array([found.get(k, 0) for k in book._cache[cache_key]], dtype=np.int64)
    return {"count": count, "words": np.full(len(count), words, dtype=np.int64)}


def theme_counts_table(rows: Rows, doc_id, book: Theme, *, by: str = "theme") -> pd.DataFrame:
    """The per-document table of ``theme_counts`` from ``theme_count_rows`` (joined or not)."""
    count, words = rows["count"], rows["words"]
    columns = _count_columns(book, by)
    size = len(next(iter(columns.values())))
    if len(count) != size:  # the rows of several documents: the keys repeat for each
        columns = {c: v.take(np.tile(np.arange(size), len(count) // size))
                   for c, v in columns.items()}
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(words > 0, np.round(1000 * count / words.astype(float), 3), 0.0)
    return pd.DataFrame({"doc_id": doc_id, **columns, "count": count, "words": words,
                         "per_1000": rate})


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
    if per not in ("document", "paragraph"):
        raise ValueError(f"per must be 'document' or 'paragraph', not {per!r}.")
    if isinstance(doc_or_mentions, Document):
        doc = doc_or_mentions
        mentions = find_themes(doc, themes)
    elif isinstance(doc_or_mentions, pd.DataFrame):
        mentions = doc_or_mentions
    else:
        raise TypeError("theme_counts() takes a Document or the table from find_themes().")
    book = _book_of(mentions) if themes is None else None
    if book is None:
        book = _themes(themes)
    if doc is not None:
        total, per_paragraph = _word_counts(doc, paragraphs=per == "paragraph")
        doc_id = doc.doc_id
    elif "words" in mentions.attrs:
        total = mentions.attrs["words"]
        per_paragraph = pd.Series(mentions.attrs["paragraph_words"], dtype="int64")
        doc_id = mentions.attrs.get("doc_id")
    else:
        raise ValueError(
            "These mentions carry no word counts (they were filtered or rebuilt); pass doc= "
            "with the Document they came from."
        )
    keys = _count_keys(book, by)
    group = ["theme"] if by == "theme" else ["theme", "subtheme"]
    if per == "document":
        rows = theme_count_rows({c: mentions[c].tolist() for c in group}, total, book, by=by)
        return theme_counts_table(rows, doc_id, book, by=by)
    body = mentions[mentions["paragraph"].notna()]
    counts = body.groupby([*group, "paragraph"], sort=False).size().rename("count")
    grid = per_paragraph.rename("words").rename_axis("paragraph").reset_index()
    table = keys.merge(grid, how="cross")
    table = table.merge(counts.reset_index().astype({"paragraph": "int64"}),
                        on=[*group, "paragraph"], how="left")
    table.insert(0, "doc_id", doc_id)
    table.insert(1, "paragraph", table.pop("paragraph"))
    table.insert(2, "paragraph_no", table["paragraph"] + 1)
    table["count"] = table["count"].fillna(0).astype("int64")
    words = table["words"].astype(float)
    table["per_1000"] = np.where(words > 0, 1000 * table["count"] / words.where(words > 0, 1), 0.0)
    table["per_1000"] = table["per_1000"].round(3)
    return table.reset_index(drop=True)


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
    table = book.patterns.assign(form=book.patterns["pattern"].map(_normal_form))
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


# ---------------------------------------------------------------------------- figures


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

    from helpers.figures import bar_counts

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

    from helpers.figures import fa
    from helpers.figures import persian_digits as to_persian

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
        from helpers.figures import persian_digit_formatter

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

    from helpers.figures import fa
    from helpers.figures import persian_digits as to_persian

    if by not in ("theme", "subtheme"):
        raise ValueError(f"by must be 'theme' or 'subtheme', not {by!r}.")
    book = _book_of(mentions) or _themes(None)
    keys = _count_keys(book, by)
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
        from helpers.figures import persian_digit_formatter

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
