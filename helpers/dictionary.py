"""Dictionaries: one type for every word list the package matches, and the verbs that use it.

A :class:`Dictionary` holds **entries** grouped in **categories**. Each entry has a key, an
English and a Persian label, optional attributes (a code, a parent, coordinates ...) and its
Persian **patterns** (space-separated words, a trailing ``*`` for any ending, quanteda's globs
``*``/``?`` anywhere in a word). Patterns marked ``context_patterns`` count only in a sentence (or
paragraph) that also holds one of the entry's ``context`` phrases.

Three layouts load into it (:func:`load_dictionary`):

- **quanteda's YAML dictionaries** as they are: nested keys down to lists of patterns. The
  top-level key is the category, the key above each list the entry (``economy: {jobs: [...]}``);
  a list directly under a top-level key is an entry of the same name.
- **this package's layout** (``entries:`` with labels, categories, attributes and context rules):
  the threat lexicon, the actors dictionary, a researcher's richer dictionary.
- the theme layout (``themes:``) and the gazetteer table, which the shipped data use.

:func:`find` gives one mention table with the same columns for every dictionary (see
``MENTION_COLUMNS``), every row a span into ``doc.raw``; :func:`counts` counts any mention table
per document or paragraph, by entry or category, raw and per 1,000 words.

Matching rules (what a count means): with ``overlap: category`` (the default, as quanteda's
lookup counts each key on its own) a stretch of text can count once in each category but never
twice within one, the longest pattern winning; with ``overlap: none`` the whole dictionary is
leftmost-longest and non-overlapping (a threat, a place is named once).
"""

from __future__ import annotations

import os
import re
import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from helpers._rows import Rows, strings
from helpers.lexicons import LexiconError, duplicates, file_stamp, read_yaml
from helpers.matching import FORM_NAMES, MatcherSet, PatternError, PhraseMatcher, parse_pattern
from helpers.tokens import position_columns, span_columns

#: The columns of every mention table, whatever the dictionary; attributes follow them.
MENTION_COLUMNS = [
    "doc_id", "start", "end", "surface", "category", "key", "label_fa", "label_en",
    "category_fa", "category_en", "pattern", "form", "in_context", "paragraph", "sentence",
    "part", "first_token", "end_token",
]
ENTRY_COLUMNS = ["category", "key", "label_fa", "label_en", "category_fa", "category_en",
                 "description"]
OVERLAPS = ("category", "none")
SCOPES = ("sentence", "paragraph")
_NAME = re.compile(r"[^\W\d][\w.\-]*")
_ENTRY_FIELDS = {"key", "label", "label_en", "label_fa", "category", "description", "why",
                 "patterns", "context_patterns", "context", "context_scope", "attributes",
                 "exclude"}
_CATEGORY_FIELDS = {"label", "label_en", "label_fa", "anchor", "meaning", "description"}
_TOP_FIELDS = {"name", "description", "source", "licence", "license", "overlap", "categories",
               "entries", "attributes", "exclude"}
_EXCLUSION_COLUMNS = ["category", "key", "pattern"]


