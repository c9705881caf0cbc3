"""Many texts analysed as one: their tokens in one stream, each finder run once per batch.

A corpus is mostly short texts (a communiqué is a dozen kilobytes), and the fixed cost of each
step (a regex call, a dozen numpy calls, a matcher pass) is then paid per text. ``TextBatch``
joins the texts of a batch, scans the joined text once, and gives the finders
(``place_rows`` and the engine's ``match_rows``) one ``TokenColumns`` for all of them, so they run
once per batch. ``rows_by_text`` then turns their rows back into each text's own offsets.

The joined stream is built so that the finders see exactly what they would see text by text:

- texts are joined with a line break, which no token crosses;
- between two texts' tokens stands a separator token (its norm a line break), which no phrase
  matches and which is neither a list joiner nor a geographic cue, so no phrase and no place
  context reaches from one text into the next;
- paragraph and sentence keys (used by theme context rules) are numbered across the batch, so
  one text's context never counts for another.

The corpus tests check that a batch gives the same tables as the texts one by one.
"""

from __future__ import annotations

from itertools import compress

import numpy as np

from helpers._rows import Rows
from helpers.document import Document
from helpers.tokens import TOKENIZED_PARTS, TokenColumns, cover_markup, scan_tokens, token_forms

_SEPARATOR = "\n"  # between texts in the joined raw text, and the separator token's surface
_PART_CODES = {part: code for code, part in enumerate(TOKENIZED_PARTS)}


