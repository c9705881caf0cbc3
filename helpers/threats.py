"""Find threats (armed groups, attacks, weapons, repression, threat language ...) in a Persian text.

The threat lexicon (data/threats/threats.yaml) is a dictionary in this package's layout
(``helpers.dictionary``): entries with Persian patterns, an English label and a category anchored
on an established scheme (the Global Terrorism Database's attack types, UN Security Council
resolutions ...: see the file's header). ``find_threats`` is ``helpers.find`` with that
dictionary, in the columns the notebooks show; the lexicon is ``overlap: none``, so a stretch of
text is one threat, the longest pattern winning.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers._paths import data_dir
from helpers._rows import Rows
from helpers.dictionary import Dictionary, find, load_dictionary, mentions_table
from helpers.lexicons import LexiconError

THREAT_COLUMNS = ["doc_id", "start", "end", "surface", "threat", "code", "category",
                  "category_label", "category_fa", "paragraph", "sentence", "part"]
# Engine columns -> the names threat tables use.
_NAMES = {"label_en": "threat", "key": "code", "category_en": "category_label"}


def default_threat_lexicon_path() -> Path:
    """The threat lexicon shipped with the package."""
    return data_dir() / "threats" / "threats.yaml"


def threat_dictionary(lexicon: str | Path | Dictionary | None = None) -> Dictionary:
    """The threat lexicon as a Dictionary, checked: one match per span, every category anchored."""
    if isinstance(lexicon, Dictionary):
        d = lexicon
    else:
        path = Path(lexicon) if lexicon is not None else default_threat_lexicon_path()
        d = load_dictionary(path, overlap="none")
    if "checked" not in d._cache:
        categories = d.meta.get("categories") or {}
        missing = [c for c, info in categories.items() if not info.get("anchor")]
        if not categories or missing:
            raise LexiconError(
                f"{d.source}: every threat category needs a label, a label_fa and an 'anchor' "
                f"(the scheme it follows); {', '.join(missing) or 'no categories'} lack one.")
        if d.overlap != "none":
            raise LexiconError(f"{d.source}: a threat lexicon counts a span once; set "
                               "`overlap: none`.")
        d._cache["checked"] = True
    return d


def load_threat_lexicon(path: str | Path | None = None) -> pd.DataFrame:
    """The threat lexicon as a table, one row per pattern: pattern, threat, code, category and
    its labels (validated; reloaded when the file changes)."""
    d = threat_dictionary(path)
    labels = d.entries.set_index(["category", "key"])
    rows = d.patterns.join(labels, on=["category", "key"])
    return pd.DataFrame({
        "pattern": rows["pattern"].to_numpy(), "threat": rows["label_en"].to_numpy(),
        "code": rows["key"].to_numpy(), "category": rows["category"].to_numpy(),
        "category_label": rows["category_en"].to_numpy(),
        "category_fa": rows["category_fa"].to_numpy(),
    })


def find_threats(doc, *, lexicon: str | Path | Dictionary | None = None) -> pd.DataFrame:
    """One row per threat mention in ``doc``: raw span, threat label, category, where."""
    return threat_columns(find(doc, threat_dictionary(lexicon)))


def threat_columns(mentions: pd.DataFrame) -> pd.DataFrame:
    """A mention table of the threat lexicon in the columns threat tables have."""
    table = mentions.rename(columns=_NAMES)[THREAT_COLUMNS]
    table.attrs = mentions.attrs
    return table


def threats_table(rows: Rows, doc_id, *, dictionary: Dictionary | None = None) -> pd.DataFrame:
    """The table of ``find_threats`` from ``match_rows`` (of one document or several joined)."""
    d = threat_dictionary(dictionary)
    return threat_columns(mentions_table(rows, doc_id, d))


def threat_counts(threats: pd.DataFrame, by: str = "threat") -> pd.DataFrame:
    """Mentions per threat or per category; largest first."""
    keys = {
        "threat": ["threat", "category"],
        "category": ["category", "category_label", "category_fa"],
    }
    if by not in keys:
        raise ValueError(f"by must be 'threat' or 'category', not {by!r}")
    missing = [c for c in keys[by] if c not in threats.columns]
    if missing:
        raise KeyError(f"threats lacks column(s) {missing}: pass what find_threats() returns.")
    table = threats.groupby(keys[by], sort=False, observed=True).size()
    table = table.rename("mentions").reset_index()
    return (table.sort_values(["mentions", by], ascending=[False, True], kind="stable")
            .reset_index(drop=True))