@dataclass(frozen=True, eq=False)
class Dictionary:
    """A validated dictionary: categories, entries, patterns and context rules as tables.

    ``entries`` has one row per entry (``ENTRY_COLUMNS`` and the attribute columns), ``patterns``
    one per pattern (``category, key, pattern, in_context``), ``contexts`` one per context
    phrase (``category, key, pattern, scope``), ``exclusions`` one per phrase inside which an
    entry's patterns do not count (``category, key, pattern``; no key: every entry), as «حمله
    قلبی» (a heart attack) for «حمله». Matchers are built on first use and cached.
    """

    name: str
    entries: pd.DataFrame
    patterns: pd.DataFrame
    contexts: pd.DataFrame
    overlap: str = "category"
    source: str = "<dict>"
    attributes: tuple[str, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)
    exclusions: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=_EXCLUSION_COLUMNS))
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __reduce__(self):
        # A copy or a pickle carries the tables only; matchers and memos are built anew.
        return (Dictionary, (self.name, self.entries, self.patterns, self.contexts, self.overlap,
                             self.source, self.attributes, dict(self.meta), self.exclusions))

    def __repr__(self) -> str:
        return (f"Dictionary({self.name!r}: {self.entries['category'].nunique()} categories, "
                f"{len(self.entries)} entries, {len(self.patterns)} patterns; "
                f"from {self.source})")

    def _repr_html_(self) -> str:
        from helpers.display import show

        return show(self.table())._repr_html_()

    @cached_property
    def categories(self) -> pd.DataFrame:
        """One row per category, in dictionary order: ``category, category_fa, category_en``
        (cached: treat as read-only)."""
        return (self.entries[["category", "category_fa", "category_en"]]
                .drop_duplicates("category").reset_index(drop=True))

    def table(self) -> pd.DataFrame:
        """One row per entry with its labels and its patterns joined by ``|`` (for reading)."""
        def joined(rows: pd.DataFrame) -> dict:
            return rows.groupby(["category", "key"], sort=False)["pattern"].agg(" | ".join)

        always = joined(self.patterns[~self.patterns["in_context"]])
        near = joined(self.patterns[self.patterns["in_context"]])
        context = joined(self.contexts)
        keys = list(zip(self.entries["category"], self.entries["key"], strict=True))
        table = self.entries.drop(columns=["description"]).copy()
        table["patterns"] = [always.get(k, "") for k in keys]
        table["context_patterns"] = [near.get(k, "") for k in keys]
        table["context"] = [context.get(k, "") for k in keys]
        return table

    # ------------------------------------------------------------------ matching machinery

    @cached_property
    def matchers(self) -> dict[str, PhraseMatcher]:
        """The pattern matchers: one per category, or one for all (``overlap: none``)."""
        table = self.patterns.assign(entry=self._entry_index(self.patterns))
        groups = (table.groupby("category", sort=False) if self.overlap == "category"
                  else [("*", table)])
        out = {}
        for group, rows in groups:
            keys = zip(rows["entry"].tolist(), rows["in_context"].tolist(), strict=True)
            try:
                out[group] = PhraseMatcher(zip(rows["pattern"], keys, strict=True))
            except PatternError as err:
                raise LexiconError(f"{self.source}: {err}") from None
        return out

    @cached_property
    def context_matchers(self) -> dict[int, tuple[PhraseMatcher, str]]:
        """A matcher (and its scope) for the context phrases of each entry that has them."""
        table = self.contexts.assign(entry=self._entry_index(self.contexts))
        return {int(entry): (PhraseMatcher((p, "context") for p in rows["pattern"]),
                             rows["scope"].iloc[0])
                for entry, rows in table.groupby("entry", sort=False)}

    @cached_property
    def exclusion_matchers(self) -> dict[int, PhraseMatcher]:
        """A matcher of the exclusions of each entry that has them (-1: of every entry)."""
        table = self.exclusions
        entry = np.full(len(table), -1, dtype=np.int64)
        own = table["key"].notna().to_numpy(dtype=bool)
        if own.any():
            entry[own] = self._entry_index(table[own])
        return {int(e): PhraseMatcher((p, "exclude") for p in rows["pattern"])
                for e, rows in table.assign(entry=entry).groupby("entry", sort=False)}

    @cached_property
    def scanner(self) -> MatcherSet:
        """Every matcher of the dictionary (patterns, contexts, exclusions), run in one pass."""
        contexts = [matcher for matcher, _scope in self.context_matchers.values()]
        return MatcherSet([*self.matchers.values(), *contexts,
                           *self.exclusion_matchers.values()])

    def _entry_index(self, table: pd.DataFrame) -> np.ndarray:
        index = pd.MultiIndex.from_frame(self.entries[["category", "key"]])
        return index.get_indexer(pd.MultiIndex.from_frame(table[["category", "key"]]))

    @cached_property
    def _entry_columns(self) -> dict[str, pd.api.extensions.ExtensionArray]:
        """The label and attribute columns of a mention table, per entry, typed once."""
        columns = ["category", "key", "label_fa", "label_en", "category_fa", "category_en"]
        return {c: strings([None if pd.isna(v) else str(v) for v in self.entries[c]])
                for c in [*columns, *self.attributes]}

    @cached_property
    def _patterns_by_phrase(self) -> tuple[dict[int, int], Any]:
        """Each phrase's row number (by ``id``) and the pattern text of every row."""
        row_of, texts = {}, []
        for matcher in self.matchers.values():
            for phrase in matcher.phrases:
                row_of[id(phrase)] = len(texts)
                texts.append(phrase.pattern)
        return row_of, strings(texts)

    @cached_property
    def _category_rank(self) -> np.ndarray:
        """Each entry's category's rank among the sorted category names (tie-break of order)."""
        names = sorted(set(self.entries["category"]))
        rank = {c: i for i, c in enumerate(names)}
        return np.array([rank[c] for c in self.entries["category"]], dtype=np.int64)


# ------------------------------------------------------------------------------ loading


def load_dictionary(
    source: str | os.PathLike | Mapping | Dictionary, *, name: str | None = None,
    overlap: str | None = None,
) -> Dictionary:
    """Load and validate a dictionary: a YAML file (quanteda's or this package's layout), the
    gazetteer CSV, or a mapping. Files are cached by path, size and modification time."""
    if isinstance(source, Dictionary):
        return source
    if isinstance(source, Mapping):
        return _build(source, "<dict>", name or "dictionary", overlap)
    path = Path(source)
    if path.suffix.lower() in (".csv", ".tsv"):
        from helpers.places import gazetteer_dictionary

        return gazetteer_dictionary(path, name=name)
    key = (str(path.resolve()) if path.exists() else str(path), file_stamp(path), name, overlap)
    cached = _CACHE.get(key)
    if cached is None:
        data = read_yaml(path)
        cached = _build(data, str(path), name or _default_name(data, path), overlap)
        if len(_CACHE) >= 32:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = cached
    return cached


_CACHE: dict[tuple, Dictionary] = {}


def _default_name(data: object, path: Path) -> str:
    if isinstance(data, Mapping) and isinstance(data.get("name"), str) and data["name"].strip():
        return data["name"].strip()
    return path.stem


def _fail(source: str, where: str, problem: str) -> LexiconError:
    return LexiconError(f"{source}: {where}: {problem}")


def _build(data: object, source: str, name: str, overlap: str | None) -> Dictionary:
    if not isinstance(data, Mapping) or not data:
        raise LexiconError(
            f"{source}: a dictionary is a mapping: quanteda's layout (category: [patterns] or "
            "category: {entry: [patterns]}) or this package's (entries: [...]).")
    if "themes" in data:
        from helpers.themes import themes_from_mapping

        return themes_from_mapping(data, source).dictionary
    if "entries" in data:
        return _build_rich(data, source, name, overlap)
    return _build_quanteda(data, source, name, overlap or "category")


def check_fields(entry: Mapping, allowed: set[str], source: str, where: str) -> None:
    """Raise a LexiconError naming any field of ``entry`` that is not ``allowed`` (a typo?)."""
    extra = sorted(set(entry) - allowed)
    if extra:
        raise _fail(source, where, f"unknown field(s) {extra}; allowed are {sorted(allowed)} "
                    "(a typo?).")


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _check_name(key: object, source: str, where: str) -> str:
    if not isinstance(key, (str, int)) or isinstance(key, bool) \
            or not _NAME.fullmatch(str(key).strip()):
        raise _fail(source, where, f"key {key!r} must be a name (letters, digits, _ . -), "
                    "starting with a letter, such as terrorism or west_africa.")
    return str(key).strip()


