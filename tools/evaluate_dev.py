"""Score the package's place and threat tables against the development set's gold spans.

Each text in data/dev/texts/ is loaded with ``helpers.load_document``; ``helpers.find_places``
and ``helpers.find_threats`` give the predicted spans, which are compared with data/dev/gold.csv
kind by kind:

- **exact**: a predicted span with the same start and end as a gold span of that kind;
- **overlap**: predicted and gold spans that share at least one character, paired one to one
  (largest overlap first), so a span that is a word too long or too short still counts.

Precision, recall and F1 are printed per kind as a markdown table, with the share of exact
matches whose label agrees (threat category; place name; actor: person or organisation). Actors
are found with the actors dictionary (data/actors/actors.yaml) through ``helpers.find``.

    .venv/bin/python tools/evaluate_dev.py                       # all texts
    .venv/bin/python tools/evaluate_dev.py --split dev --by language
    .venv/bin/python tools/evaluate_dev.py --kinds threat           # threats only
    .venv/bin/python tools/evaluate_dev.py --misses misses.csv   # every miss and false hit
    .venv/bin/python tools/evaluate_dev.py --lexicon old.yaml    # another threat lexicon
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import helpers

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "data" / "dev"
KINDS = ("place", "threat", "actor")
ACTORS = helpers.data_dir() / "actors" / "actors.yaml"
SPAN_COLUMNS = ["doc_id", "kind", "start", "end", "label", "text"]
ERROR_COLUMNS = ["doc_id", "kind", "error", "start", "end", "text", "label",
                 "predicted_start", "predicted_end", "predicted_text", "predicted_label",
                 "context"]


@dataclass
class Evaluation:
    """Gold and predicted spans of a set of texts, and the texts themselves."""

    gold: pd.DataFrame
    predicted: pd.DataFrame
    texts: dict[str, str]
    kinds: tuple[str, ...] = KINDS

    def scores(self, by: str | None = None) -> pd.DataFrame:
        """Precision, recall and F1 (exact and overlap) per kind, or per kind and ``by``."""
        splits = read_splits()
        rows = []
        groups = [(None, list(self.texts))] if by is None else [
            (value, [d for d in self.texts if splits.loc[d, by] == value])
            for value in sorted({splits.loc[d, by] for d in self.texts})]
        for value, docs in groups:
            for kind in self.kinds:
                gold = self.gold[(self.gold["kind"] == kind) & self.gold["doc_id"].isin(docs)]
                pred = self.predicted[(self.predicted["kind"] == kind)
                                      & self.predicted["doc_id"].isin(docs)]
                rows.append({**({by: value} if by else {}), "kind": kind,
                             **_score(gold, pred)})
        return pd.DataFrame(rows)

    def errors(self) -> pd.DataFrame:
        """Every miss, false hit, boundary difference and label difference, one row each."""
        out = []
        for (doc_id, kind), gold in self.gold.groupby(["doc_id", "kind"]):
            pred = self.predicted[(self.predicted["doc_id"] == doc_id)
                                  & (self.predicted["kind"] == kind)]
            out.extend(_errors(gold, pred, self.texts[doc_id], kind))
        for (doc_id, kind), pred in self.predicted.groupby(["doc_id", "kind"]):
            if self.gold[(self.gold["doc_id"] == doc_id) & (self.gold["kind"] == kind)].empty:
                out.extend(_errors(self.gold.iloc[:0], pred, self.texts[doc_id], kind))
        table = pd.DataFrame(out, columns=ERROR_COLUMNS)
        offsets = ["start", "end", "predicted_start", "predicted_end"]
        table[offsets] = table[offsets].astype("Int64")
        order = {k: i for i, k in enumerate(KINDS)}
        table = table.sort_values(["doc_id", "kind", "start", "predicted_start"],
                                  key=lambda c: c.map(order) if c.name == "kind" else c,
                                  kind="stable")
        return table.reset_index(drop=True)


def read_splits(dev: Path = DEV) -> pd.DataFrame:
    """data/dev/splits.csv indexed by doc_id."""
    return pd.read_csv(dev / "splits.csv", dtype=str).set_index("doc_id")


def read_gold(dev: Path = DEV) -> pd.DataFrame:
    """data/dev/gold.csv as a table (start and end as integers)."""
    return pd.read_csv(dev / "gold.csv", dtype={"start": int, "end": int}, keep_default_na=False)


def evaluate(split: str = "all", *, kinds: tuple[str, ...] = KINDS, dev: Path = DEV,
             lexicon: str | Path | None = None,
             gazetteer: str | Path | None = None) -> Evaluation:
    """Load every text of ``split`` (all, dev or holdout) and collect gold and predicted spans."""
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s) {sorted(unknown)}; use {', '.join(KINDS)}.")
    splits = read_splits(dev)
    docs = [d for d in splits.index if split == "all" or splits.loc[d, "split"] == split]
    if not docs:
        raise ValueError(f"no texts in split {split!r}; data/dev/splits.csv has "
                         f"{', '.join(sorted(set(splits['split'])))}.")
    gold = read_gold(dev)
    gold = gold[gold["doc_id"].isin(docs) & gold["kind"].isin(kinds)].reset_index(drop=True)
    texts, predicted = {}, []
    for doc_id in docs:
        doc = helpers.load_document(dev / "texts" / f"{doc_id}.txt", doc_id=doc_id)
        texts[doc_id] = doc.raw
        tables = {}
        if "place" in kinds:
            tables["place"] = (helpers.find_places(doc, gazetteer=gazetteer), "place")
        if "threat" in kinds:
            tables["threat"] = (helpers.find_threats(doc, lexicon=lexicon), "category")
        if "actor" in kinds:
            actors = helpers.find(doc, ACTORS)
            actors["role"] = actors["category"].map(
                lambda c: "person" if c == "person" else "organization")
            tables["actor"] = (actors, "role")
        for kind in kinds:
            table, label = tables[kind]
            predicted.append(pd.DataFrame({
                "doc_id": doc_id, "kind": kind, "start": table["start"].astype(int),
                "end": table["end"].astype(int), "label": table[label].astype(str),
                "text": table["surface"].astype(str)}))
    predicted = pd.concat(predicted, ignore_index=True)[SPAN_COLUMNS]
    return Evaluation(gold[SPAN_COLUMNS], predicted, texts, tuple(kinds))


def _pairs(gold: pd.DataFrame, pred: pd.DataFrame) -> list[tuple[int, int]]:
    """Gold and predicted rows (positions) paired one to one by overlap, largest first."""
    candidates = []
    for i, (gs, ge) in enumerate(zip(gold["start"], gold["end"], strict=True)):
        for j, (ps, pe) in enumerate(zip(pred["start"], pred["end"], strict=True)):
            shared = min(ge, pe) - max(gs, ps)
            if shared > 0:
                exact = gs == ps and ge == pe
                candidates.append((not exact, -shared, i, j))
    used_gold, used_pred, pairs = set(), set(), []
    for _, _, i, j in sorted(candidates):
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return pairs


def _score(gold: pd.DataFrame, pred: pd.DataFrame, *, precision: bool = True) -> dict:
    exact = overlap = agree = 0
    for doc_id in set(gold["doc_id"]) | set(pred["doc_id"]):
        g = gold[gold["doc_id"] == doc_id]
        p = pred[pred["doc_id"] == doc_id]
        for i, j in _pairs(g, p):
            overlap += 1
            gi, pj = g.iloc[i], p.iloc[j]
            if gi["start"] == pj["start"] and gi["end"] == pj["end"]:
                exact += 1
                agree += gi["label"] == pj["label"]

    def ratio(a: int, b: int) -> float:
        return a / b if b else float("nan")

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else float("nan")

    out = {"gold": len(gold), "predicted": len(pred)}
    for name, tp in (("exact", exact), ("overlap", overlap)):
        p = ratio(tp, len(pred)) if precision else float("nan")
        r = ratio(tp, len(gold))
        out |= {f"{name}_precision": p, f"{name}_recall": r, f"{name}_f1": f1(p, r)}
    # Actor labels (organization, person) are not threat categories: no agreement to report.
    out["label_agreement"] = ratio(agree, exact) if precision else float("nan")
    return out


def _errors(gold: pd.DataFrame, pred: pd.DataFrame, raw: str, kind: str) -> list[dict]:
    def context(start: int, end: int) -> str:
        return raw[max(0, start - 30):start] + "[" + raw[start:end] + "]" + raw[end:end + 30]

    rows = []
    paired = _pairs(gold, pred)
    matched_gold = {i for i, _ in paired}
    matched_pred = {j for _, j in paired}
    for i, j in paired:
        g, p = gold.iloc[i], pred.iloc[j]
        same_span = g["start"] == p["start"] and g["end"] == p["end"]
        if same_span and g["label"] == p["label"]:
            continue
        rows.append({"doc_id": g["doc_id"], "kind": kind,
                     "error": "label" if same_span else "boundary",
                     "start": g["start"], "end": g["end"], "text": g["text"], "label": g["label"],
                     "predicted_start": p["start"], "predicted_end": p["end"],
                     "predicted_text": p["text"], "predicted_label": p["label"],
                     "context": context(min(g["start"], p["start"]), max(g["end"], p["end"]))})
    for i in sorted(set(range(len(gold))) - matched_gold):
        g = gold.iloc[i]
        rows.append({"doc_id": g["doc_id"], "kind": kind, "error": "miss", "start": g["start"],
                     "end": g["end"], "text": g["text"], "label": g["label"],
                     "context": context(g["start"], g["end"])})
    for j in sorted(set(range(len(pred))) - matched_pred):
        p = pred.iloc[j]
        rows.append({"doc_id": p["doc_id"], "kind": kind, "error": "false_hit",
                     "predicted_start": p["start"], "predicted_end": p["end"],
                     "predicted_text": p["text"], "predicted_label": p["label"],
                     "context": context(p["start"], p["end"])})
    return rows


def markdown(scores: pd.DataFrame) -> str:
    """The scores as a markdown table (proportions with two decimals, blanks for n/a)."""
    table = scores.copy()
    for column in table.columns:
        if table[column].dtype == float:
            table[column] = table[column].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    header = "| " + " | ".join(table.columns) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def main(argv: list[str] | None = None) -> int:
    """Print the scores; write the errors to a CSV when asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("all", "dev", "holdout"), default="all",
                        help="which texts to score (data/dev/splits.csv); default all")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS),
                        help="which kinds to score; default all three")
    parser.add_argument("--by", choices=("split", "batch", "language", "genre"),
                        help="one table row per kind and value of this column of splits.csv")
    parser.add_argument("--misses", type=Path, metavar="PATH",
                        help="write every miss, false hit, boundary and label difference here")
    parser.add_argument("--lexicon", type=Path, help="a threat lexicon other than the package's")
    parser.add_argument("--gazetteer", type=Path, help="a gazetteer other than the package's")
    args = parser.parse_args(argv)
    result = evaluate(args.split, kinds=tuple(args.kinds), lexicon=args.lexicon,
                      gazetteer=args.gazetteer)
    print(markdown(result.scores(by=args.by)))
    if args.misses:
        result.errors().to_csv(args.misses, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
