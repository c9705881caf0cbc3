"""Read the editable data files (gazetteer, threat lexicon, theme dictionary) with clear errors."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import yaml


class LexiconError(ValueError):
    """A data file that cannot be used; the message names the file, the entry and the fix."""


class YamlMapping(dict):
    """A mapping read from YAML that remembers the line it starts on (``line``, 1-based)."""

    line: int | None = None


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses duplicate keys (PyYAML silently keeps the last one) and keeps
    each mapping's line for error messages."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise LexiconError(
                f"duplicate key {key!r} at line {key_node.start_mark.line + 1} (first at line "
                f"{seen[key] + 1}): merge the two entries or rename one."
            )
        seen[key] = key_node.start_mark.line
    mapping = YamlMapping(yaml.SafeLoader.construct_mapping(loader, node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LEADING_STAR = re.compile(r"(?:^|[\[,:-])\s*\*[^\s\x00-\x7f]", re.M)


def file_stamp(path: str | Path) -> tuple[int, int] | None:
    """(size, modification time) of a file, the key that tells a cached copy is stale."""
    try:
        info = Path(path).stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def read_yaml(path: str | Path) -> object:
    """Parse a YAML data file strictly (safe, no duplicate keys), with the file and line in
    every error."""
    path = Path(path)
    if not path.is_file():
        raise LexiconError(f"No data file at {path}: check the path.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise LexiconError(f"{path} is not UTF-8: save it as UTF-8.") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except LexiconError as err:
        raise LexiconError(f"{path}: {err}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        hint = ""
        if _LEADING_STAR.search(text):
            hint = (" A word starting with '*' reads as a YAML alias: put such a pattern in "
                    'quotes ("*ستان").')
        raise LexiconError(f"{path} is not valid YAML{where}: {problem}.{hint}") from None


def read_table(path: str | Path, required: Iterable[str]) -> pd.DataFrame:
    """Read a CSV/TSV data file as strings and check it has the required columns."""
    path = Path(path)
    if not path.is_file():
        raise LexiconError(f"No data file at {path}: check the path.")
    sep = "\t" if path.suffix in (".tsv", ".tab") else ","
    try:
        table = pd.read_csv(
            path, sep=sep, dtype=str, keep_default_na=False, comment=None, encoding="utf-8"
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as err:
        raise LexiconError(f"{path} cannot be read as a table: {err}") from None
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise LexiconError(
            f"{path} lacks the column(s) {', '.join(missing)}; it has {', '.join(table.columns)}."
        )
    return table


def duplicates(values: Iterable[str]) -> list[str]:
    """The values that occur more than once, in first-seen order."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated
