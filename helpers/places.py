"""Find places in a Persian text with a gazetteer: one row per mention, spans into ``doc.raw``.

The gazetteer (data/gazetteer/gazetteer.csv, built by tools/build_gazetteer.py) lists Persian
surface forms with the place each names. Matching runs the shared PhraseMatcher on the
normalised tokens (restored ZWNJ, unified letters, plural/ezafe/suffix forms), leftmost-longest,
so «شمال شرقی سوریه» wins over «سوریه» and «عراقِ», «سوریه‌ای» match.

Ambiguity is handled on purpose:

- Forms marked ``context=cue`` (مالی "Mali"/"financial", غنا, چک ...) count only after a
  geographic cue word or preposition (کشور مالی، در مالی، شمال مالی) or in a list with another
  place (نیجر، مالی و چاد). Forms marked ``context=list`` (bare ساحل, "coast"; شام, "dinner")
  count only in such a list; the Sahel has its own phrases (منطقه ساحل، کشورهای ساحل ...).
- Names that contain a place (نیروهای دموکراتیک سوریه، ائتلاف بین‌المللی برای ساحل) are listed
  in the gazetteer with kind ``organization``: a place inside one is reported with
  ``in_org_name=True`` when asked for and is not counted by default. Person names (بشار الاسد)
  and look-alike phrases (مصر هستند, "they insist") remove the place inside them.
- A bare «اسد» is a word and a name, never a place; «الاسد» is the Al Asad air base.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import pandas as pd

from helpers._paths import data_dir
from helpers._rows import Rows, strings
from helpers.dictionary import Dictionary, load_dictionary
from helpers.lexicons import LexiconError, duplicates, file_stamp, read_table
from helpers.matching import PatternError, PhraseMatcher
from helpers.normalization import normalize_word
from helpers.tokens import position_columns, span_columns

GAZETTEER_COLUMNS = ["form", "place", "code", "kind", "place_kind", "parent", "lat", "lon",
                     "context", "source"]
PLACE_KINDS = ("region", "country", "subnational", "city", "site")
NAME_KINDS = ("organization", "person", "phrase")
FORM_KINDS = (*PLACE_KINDS, "demonym", *NAME_KINDS)
CONTEXTS = ("", "cue", "list")
_CODE_FORMATS = {
    "country": re.compile(r"[A-Z]{2}"),
    "region": re.compile(r"\d{3}|local:[a-z0-9-]+"),
    "subnational": re.compile(r"geonames:\d+|wikidata:Q\d+|local:[a-z0-9-]+"),
    "city": re.compile(r"geonames:\d+|wikidata:Q\d+|local:[a-z0-9-]+"),
    "site": re.compile(r"geonames:\d+|wikidata:Q\d+|local:[a-z0-9-]+"),
    **{k: re.compile(r"name:[a-z0-9-]+") for k in NAME_KINDS},
}
_CODE_HINT = {"country": "an ISO 3166 alpha-2 code such as IQ",
              "region": "a UN M49 code such as 145, or local:slug",
              "subnational": "geonames:ID, wikidata:QID or local:slug",
              "city": "geonames:ID, wikidata:QID or local:slug",
              "site": "geonames:ID, wikidata:QID or local:slug",
              **{k: "name:slug" for k in NAME_KINDS}}
_NEEDS_COORDINATES = ("country", "city", "site")

# Words that make an ambiguous name (مالی) geographic when they come right before it.
GEOGRAPHIC_CUES = frozenset(normalize_word(w) for w in (
    "کشور کشورهای جمهوری دولت ارتش پایتخت مرز مرزهای شمال جنوب شرق غرب مرکز مردم شهر شهرهای "
    "منطقه استان ولایت سفر سفارت خاک جمهور در به از با تا علیه سوی سوریه عراق"
).split())
_LIST_JOINERS = frozenset(normalize_word(w) for w in ("و", "،", ",", "یا", "؛"))
_ADJECTIVE_SUFFIXES = ("\u200cای", "\u200cایی")

PLACE_COLUMNS = ["doc_id", "start", "end", "surface", "place", "place_fa", "code", "kind",
                 "place_kind", "country", "country_code", "region", "region_code", "lat", "lon",
                 "paragraph", "sentence", "part", "in_org_name"]


def default_gazetteer_path() -> Path:
    """The gazetteer shipped with the package."""
    return data_dir() / "gazetteer" / "gazetteer.csv"


def load_gazetteer(path: str | Path | None = None) -> pd.DataFrame:
    """The gazetteer as a table, one row per Persian form; validated, cached per file."""
    path = str(Path(path) if path is not None else default_gazetteer_path())
    return _load(path, file_stamp(path)).copy()


@lru_cache(maxsize=8)
def _load(path: str, stamp: tuple | None = None) -> pd.DataFrame:
    """The validated gazetteer; ``stamp`` (size, modification time) makes an edit reload it."""
    table = read_table(path, GAZETTEER_COLUMNS)
    table = table.apply(lambda col: col.str.strip())
    _validate(table, path)
    for axis in ("lat", "lon"):
        table[axis] = pd.to_numeric(table[axis].replace("", np.nan))
    return table


def _row(table: pd.DataFrame, mask: pd.Series) -> str:
    """The CSV line numbers of the rows in ``mask`` (header is line 1)."""
    lines = (np.flatnonzero(mask.to_numpy()) + 2)[:5]
    return ", ".join(str(n) for n in lines)


def _validate(table: pd.DataFrame, path: str) -> None:
    """Raise LexiconError naming the file, the lines and the fix for the first problem found."""
    if table.empty:
        raise LexiconError(f"{path} has no rows: add at least one form.")
    empty = table["form"].eq("") | table["place"].eq("") | table["code"].eq("")
    if empty.any():
        raise LexiconError(f"{path} line(s) {_row(table, empty)}: form, place and code are "
                           "required; fill them in or delete the row.")
    for column, allowed in (("kind", FORM_KINDS), ("place_kind", PLACE_KINDS + NAME_KINDS),
                            ("context", CONTEXTS)):
        bad = ~table[column].isin(allowed)
        if bad.any():
            raise LexiconError(
                f"{path} line(s) {_row(table, bad)}: {column} {table[column][bad].iloc[0]!r} is "
                f"not one of {', '.join(repr(a) for a in allowed)}.")
    for kind, pattern in _CODE_FORMATS.items():
        rows = table["place_kind"].eq(kind)
        bad = rows & ~table["code"].map(lambda c, p=pattern: bool(p.fullmatch(c)))
        if bad.any():
            raise LexiconError(
                f"{path} line(s) {_row(table, bad)}: code {table['code'][bad].iloc[0]!r} is not a "
                f"valid {kind} code; use {_CODE_HINT[kind]}.")
    try:
        normal = table["form"].map(lambda f: " ".join(normalize_word(w) for w in f.split()))
    except Exception as err:  # pragma: no cover - normalize_word accepts any str
        raise LexiconError(f"{path}: a form cannot be normalised: {err}") from None
    repeated = duplicates(normal)
    if repeated:
        rows = normal.isin(repeated[:1])
        raise LexiconError(
            f"{path} line(s) {_row(table, rows)}: the form {table['form'][rows].iloc[0]!r} is "
            f"listed more than once (after normalising); keep it for one place only. "
            f"{len(repeated)} duplicated form(s) in all.")
    places = table["kind"].ne("demonym") & table["place_kind"].isin(PLACE_KINDS)
    attributes = ["place", "place_kind", "parent", "lat", "lon"]
    clash = table.groupby("code")[attributes].nunique().gt(1).any(axis=1)
    if clash.any():
        code = clash[clash].index[0]
        raise LexiconError(f"{path} line(s) {_row(table, table['code'].eq(code))}: rows for code "
                           f"{code!r} disagree on {', '.join(attributes)}; make them identical.")
    known = set(table["code"])
    unknown = table["parent"].ne("") & ~table["parent"].isin(known)
    if unknown.any():
        raise LexiconError(
            f"{path} line(s) {_row(table, unknown)}: parent {table['parent'][unknown].iloc[0]!r} "
            "is not the code of any place in the file; add that place or fix the parent.")
    orphan = table["place_kind"].isin(("subnational", "city", "site")) & table["parent"].eq("")
    if orphan.any():
        raise LexiconError(f"{path} line(s) {_row(table, orphan)}: cities, sites and subnational "
                           "places need a parent (the code of their country).")
    coords = table[["lat", "lon"]].apply(pd.to_numeric, errors="coerce")
    given = table[["lat", "lon"]].ne("")
    bad = (given & coords.isna()).any(axis=1) | ~coords["lat"].between(-90, 90) & given["lat"]
    bad |= ~coords["lon"].between(-180, 180) & given["lon"]
    if bad.any():
        raise LexiconError(f"{path} line(s) {_row(table, bad)}: lat/lon must be decimal degrees "
                           "(lat -90..90, lon -180..180).")
    missing = table["place_kind"].isin(_NEEDS_COORDINATES) & ~given.all(axis=1)
    if missing.any():
        raise LexiconError(
            f"{path} line(s) {_row(table, missing & places | missing)}: a "
            f"{table['place_kind'][missing].iloc[0]} needs coordinates (lat, lon).")
    parent_of = dict(zip(table["code"], table["parent"]))
    for code in parent_of:
        seen = {code}
        while parent_of.get(code):
            code = parent_of[code]
            if code in seen:
                raise LexiconError(f"{path}: the parents of {code!r} form a cycle; fix a parent.")
            seen.add(code)


class _Compiled:
    """A gazetteer ready for matching: one matcher for places, one for names, code attributes."""

    def __init__(self, table: pd.DataFrame, actor_names: pd.DataFrame | None = None):
        self.table = table
        is_name = table["place_kind"].isin(NAME_KINDS)
        self.place_forms = table[~is_name].reset_index(drop=True)
        try:
            self.places = PhraseMatcher(zip(self.place_forms["form"], self.place_forms.index))
        except PatternError as err:
            raise LexiconError(f"Gazetteer form cannot be used as a pattern: {err}") from None
        # Names that contain a place: the gazetteer's own, then the actors dictionary's, so that
        # places, actors and threats agree on what is a name.
        names = table.loc[is_name, ["form", "place_kind"]]
        if actor_names is not None and len(actor_names):
            # Only the actors' names that hold a place matter here; the rest would only cost
            # matching time (an actor's name starting with «به» would be tried at every «به»).
            holds = [bool(self.places.matches([normalize_word(w) for w in form.split()]))
                     for form in actor_names["form"]]
            names = pd.concat([names, actor_names.loc[holds, ["form", "place_kind"]]],
                              ignore_index=True)
        self.name_forms = names.drop_duplicates("form").reset_index(drop=True)
        try:
            self.names = PhraseMatcher(zip(self.name_forms["form"], self.name_forms.index))
        except PatternError as err:
            raise LexiconError(f"A name cannot be used as a pattern: {err}") from None
        self.codes = _code_table(self.place_forms)
        # Per place form (by row), what find_places looks up for each match.
        forms = self.place_forms
        self.context = forms["context"].to_numpy(dtype=object)
        self.kind = forms["kind"].to_numpy(dtype=object)
        self.adjectival = forms["form"].str.endswith(("ای", "ایی")).to_numpy(dtype=bool)
        by_form = self.codes.take(self.codes.index.get_indexer(forms["code"])).reset_index()
        self.code_columns = {c: by_form[c].array for c in _CODE_COLUMNS}
        self.name_is_org = (self.name_forms["place_kind"] == "organization").to_numpy(dtype=bool)
        # What the engine's table (``place_mentions``) takes per form.
        self.form_texts = strings(forms["form"].tolist())
        self.in_context = forms["context"].ne("").to_numpy(dtype=bool)
        self.parent_column = strings(self.codes["parent"].reindex(forms["code"]).tolist())
        names = list(KIND_LABELS)
        self.kind_index = pd.Index(names).get_indexer(by_form["place_kind"]).astype(np.int64)
        self.kind_labels = tuple(strings([KIND_LABELS[k][i] for k in names]) for i in (0, 1))


_CODE_COLUMNS = ("place", "place_fa", "code", "place_kind", "country", "country_code", "region",
                 "region_code", "lat", "lon")


def _code_table(forms: pd.DataFrame) -> pd.DataFrame:
    """Per place code: names, Persian label, kind, country and region ancestors, coordinates."""
    own = forms[forms["kind"].ne("demonym")]
    # The first form listed for a place is its label (the build puts the CLDR name or the
    # supplement's first form there); Arabic-letter spellings (اربيل) only as a last resort.
    arabic = own["form"].str.contains("[\u064a\u0643\u0629]")
    label = own[~arabic].groupby("code")["form"].first()
    codes = forms.groupby("code")[["place", "place_kind", "parent", "lat", "lon"]].first()
    codes["place_fa"] = label.reindex(codes.index).fillna(
        forms.groupby("code")["form"].first())
    parent = codes["parent"].to_dict()
    kind = codes["place_kind"].to_dict()

    def ancestor(code: str, wanted: str) -> str | None:
        while code:
            if kind.get(code) == wanted:
                return code
            code = parent.get(code, "")
        return None

    codes["country_code"] = [ancestor(c, "country") for c in codes.index]
    codes["region_code"] = [ancestor(c, "region") for c in codes.index]
    codes["country"] = codes["country_code"].map(codes["place"])
    codes["region"] = codes["region_code"].map(codes["place"])
    # A place without coordinates (a generated «شمال مالی») is drawn at its nearest ancestor's.
    for axis in ("lat", "lon"):
        filled = codes[axis].copy()
        for _ in range(6):
            missing = filled.isna()
            if not missing.any():
                break
            filled[missing] = codes.loc[missing, "parent"].map(filled)
        codes[axis] = filled
    return codes


@lru_cache(maxsize=8)
def _compiled(path: str, stamp: tuple | None, actors: str, actors_stamp: tuple | None
              ) -> _Compiled:
    return _Compiled(_load(path, stamp), actor_names(actors) if actors_stamp else None)


def default_actors_path() -> Path:
    """The actors dictionary shipped with the package (organisations and people)."""
    return data_dir() / "actors" / "actors.yaml"


def actor_names(path: str | Path) -> pd.DataFrame:
    """The actors dictionary's names of two words or more, as gazetteer name forms: a person's
    name removes a place inside it, an organisation's flags it (``in_org_name``).

    Governments are left out, and so are names that say who leads (``به رهبری``): there the
    place says whose body it is and stays a place (docs/annotation.md): «دولت اقلیم کردستان»,
    «ائتلاف به رهبری عربستان سعودی».
    """
    d = load_dictionary(path)
    patterns = d.patterns[d.patterns["pattern"].str.contains(" ")
                          & d.patterns["category"].ne("government")
                          & ~d.patterns["pattern"].str.contains("به رهبری")]
    kind = np.where(patterns["category"].eq("person"), "person", "organization")
    return pd.DataFrame({"form": patterns["pattern"].to_numpy(), "place_kind": kind})


def _gazetteer(gazetteer: str | Path | pd.DataFrame | None) -> _Compiled:
    if isinstance(gazetteer, pd.DataFrame):
        return _Compiled(gazetteer, actor_names(default_actors_path())
                         if default_actors_path().is_file() else None)
    path = str(Path(gazetteer) if gazetteer is not None else default_gazetteer_path())
    actors = str(default_actors_path())
    return _compiled(path, file_stamp(path), actors, file_stamp(actors))


# Persian and English names of place kinds: the categories of the gazetteer as a dictionary.
KIND_LABELS = {"region": ("منطقه", "Region"), "country": ("کشور", "Country"),
               "subnational": ("استان یا منطقه", "Province or area"), "city": ("شهر", "City"),
               "site": ("مکان", "Site")}
_PLACE_ATTRIBUTES = ("code", "kind", "place_kind", "parent", "country", "country_code",
                     "region", "region_code", "lat", "lon", "in_org_name")


def gazetteer_dictionary(path: str | Path | None = None, *, name: str | None = None
                         ) -> Dictionary:
    """The gazetteer as a :class:`~helpers.dictionary.Dictionary`: place kinds are categories,
    places (by code) entries, forms patterns; ``find`` applies the gazetteer's own rules."""
    compiled = _gazetteer(path)
    codes = compiled.codes
    forms = compiled.place_forms
    own = codes[codes["place_kind"].isin(PLACE_KINDS)]
    entries = pd.DataFrame({
        "category": own["place_kind"].to_numpy(), "key": own.index.to_numpy(),
        "label_fa": own["place_fa"].to_numpy(), "label_en": own["place"].to_numpy(),
        "category_fa": [KIND_LABELS[k][0] for k in own["place_kind"]],
        "category_en": [KIND_LABELS[k][1] for k in own["place_kind"]],
        "description": "",
    })
    kind_of = own["place_kind"]
    patterns = pd.DataFrame({"category": forms["code"].map(kind_of).to_numpy(),
                             "key": forms["code"].to_numpy(), "pattern": forms["form"].to_numpy(),
                             "in_context": forms["context"].ne("").to_numpy()})
    source = str(Path(path) if path is not None else default_gazetteer_path())
    return Dictionary(name=name or Path(source).stem, entries=entries, patterns=patterns,
                      contexts=pd.DataFrame(columns=["category", "key", "pattern", "scope"]),
                      overlap="none", source=source, attributes=_PLACE_ATTRIBUTES,
                      meta={"finder": "gazetteer", "path": source})


def gazetteer_finder(d: Dictionary) -> tuple:
    """The engine's (rows, table) functions for a gazetteer dictionary (see ``finder``)."""
    compiled = _gazetteer(d.meta.get("path"))
    return (partial(place_rows, compiled=compiled),
            partial(place_mentions_table, compiled=compiled))


def place_mentions_table(rows: Rows, doc_id, *, compiled: _Compiled) -> pd.DataFrame:
    """The engine's table of place mentions from ``place_rows``."""
    keys = rows["key"]
    codes = {c: values.take(keys) for c, values in compiled.code_columns.items()}
    kind = codes["place_kind"]
    kinds = compiled.kind_labels
    return pd.DataFrame({
        **span_columns(rows, doc_id),
        "category": kind, "key": codes["code"], "label_fa": codes["place_fa"],
        "label_en": codes["place"],
        "category_fa": kinds[0].take(compiled.kind_index.take(keys)),
        "category_en": kinds[1].take(compiled.kind_index.take(keys)),
        "pattern": compiled.form_texts.take(keys),
        "form": strings(["norm"] * len(keys)),
        "in_context": compiled.in_context[keys],
        **position_columns(rows),
        "first_token": rows["first_token"], "end_token": rows["end_token"],
        "code": codes["code"], "kind": strings(rows["kind"]), "place_kind": kind,
        "parent": compiled.parent_column.take(keys),
        "country": codes["country"], "country_code": codes["country_code"],
        "region": codes["region"], "region_code": codes["region_code"],
        "lat": codes["lat"], "lon": codes["lon"], "in_org_name": rows["in_org_name"],
    })