def _patterns(value: object, source: str, where: str, field_name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _fail(source, where, f"{field_name} must be a list of Persian words or phrases, "
                    f"not {type(value).__name__}.")
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise _fail(source, where, f"{field_name} has an empty or non-text entry {item!r}; "
                        "write each pattern as text.")
        try:
            parse_pattern(item, where)
        except PatternError as err:
            raise _fail(source, where, str(err)) from None
        out.append(" ".join(item.split()))
    return list(dict.fromkeys(out))


def _build_quanteda(data: Mapping, source: str, name: str, overlap: str) -> Dictionary:
    """quanteda's layout: category -> [patterns] or category -> {entry: ... -> [patterns]}."""
    entries, patterns = [], []

    def walk(node: object, category: str, path: list[str]) -> None:
        where = "key " + ".".join(path)
        if isinstance(node, (list, str)):
            key = path[-1] if len(path) > 1 else category
            label = ".".join(path[1:]) if len(path) > 1 else category
            found = _patterns(node, source, where, "patterns")
            if not found:
                raise _fail(source, where, "has no patterns: add at least one.")
            entries.append({"category": category, "key": key, "label_en": label,
                            "label_fa": label, "category_en": category,
                            "category_fa": category, "description": ""})
            patterns.extend((category, key, p, False) for p in found)
        elif isinstance(node, Mapping) and node:
            for child, value in node.items():
                walk(value, category, [*path, _check_name(child, source, where)])
        else:
            raise _fail(source, where, "must hold a list of patterns or further keys.")

    for category, node in data.items():
        category = _check_name(category, source, f"key {category!r}")
        walk(node, category, [category])
    return _finish(name, entries, patterns, [], overlap, source, (), {})


def _build_rich(data: Mapping, source: str, name: str, overlap: str | None) -> Dictionary:
    """This package's layout: categories (labels, anchors) and entries (labels, patterns ...)."""
    check_fields(data, _TOP_FIELDS, source, "top level")
    categories = data.get("categories") or {}
    if not isinstance(categories, Mapping):
        raise _fail(source, "categories", "must be a mapping of category names to labels.")
    cats = {}
    for cat, info in categories.items():
        cat = _check_name(cat, source, f"category {cat!r}")
        if isinstance(info, Mapping) and getattr(info, "line", None):
            cat_where = f"category {cat} (line {info.line})"
        else:
            cat_where = f"category {cat}"
        if not isinstance(info, Mapping):
            raise _fail(source, cat_where, "must be a mapping with label and label_fa.")
        check_fields(info, _CATEGORY_FIELDS, source, cat_where)
        label = _text(info.get("label_en") or info.get("label"))
        if not label:
            raise _fail(source, cat_where, "needs a label (English).")
        cats[cat] = (label, _text(info.get("label_fa")) or label,
                     _text(info.get("meaning") or info.get("description")),
                     _text(info.get("anchor")))
    attributes = data.get("attributes") or []
    if not isinstance(attributes, list) or not all(isinstance(a, str) for a in attributes):
        raise _fail(source, "attributes", "must be a list of attribute names (code, country ...).")
    attributes = [_check_name(a, source, f"attribute {a!r}") for a in attributes]
    clash = sorted(set(attributes) & set(MENTION_COLUMNS))
    if clash:
        raise _fail(source, "attributes", f"{clash} are mention-table columns; rename them.")
    items = data["entries"]
    if not isinstance(items, list) or not items:
        raise _fail(source, "entries", "must be a non-empty list of entries.")
    entries, patterns, contexts = [], [], []
    exclusions = [(None, None, p) for p in _patterns(data.get("exclude"), source, "exclude",
                                                     "exclude")]
    for number, item in enumerate(items, start=1):
        line = getattr(item, "line", None)
        at = f", line {line}" if line else ""
        where = f"entry {number}{at}"
        if not isinstance(item, Mapping):
            raise _fail(source, where, "must be a mapping with label, category and patterns.")
        check_fields(item, _ENTRY_FIELDS, source, where)
        label = item.get("label_en", item.get("label"))
        if not isinstance(label, str) or not label.strip():
            raise _fail(source, where, "needs a label (its English name, a text).")
        label = _text(label)
        where = f"entry {number} ({label}{at})"
        category = item.get("category")
        if cats:
            if not isinstance(category, str) or category not in cats:
                raise _fail(source, where, f"has category {category!r}; use one of "
                            f"{', '.join(cats)}.")
        elif category is None:
            category = "all"
        category = _check_name(category, source, where)
        key = item.get("key")
        key = _check_name(key, source, where) if key is not None else _slug(label)
        label_fa = item.get("label_fa")
        if label_fa is not None and (not isinstance(label_fa, str) or not label_fa.strip()):
            raise _fail(source, where, "label_fa must be a non-empty text.")
        values = item.get("attributes") or {}
        if not isinstance(values, Mapping) or set(values) - set(attributes):
            raise _fail(source, where, f"attributes must be a mapping of names declared under "
                        f"the top-level `attributes:` ({attributes or 'none declared'}).")
        always = _patterns(item.get("patterns"), source, where, "patterns")
        near = _patterns(item.get("context_patterns"), source, where, "context_patterns")
        ctx = _patterns(item.get("context"), source, where, "context")
        if not always and not near:
            raise _fail(source, where, "has no patterns: add at least one.")
        if bool(near) != bool(ctx):
            raise _fail(source, where, "context_patterns and context go together: give both.")
        scope = item.get("context_scope", "sentence")
        if scope not in SCOPES:
            raise _fail(source, where, f"context_scope must be one of {SCOPES}.")
        cat_en, cat_fa = cats[category][:2] if category in cats else (category, category)
        entries.append({
            "category": category, "key": key, "label_en": label,
            "label_fa": _text(label_fa) or label, "category_en": cat_en, "category_fa": cat_fa,
            "description": _text(item.get("description") or item.get("why")),
            **{a: None if values.get(a) is None else str(values[a]) for a in attributes},
        })
        patterns += [(category, key, p, False) for p in always]
        patterns += [(category, key, p, True) for p in near]
        contexts += [(category, key, p, scope) for p in ctx]
        exclusions += [(category, key, p)
                       for p in _patterns(item.get("exclude"), source, where, "exclude")]
    meta = {k: data[k] for k in ("description", "source", "licence", "license") if k in data}
    meta["categories"] = {c: {"label_en": v[0], "label_fa": v[1], "meaning": v[2],
                              "anchor": v[3]} for c, v in cats.items()}
    return _finish(name, entries, patterns, contexts,
                   overlap or data.get("overlap", "category"), source, tuple(attributes), meta,
                   exclusions)


def _slug(label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    return slug if slug and slug[0].isalpha() else f"entry-{slug}"


def _finish(name, entries, patterns, contexts, overlap, source, attributes, meta,
            exclusions=()) -> Dictionary:
    if overlap not in OVERLAPS:
        raise LexiconError(f"{source}: overlap must be one of {OVERLAPS}, not {overlap!r}.")
    entry_table = pd.DataFrame(entries, columns=[*ENTRY_COLUMNS, *attributes])
    keys = list(zip(entry_table["category"], entry_table["key"], strict=True))
    repeated = duplicates(keys)
    if repeated:
        raise LexiconError(f"{source}: the entry key {repeated[0][1]!r} is used twice in "
                           f"category {repeated[0][0]!r}; give each entry its own key.")
    pattern_table = pd.DataFrame(patterns, columns=["category", "key", "pattern", "in_context"])
    pattern_table = check_pattern_clashes(pattern_table, source, overlap)
    return Dictionary(
        name=name, entries=entry_table, patterns=pattern_table,
        contexts=pd.DataFrame(contexts, columns=["category", "key", "pattern", "scope"]),
        overlap=overlap, source=source, attributes=tuple(attributes), meta=meta,
        exclusions=pd.DataFrame(list(exclusions), columns=_EXCLUSION_COLUMNS))


def normal_form(pattern: str) -> tuple[tuple[str, bool], ...]:
    """A pattern's words as matched (normalised) with their wildcard flags."""
    phrase = parse_pattern(pattern, "")
    return tuple(zip(phrase.words, phrase.prefix, strict=True))


def check_pattern_clashes(patterns: pd.DataFrame, source: str, overlap: str) -> pd.DataFrame:
    """``patterns`` without spellings of one entry that normalise alike (بمبگذاری/بمب‌گذاری);
    the same normalised pattern in two entries that compete (one category, or all) is an error."""
    if patterns.empty:
        return patterns
    table = patterns.assign(form=patterns["pattern"].map(normal_form))
    table = table[~table.duplicated(["category", "key", "in_context", "form"])]
    scope = ["category", "form"] if overlap == "category" else ["form"]
    clash = table[table.duplicated(scope, keep=False)]
    if len(clash):
        first = clash[clash["form"] == clash["form"].iloc[0]]
        listing = ", ".join(f"{p} ({c}/{k})" for p, c, k in zip(
            first["pattern"], first["category"], first["key"], strict=True))
        raise LexiconError(
            f"{source}: the patterns {listing} are the same after normalisation (ZWNJ, ی/ک, "
            f"digits), so a pattern appears more than once; keep each in one entry. "
            f"{clash['form'].nunique()} such pattern(s) in all.")
    return table.drop(columns="form").reset_index(drop=True)


# ------------------------------------------------------------------------------ writing


def save_dictionary(dictionary: Dictionary, path: str | os.PathLike, *,
                    format: str = "quanteda") -> Path:
    """Write a dictionary as YAML: ``quanteda`` (category: entry: [patterns], for R users) or
    ``rich`` (this package's layout, with labels, attributes and context rules)."""
    import yaml

    d = load_dictionary(dictionary)
    path = Path(path)
    if format == "quanteda":
        tree: dict[str, dict[str, list[str]]] = {}
        for (cat, key), rows in d.patterns.groupby(["category", "key"], sort=False):
            tree.setdefault(cat, {})[key] = rows["pattern"].tolist()
        data: Any = {cat: (entries[cat] if list(entries) == [cat] else entries)
                     for cat, entries in tree.items()}
    elif format == "rich":
        data = {"name": d.name, **{k: v for k, v in d.meta.items() if k != "categories"},
                "overlap": d.overlap}
        if d.attributes:
            data["attributes"] = list(d.attributes)
        info = d.meta.get("categories") or {}
        data["categories"] = {
            c: {"label": e, "label_fa": f, **{k: v for k, v in info.get(c, {}).items()
                                             if k in ("anchor", "meaning") and v}}
            for c, f, e in d.categories.itertuples(index=False)}
        every = d.exclusions[d.exclusions["key"].isna()]["pattern"].tolist()
        if every:
            data["exclude"] = every
        data["entries"] = [_rich_entry(d, row) for row in d.entries.itertuples(index=False)]
    else:
        raise ValueError(f"format must be 'quanteda' or 'rich', not {format!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
                    encoding="utf-8")
    return path


def _rich_entry(d: Dictionary, row) -> dict:
    mine = (d.patterns["category"] == row.category) & (d.patterns["key"] == row.key)
    rows = d.patterns[mine]
    entry = {"key": row.key, "label": row.label_en, "label_fa": row.label_fa,
             "category": row.category,
             "patterns": rows.loc[~rows["in_context"], "pattern"].tolist()}
    near = rows.loc[rows["in_context"], "pattern"].tolist()
    if near:
        ctx = d.contexts[(d.contexts["category"] == row.category)
                         & (d.contexts["key"] == row.key)]
        entry.update(context_patterns=near, context=ctx["pattern"].tolist(),
                     context_scope=ctx["scope"].iloc[0])
    excluded = d.exclusions[(d.exclusions["category"] == row.category)
                            & (d.exclusions["key"] == row.key)]["pattern"].tolist()
    if excluded:
        entry["exclude"] = excluded
    if row.description:
        entry["description"] = row.description
    values = {a: getattr(row, a) for a in d.attributes if not pd.isna(getattr(row, a))}
    if values:
        entry["attributes"] = values
    if not entry["patterns"]:
        del entry["patterns"]
    return entry


# ------------------------------------------------------------------------------ finding


def match_rows(doc, d: Dictionary) -> Rows:
    """The rows of :func:`find` as plain columns (see ``helpers._rows``); ``doc`` may be a batch."""
    tokens = doc.token_columns
    found = d.scanner.matches(tokens.norm, tokens.vocabulary)
    groups, contexts = len(d.matchers), len(d.context_matchers)
    kept = _apply_context(found[:groups], found[groups:groups + contexts], d, tokens)
    if d.exclusion_matchers:
        kept = _apply_exclusions(kept, found[groups + contexts:], d)
    flat = [m for matches in kept for m in matches]
    first = np.array([m[0] for m in flat], dtype=np.int64)
    last = np.array([m[1] for m in flat], dtype=np.int64)
    entry = np.array([m[2].key[0] for m in flat], dtype=np.int64)
    start, end = tokens.start[first], tokens.end[last - 1]
    # Rows in order of (start, end, category name): unique, since within a category (or the
    # whole dictionary) matches never overlap.
    order = np.lexsort((d._category_rank[entry] if len(entry) else entry, end, start))
    row_of = d._patterns_by_phrase[0]
    phrase = [flat[k][2] for k in order.tolist()]
    start, end, first, last, entry = (a[order] for a in (start, end, first, last, entry))
    raw = doc.raw
    return {
        "start": start,
        "end": end,
        "surface": [raw[s:e] for s, e in zip(start.tolist(), end.tolist(), strict=True)],
        "entry": entry,
        "pattern": np.array([row_of[id(p)] for p in phrase], dtype=np.int64),
        "form": np.array([flat[k][3] for k in order.tolist()], dtype=np.int8),
        "in_context": np.array([bool(p.key[1]) for p in phrase], dtype=bool),
        "paragraph": tokens.paragraph[first],
        "sentence": tokens.sentence[first],
        "part": tokens.part[first],
        "first_token": first,
        "end_token": last,
    }


def _apply_context(found: list[list[tuple]], context_found: list[list[tuple]], d: Dictionary,
                   tokens) -> list[list[tuple]]:
    """Drop context-only matches that have no context phrase in their sentence or paragraph."""
    if not any(m[2].key[1] for matches in found for m in matches):
        return found
    units = {}
    for (entry, (_matcher, scope)), hits in zip(d.context_matchers.items(), context_found,
                                                strict=True):
        unit = tokens.sentence_key if scope == "sentence" else tokens.paragraph_key
        units[entry] = (unit, set(unit[[h[0] for h in hits]].tolist()))
    kept = []
    for matches in found:
        mine = []
        for match in matches:
            entry, in_context = match[2].key
            if in_context:
                unit, seen = units[entry]
                if unit[match[0]] not in seen:
                    continue
            mine.append(match)
        kept.append(mine)
    return kept


def _apply_exclusions(found: list[list[tuple]], excluded: list[list[tuple]], d: Dictionary
                      ) -> list[list[tuple]]:
    """Drop matches that overlap an exclusion of their entry (or of every entry)."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for entry, hits in zip(d.exclusion_matchers, excluded, strict=True):
        spans.setdefault(entry, []).extend((h[0], h[1]) for h in hits)
    if not any(spans.values()):
        return found
    every = spans.get(-1, [])

    def free(match: tuple) -> bool:
        first, last = match[0], match[1]
        blocks = (*spans.get(match[2].key[0], ()), *every)
        return not any(start < last and first < end for start, end in blocks)

    return [[m for m in matches if free(m)] for matches in found]


_FORMS = strings(list(FORM_NAMES))


def mentions_table(rows: Rows, doc_id, d: Dictionary) -> pd.DataFrame:
    """The table of :func:`find` from :func:`match_rows` (of one document or several joined)."""
    entries = {c: v.take(rows["entry"]) for c, v in d._entry_columns.items()}
    attributes = {a: entries.pop(a) for a in d.attributes}
    return pd.DataFrame({
        **span_columns(rows, doc_id),
        **entries,
        "pattern": d._patterns_by_phrase[1].take(rows["pattern"]),
        "form": _FORMS.take(rows["form"].astype(np.int64)),
        "in_context": rows["in_context"],
        **position_columns(rows),
        "first_token": rows["first_token"],
        "end_token": rows["end_token"],
        **attributes,
    })


def finder(d: Dictionary) -> tuple[Any, Any]:
    """How ``d`` is found in a text (or a batch of texts): (rows function, table function).

    ``find`` is ``table(rows(doc), doc.doc_id)``; a corpus batch runs ``rows`` once on all its
    texts and builds the table once (see ``helpers.corpus``).
    """
    from functools import partial

    if d.meta.get("finder") == "gazetteer":
        from helpers.places import gazetteer_finder

        return gazetteer_finder(d)
    return partial(match_rows, d=d), partial(mentions_table, d=d)


def find(doc, dictionary: Dictionary | str | os.PathLike | Mapping) -> pd.DataFrame:
    """One row per mention of any dictionary entry in ``doc``: raw span, entry, labels, where.

    The columns are ``MENTION_COLUMNS`` for every dictionary, then its attributes (a gazetteer's
    country and coordinates, for example). Word counts travel in ``.attrs`` for :func:`counts`.
    """
    from helpers.document import Document

    if not isinstance(doc, Document):
        raise TypeError("find() takes a Document; load the text with helpers.load_document().")
    d = load_dictionary(dictionary)
    rows, table = finder(d)
    return with_word_counts(table(rows(doc), doc.doc_id), doc, d)


def with_word_counts(mentions: pd.DataFrame, doc, d: Dictionary) -> pd.DataFrame:
    """``mentions`` with the document's word counts and its dictionary named in ``.attrs``."""
    total, per_paragraph = word_counts(doc)
    # .attrs hold plain values only, so a mention table pickles, saves to Parquet with its
    # attrs and copies cheaply; the dictionary is named by a key into _REGISTRY.
    mentions.attrs = {"doc_id": doc.doc_id, "words": total,
                      "paragraph_words": per_paragraph.to_dict(),
                      "dictionary": register(d), "dictionary_source": d.source}
    return mentions


def word_counts(doc, *, paragraphs: bool = True) -> tuple[int, pd.Series | None]:
    """Words in ``doc``, and per body paragraph (None when ``paragraphs`` is false)."""
    tokens = doc.token_columns
    if not paragraphs:
        return tokens.words, None
    ids = tokens.paragraph[tokens.is_word & ~tokens.outside_body]
    n = len(doc.paragraph_spans)
    # Without paragraphs the index is the (object-typed) column of the empty table, as always.
    index = pd.Index(np.arange(n), name="paragraph") if n else doc.paragraphs["paragraph"]
    known = (ids >= 0) & (ids < len(index))
    found = np.bincount(ids[known], minlength=len(index))
    return tokens.words, pd.Series(found, index=index, dtype="int64")


# The dictionaries mention tables were found with, by key, for as long as they are in use.
_REGISTRY: weakref.WeakValueDictionary[str, Dictionary] = weakref.WeakValueDictionary()
_DEFAULTS: dict[str, Any] = {}


def remember_default(source: str, loader) -> None:
    """Say how to load a shipped dictionary again, for tables that outlive their object."""
    _DEFAULTS.setdefault(source, loader)


def register(d: Dictionary) -> str:
    """A key naming ``d`` in mention tables' ``.attrs`` (see :func:`dictionary_of`)."""
    key = d._cache.get("key")
    if key is None or _REGISTRY.get(key) is not d:  # new, or a copy of another dictionary
        key = d._cache["key"] = f"{d.source}#{uuid.uuid4().hex[:12]}"
        _REGISTRY[key] = d
    return key


def dictionary_of(mentions: pd.DataFrame) -> Dictionary | None:
    """The dictionary a mention table was found with (None if it does not say)."""
    key = mentions.attrs.get("dictionary")
    if not isinstance(key, str):
        return None
    d = _REGISTRY.get(key)
    if d is None:
        source = mentions.attrs.get("dictionary_source")
        loader = _DEFAULTS.get(source)
        if loader is None and isinstance(source, str) and Path(source).is_file():
            return load_dictionary(source)  # the object is gone, its file is still there
        if loader is None:
            raise ValueError(
                f"These mentions were found with the dictionary {source!r}, which is no longer "
                "loaded; pass it again as dictionary= (helpers.load_dictionary(path)).")
        return loader()
    return d


# ------------------------------------------------------------------------------ counting

COUNT_BY = {"category": ["category"], "key": ["category", "key"]}


def count_keys(d: Dictionary, by: str) -> pd.DataFrame:
    """The rows of a count table, one per category or entry (cached: treat as read-only)."""
    if by not in COUNT_BY:
        raise ValueError(f"by must be one of {', '.join(COUNT_BY)}, not {by!r}.")
    cached = d._cache.get(("count_keys", by))
    if cached is None:
        if by == "category":
            cached = d.categories.rename(columns={"category_fa": "label_fa",
                                                  "category_en": "label_en"})
        else:
            cached = d.entries[["category", "key", "label_fa", "label_en", "category_fa",
                                "category_en"]].reset_index(drop=True)
        d._cache[("count_keys", by)] = cached
    return cached


def _count_columns(d: Dictionary, by: str) -> dict[str, Any]:
    cached = d._cache.get(("count_columns", by))
    if cached is None:
        keys = count_keys(d, by)
        typed = pd.DataFrame({c: keys[c].to_numpy() for c in keys.columns})
        cached = d._cache[("count_columns", by)] = {c: typed[c].array for c in typed.columns}
    return cached


def count_rows(rows: Rows, words: int, d: Dictionary, *, by: str = "category") -> Rows:
    """One document's count per category or entry (dictionary order), from its match rows."""
    entry = np.asarray(rows["entry"], dtype=np.int64)
    if by == "key":
        count = np.bincount(entry, minlength=len(d.entries)).astype(np.int64)
    else:
        cat_of = d._cache.get("cat_of")
        if cat_of is None:
            rank = {c: i for i, c in enumerate(d.categories["category"])}
            cat_of = d._cache["cat_of"] = np.array([rank[c] for c in d.entries["category"]],
                                                   dtype=np.int64)
        count = np.bincount(cat_of[entry], minlength=len(d.categories)).astype(np.int64)
    return {"count": count, "words": np.full(len(count), words, dtype=np.int64)}


def counts_table(rows: Rows, doc_id, d: Dictionary, *, by: str = "category") -> pd.DataFrame:
    """The per-document table of :func:`counts` from :func:`count_rows` (joined or not)."""
    count, words = rows["count"], rows["words"]
    columns = _count_columns(d, by)
    size = len(next(iter(columns.values())))
    if len(count) != size:  # the rows of several documents: the keys repeat for each
        columns = {c: v.take(np.tile(np.arange(size), len(count) // size))
                   for c, v in columns.items()}
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(words > 0, np.round(1000 * count / words.astype(float), 3), 0.0)
    return pd.DataFrame({"doc_id": doc_id, **columns, "count": count, "words": words,
                         "per_1000": rate})


def counts(
    mentions: pd.DataFrame,
    *,
    by: str = "category",
    per: str = "document",
    doc=None,
    dictionary: Dictionary | str | os.PathLike | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Mentions per category (``by="category"``) or entry (``"key"``), per document or per body
    paragraph: raw and per 1,000 words. Every category or entry appears, with 0 if unmentioned.

    Takes the table from :func:`find` (its word counts travel in ``.attrs``; else pass ``doc=``),
    or a corpus table with ``documents=result.documents``: then one block of rows per document
    (``per="document"`` only), every document of the run included.
    """
    if per not in ("document", "paragraph"):
        raise ValueError(f"per must be 'document' or 'paragraph', not {per!r}.")
    if not isinstance(mentions, pd.DataFrame):
        raise TypeError("counts() takes a mention table (from helpers.find()).")
    missing = [c for c in COUNT_BY.get(by, [by]) if c not in mentions.columns]
    if by in COUNT_BY and missing:
        raise KeyError(f"mentions lack column(s) {missing}: pass the table from helpers.find().")
    d = load_dictionary(dictionary) if dictionary is not None else dictionary_of(mentions)
    if d is None:
        raise ValueError("These mentions do not say which dictionary they came from; pass "
                         "dictionary=.")
    if documents is not None:
        return _corpus_counts(mentions, documents, d, by=by, per=per)
    if doc is not None:
        total, per_paragraph = word_counts(doc)
        doc_id = doc.doc_id
    elif "words" in mentions.attrs:
        total = mentions.attrs["words"]
        per_paragraph = pd.Series(mentions.attrs["paragraph_words"], dtype="int64")
        doc_id = mentions.attrs.get("doc_id")
    else:
        raise ValueError("These mentions carry no word counts (they were filtered or rebuilt); "
                         "pass doc= with the Document they came from.")
    keys = count_keys(d, by)
    group = COUNT_BY[by]
    if per == "document":
        entry = _entries_of(mentions, d)
        return counts_table(count_rows({"entry": entry}, total, d, by=by), doc_id, d, by=by)
    body = mentions[mentions["paragraph"].notna()]
    found = body.groupby([*group, "paragraph"], sort=False).size().rename("count")
    grid = per_paragraph.rename("words").rename_axis("paragraph").reset_index()
    table = keys.merge(grid, how="cross")
    table = table.merge(found.reset_index().astype({"paragraph": "int64"}),
                        on=[*group, "paragraph"], how="left")
    table.insert(0, "doc_id", doc_id)
    table.insert(1, "paragraph", table.pop("paragraph"))
    table.insert(2, "paragraph_no", table["paragraph"] + 1)
    table["count"] = table["count"].fillna(0).astype("int64")
    words = table["words"].astype(float)
    table["per_1000"] = np.where(words > 0, 1000 * table["count"] / words.where(words > 0, 1),
                                 0.0).round(3)
    return table.reset_index(drop=True)


def _corpus_counts(mentions: pd.DataFrame, documents: pd.DataFrame, d: Dictionary, *, by: str,
                   per: str) -> pd.DataFrame:
    """``counts`` of a corpus table: per document of ``documents`` (its ``tokens`` are words)."""
    if per != "document":
        raise ValueError("A corpus table is counted per document; count one text's mentions "
                         "(helpers.find) for counts per paragraph.")
    missing = [c for c in ("doc_id", "tokens") if c not in documents.columns]
    if missing or "doc_id" not in mentions.columns:
        raise KeyError("Pass documents=result.documents and a table of the same corpus result "
                       f"(missing {missing or ['doc_id']}).")
    ids = documents["doc_id"].astype(str).tolist()
    entry = _entries_of(mentions, d)
    owner = pd.Index(ids).get_indexer(mentions["doc_id"].astype(str))
    if (owner < 0).any():
        raise ValueError("Some mentions belong to documents not in documents=; pass the "
                         "documents table of the same run.")
    words = documents["tokens"].to_numpy(dtype=np.int64)
    parts = []
    for i in range(len(ids)):
        rows = count_rows({"entry": entry[owner == i]}, int(words[i]), d, by=by)
        parts.append(rows)
    size = len(parts[0]["count"]) if parts else 0
    joined = {k: np.concatenate([p[k] for p in parts]) if parts else np.array([], np.int64)
              for k in ("count", "words")}
    table = counts_table(joined, np.repeat(np.array(ids, dtype=object), size), d, by=by)
    return table


def _entries_of(mentions: pd.DataFrame, d: Dictionary) -> np.ndarray:
    """Each mention's entry number in ``d`` (by category and key)."""
    index = pd.MultiIndex.from_frame(d.entries[["category", "key"]])
    keys = pd.MultiIndex.from_arrays([mentions["category"].astype(object),
                                      mentions["key"].astype(object)])
    found = index.get_indexer(keys)
    if (found < 0).any():
        raise ValueError("Some mentions name entries the dictionary does not have; pass the "
                         "dictionary they were found with as dictionary=.")
    return found.astype(np.int64)