class TextBatch:
    """Several Documents as one text for the finders: ``raw``, ``token_columns``, ``doc_id``."""

    def __init__(self, docs: list[Document]):
        if any(doc.skip_rules or doc.overrides for doc in docs):
            raise ValueError("A TextBatch normalises with the default rules only.")
        self.docs = docs
        self.doc_id = "batch"
        lengths = np.array([len(doc.raw) for doc in docs], dtype=np.int64)
        #: Where each text starts in the joined ``raw``.
        self.offsets = np.concatenate([[0], np.cumsum(lengths + len(_SEPARATOR))[:-1]])
        self.raw = _SEPARATOR.join(doc.raw for doc in docs)
        self.token_columns, self.token_offsets, self.words = self._columns()

    def __len__(self) -> int:
        return len(self.docs)

    def _columns(self) -> tuple[TokenColumns, np.ndarray, np.ndarray]:
        """The stream of every text's title and body tokens, with separators between texts."""
        # Each text as its Document scans it (HTML residue read as its text, at the same
        # offsets), joined; the same lengths as ``raw``.
        folded = _SEPARATOR.join(doc._folded for doc in self.docs)
        scanned = scan_tokens(folded)
        markup = [(int(o) + s, int(o) + e, t)
                  for o, d in zip(self.offsets, self.docs, strict=True) for s, e, t in d._markup]
        starts, ends, is_word, texts = (cover_markup(folded, markup, scanned) if markup
                                        else scanned)
        # The title and body spans of every text (every statement of it), in joined offsets.
        spans = sorted(
            (int(self.offsets[i]) + start, int(self.offsets[i]) + end, code, i)
            for i, doc in enumerate(self.docs) for start, end, code in doc.tokenized_spans
        )
        span_start, span_end, span_part, span_doc = np.array(spans, dtype=np.int64).reshape(-1, 4).T
        which = np.searchsorted(span_start, starts, side="right") - 1
        safe = np.clip(which, 0, None)
        keep = (which >= 0) & (ends <= span_end[safe])  # every text has a body span
        which = which[keep]
        start, end, word = starts[keep], ends[keep], is_word[keep]
        part = span_part[which].astype(np.int8)
        doc = span_doc[which]

        # Paragraph and sentence numbers: within each text, and as keys across the batch.
        body = part == _PART_CODES["body"]
        paragraph, paragraph_key = self._units(
            start, doc, body, [d.paragraph_spans for d in self.docs], 0)
        sentence, sentence_key = self._units(
            start, doc, body, [d.sentence_spans for d in self.docs], 1)

        if all(d._folded is d.raw for d in self.docs):  # nothing folded: scanned texts are raw
            kept_texts = list(compress(texts, keep.tolist()))
        else:
            raw = self.raw
            kept_texts = [raw[s:e] for s, e in zip(start.tolist(), end.tolist(), strict=True)]

        # A separator token before each text's first token (but the first text's).
        first_of_doc = np.flatnonzero(np.diff(doc, prepend=-1) != 0)
        at = first_of_doc[1:]
        codes, distinct, norms, folds = token_forms(kept_texts)
        sep_code = len(distinct)
        distinct, norms, folds = (
            [*distinct, _SEPARATOR], [*norms, _SEPARATOR], [*folds, _SEPARATOR])
        # Token k moves to k + (separators before it); separator s stands at at[s] + s.
        shift = np.zeros(len(start), dtype=np.int64)
        shift[at] = 1
        dest = np.arange(len(start)) + np.cumsum(shift)
        size = len(start) + len(at)

        def spread(values: np.ndarray, separator) -> np.ndarray:
            out = np.empty(size, dtype=values.dtype)
            out[dest] = values
            out[at + np.arange(len(at))] = separator
            return out

        gap = self.offsets[doc[at]] - len(_SEPARATOR)  # the separator's place in the joined text
        columns = TokenColumns(
            spread(start, gap), spread(end, gap + len(_SEPARATOR)), spread(word, False),
            spread(part, -1), spread(paragraph, -1), spread(sentence, -1),
            spread(codes, sep_code), distinct, norms, folds,
            paragraph_key=spread(paragraph_key, -1), sentence_key=spread(sentence_key, -1),
        )
        # Where each text's tokens start in the stream (-1 for a text without tokens).
        token_offsets = np.full(len(self.docs), -1, dtype=np.int64)
        token_offsets[doc[first_of_doc]] = first_of_doc + np.arange(len(first_of_doc))
        words = np.bincount(doc[word], minlength=len(self.docs))
        return columns, token_offsets, words

    def _units(self, start: np.ndarray, doc: np.ndarray, body: np.ndarray,
               spans: list[list[tuple]], column: int) -> tuple[np.ndarray, np.ndarray]:
        """Each token's paragraph (or sentence) within its text, and a key unique in the batch.

        The number is -1 where the text on its own would give -1 (before its first unit); the
        key is -1 there and outside the body, as ``TokenColumns`` makes it for one text.
        """
        counts = np.array([len(s) for s in spans], dtype=np.int64)
        first = np.concatenate([[0], np.cumsum(counts)[:-1]])
        starts = np.fromiter((unit[column] for units in spans for unit in units),
                             dtype=np.int64, count=int(counts.sum()))
        starts += np.repeat(self.offsets, counts)
        global_index = np.searchsorted(starts, start, side="right") - 1
        local = global_index - first[doc]
        local = np.where(local < 0, -1, local)
        key = np.where((local < 0) | ~body, -1, global_index)
        return local, key


def rows_by_text(batch: TextBatch, rows: Rows) -> tuple[Rows, np.ndarray]:
    """A finder's rows for the batch, in each text's own offsets, and the text of each row.

    Rows stay in stream order, which is text order, and within a text the finder's own order.
    """
    if "start" not in rows:
        raise ValueError("rows_by_text needs rows with a 'start' column.")
    doc = np.searchsorted(batch.offsets, rows["start"], side="right") - 1
    shifted = dict(rows)
    shifted["start"] = rows["start"] - batch.offsets[doc]
    shifted["end"] = rows["end"] - batch.offsets[doc]
    for column in ("first_token", "end_token"):
        if column in rows:
            shifted[column] = rows[column] - batch.token_offsets[doc]
    return shifted, doc