def find_places(
    doc, *, include_org_names: bool = False, gazetteer: str | Path | pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per place mention in ``doc`` (title and body): raw span, place, code, kind, where."""
    compiled = _gazetteer(gazetteer)
    rows = place_rows(doc, include_org_names=include_org_names, compiled=compiled)
    return places_table(rows, doc.doc_id, compiled=compiled)


def place_rows(doc, *, include_org_names: bool = False, compiled: _Compiled | None = None) -> Rows:
    """The rows of ``find_places`` as plain columns (see ``helpers._rows``)."""
    compiled = compiled if compiled is not None else _gazetteer(None)
    tokens = doc.token_columns
    norms = tokens.norm
    found = compiled.places.matches(norms, tokens.vocabulary)
    first = np.array([m[0] for m in found], dtype=np.int64)
    last = np.array([m[1] for m in found], dtype=np.int64)
    keys = np.array([m[2].key for m in found], dtype=np.int64)
    start, end = tokens.start[first], tokens.end[last - 1]
    names = compiled.names.matches(norms, tokens.vocabulary) if found else []
    name_first = np.array([m[0] for m in names], dtype=np.int64)
    name_last = np.array([m[1] for m in names], dtype=np.int64)
    is_org = compiled.name_is_org[np.array([m[2].key for m in names], dtype=np.int64)]
    name_start, name_end = tokens.start[name_first], tokens.end[name_last - 1]
    org = _inside(start, end, name_start[is_org], name_end[is_org])
    blocked = _inside(start, end, name_start[~is_org], name_end[~is_org])
    context = compiled.context[keys]
    accepted = (context == "") & ~blocked | org
    n = len(tokens)
    # Only the tokens next to each match are looked at, never the whole column.
    before = _at(norms, first - 1)
    folds = np.array(tokens.fold_at(np.clip(first - 1, 0, max(n - 1, 0))), dtype=object)
    cue = (first > 0) & (_member(before, GEOGRAPHIC_CUES) | _member(folds, GEOGRAPHIC_CUES))
    joined_left = (first > 0) & _member(before, _LIST_JOINERS)
    joined_right = (last < n) & _member(_at(norms, last), _LIST_JOINERS)
    for _ in range(2):  # twice, so that two ambiguous names in one list confirm each other
        listed = _in_list(first, last, accepted, joined_left, joined_right)
        accepted = accepted | ~blocked & ((context == "list") & listed
                                          | (context == "cue") & (listed | cue))
    kind = compiled.kind[keys].copy()
    adjectival = np.array([w.endswith(_ADJECTIVE_SUFFIXES) for w in _at(norms, last - 1)],
                          dtype=bool)
    kind[adjectival & ~compiled.adjectival[keys] & np.isin(kind, ("country", "region"))] = \
        "demonym"
    keep = accepted if include_org_names else accepted & ~org
    rows = np.flatnonzero(keep)
    at = first[rows]
    raw = doc.raw
    return {
        "start": start[rows],
        "end": end[rows],
        "surface": [raw[s:e] for s, e in zip(start[rows].tolist(), end[rows].tolist(),
                                              strict=True)],
        "key": keys[rows],
        "kind": kind[rows],
        "paragraph": tokens.paragraph[at],
        "sentence": tokens.sentence[at],
        "part": tokens.part[at],
        "in_org_name": org[rows],
        "first_token": at,
        "end_token": last[rows],
    }


def places_table(rows: Rows, doc_id, *, compiled: _Compiled | None = None) -> pd.DataFrame:
    """The table of ``find_places`` from ``place_rows`` (of one document or several joined)."""
    compiled = compiled if compiled is not None else _gazetteer(None)
    codes = {c: values.take(rows["key"]) for c, values in compiled.code_columns.items()}
    return pd.DataFrame({
        **span_columns(rows, doc_id),
        "place": codes["place"], "place_fa": codes["place_fa"], "code": codes["code"],
        "kind": strings(rows["kind"]), "place_kind": codes["place_kind"],
        "country": codes["country"], "country_code": codes["country_code"],
        "region": codes["region"], "region_code": codes["region_code"],
        "lat": codes["lat"], "lon": codes["lon"],
        **position_columns(rows),
        "in_org_name": rows["in_org_name"],
    })


def _inside(start: np.ndarray, end: np.ndarray, outer_start: np.ndarray,
            outer_end: np.ndarray) -> np.ndarray:
    """For each span, whether it lies within one of the ``outer`` spans."""
    if not len(outer_start):
        return np.zeros(len(start), dtype=bool)
    return ((start[:, None] >= outer_start[None, :])
            & (end[:, None] <= outer_end[None, :])).any(axis=1)


def _at(values: list[str], index: np.ndarray) -> np.ndarray:
    """``values`` at the given positions (clipped into range) as an object array."""
    out = np.empty(len(index), dtype=object)
    if len(index) and values:
        out[:] = [values[i] for i in np.clip(index, 0, len(values) - 1).tolist()]
    return out


def _member(words: np.ndarray, vocabulary: frozenset[str]) -> np.ndarray:
    return np.fromiter((w in vocabulary for w in words), dtype=bool, count=len(words))


def _in_list(first: np.ndarray, last: np.ndarray, accepted: np.ndarray,
             joined_left: np.ndarray, joined_right: np.ndarray) -> np.ndarray:
    """Whether each match is joined (و ، یا) to an accepted neighbouring match."""
    ends = set(last[accepted].tolist())
    starts = set(first[accepted].tolist())
    left = joined_left & np.fromiter(((f - 1) in ends for f in first.tolist()), dtype=bool,
                                     count=len(first))
    right = joined_right & np.fromiter(((e + 1) in starts for e in last.tolist()), dtype=bool,
                                       count=len(last))
    return left | right


_LEVELS = {"place": ["code", "place", "place_fa", "place_kind"],
           "country": ["country_code", "country"],
           "region": ["region_code", "region"]}


def place_counts(
    places: pd.DataFrame, level: str = "place", *, include_org_names: bool = False
) -> pd.DataFrame:
    """Mentions per place, or rolled up to country or region; largest first."""
    if level not in _LEVELS:
        raise ValueError(f"level must be one of {', '.join(_LEVELS)}, not {level!r}")
    missing = [c for c in _LEVELS[level] if c not in places.columns]
    if missing:
        raise KeyError(f"places lacks column(s) {missing}: pass the table find_places() returns.")
    if not include_org_names and "in_org_name" in places.columns:
        places = places[~places["in_org_name"].astype(bool)]
    keys = _LEVELS[level]
    counted = places.dropna(subset=[keys[0]])
    table = (counted.groupby(keys, dropna=False, sort=False).size().rename("mentions")
             .reset_index())
    if level == "country":
        table = table.merge(_labels(places, "country_code"), on="country_code", how="left")
    elif level == "region":
        table = table.merge(_labels(places, "region_code"), on="region_code", how="left")
    name = keys[1]
    return (table.sort_values(["mentions", name], ascending=[False, True], kind="stable")
            .reset_index(drop=True))


def _labels(places: pd.DataFrame, code_column: str) -> pd.DataFrame:
    """Persian labels for the country or region codes in ``places``."""
    codes = _gazetteer(None).codes
    wanted = places[code_column].dropna().unique()
    labels = codes.reindex(wanted)["place_fa"].rename(code_column.replace("_code", "_fa"))
    return labels.rename_axis(code_column).reset_index()
