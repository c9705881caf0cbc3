"""Tokens of a Document: where each word and punctuation mark is, and its normalised forms.

``token_columns(doc)`` scans the title and body once and gives a ``TokenColumns``: plain arrays
(raw ``start``/``end``, word or punctuation, part, paragraph, sentence) and each distinct surface
normalised and folded once. The finders read these columns; ``tokenize(doc)`` (``doc.tokens``)
is the same as a DataFrame for reading. A corpus batch (``helpers._batch``) builds the same
columns for many texts at once.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from itertools import compress
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers._rows import optional_ints, strings
from helpers.morphology import lemma
from helpers.normalization import (
    _WORD_END_MARKS,
    _WORD_INSIDE,
    BIDI_CONTROLS,
    DIACRITICS,
    EZAFE_HAMZA,
    WORD,
    ZWNJ,
    normalize,
    normalize_word,
)

if TYPE_CHECKING:
    from helpers.document import Document

_NOT_TOKEN = rf"\s{ZWNJ}{BIDI_CONTROLS}\u200b{DIACRITICS}{EZAFE_HAMZA}"
TOKEN_PATTERN = re.compile(rf"(?P<word>{WORD})|(?P<punct>[^\w{_NOT_TOKEN}])")
_TOKEN_SPLIT = re.compile(rf"({WORD}|[^\w{_NOT_TOKEN}])")
_NOT_TOKEN_CHARS = frozenset(ZWNJ + BIDI_CONTROLS + "\u200b" + DIACRITICS + EZAFE_HAMZA)



TOKENIZED_PARTS = ("title", "body")


def scan_tokens(folded: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Start, end, is-word and text of every token of a text translated with SCAN_TABLE.

    The tokens are those of ``_TOKEN_SPLIT`` (``TOKEN_PATTERN``), found with numpy from a class
    per character: the regex visits every character in Python's regex engine and the token
    lengths then cost a pass of their own, which made tokenising the slowest step of loading.
    ``scan_tokens_regex`` is the reference; the tests compare the two on random text.
    """
    # One 32-bit code per character ("surrogatepass": a lone surrogate is a character too).
    codes = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    kind = _char_classes(codes)
    word_start, word_end = _words_in_runs(kind)
    punct = np.flatnonzero(kind == _PUNCT)
    starts = np.concatenate((word_start, punct))
    order = np.argsort(starts, kind="stable")
    starts = starts[order]
    ends = np.concatenate((word_end, punct + 1))[order]
    words = np.concatenate((np.ones(len(word_start), bool), np.zeros(len(punct), bool)))[order]
    return starts, ends, words, _token_texts(folded, codes, starts, ends)


def _words_in_runs(kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of every word, given the class of every character.

    Letters, digits, marks and invisible joiners form runs. A word is the stretch of a run from
    its first letter or digit to its last letter, digit or mark (marks and joiners before the
    first letter are no token; joiners after the last letter or mark are dropped), as the regex's
    greedy match gives. Most runs start with a letter and end with a letter or mark; the few
    others are looked up among the letter (or mark) positions.
    """
    in_run = kind <= _INSIDE
    edge = np.diff(in_run.view(np.int8), prepend=0, append=0)
    run_start = np.flatnonzero(edge == 1)
    run_end = np.flatnonzero(edge == -1)  # exclusive
    start = run_start.copy()
    odd = np.flatnonzero(kind[run_start] != _LETTER)
    if len(odd):  # the first letter of the run, if it has one
        letters = np.flatnonzero(kind == _LETTER)
        found = np.searchsorted(letters, run_start[odd])
        first = letters[np.minimum(found, max(len(letters) - 1, 0))] if len(letters) else found
        start[odd] = np.where((found < len(letters)) & (first < run_end[odd]), first, -1)
    has_word = start >= 0  # a run of only marks and joiners holds no word
    start, end = start[has_word], run_end[has_word]
    odd = np.flatnonzero(kind[end - 1] > _MARK)
    if len(odd):  # after the last letter or mark of the run (there is one: its first letter)
        endings = np.flatnonzero(kind <= _MARK)
        end[odd] = endings[np.searchsorted(endings, end[odd]) - 1] + 1
    return start, end


def _token_texts(text: str, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """``text[start:end]`` for every token, made by one split of the tokens joined by NULs."""
    if not len(starts) or "\x00" in text:
        return [text[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    lengths = ends - starts
    total = int(lengths.sum())
    # Character k of token t is codes[starts[t] + k]; it goes to (its place among all token
    # characters) + t, leaving a NUL after each token.
    before = np.cumsum(lengths) - lengths
    source = np.arange(total) + np.repeat(starts - before, lengths)
    target = np.arange(total) + np.repeat(np.arange(len(starts)), lengths)
    joined = np.zeros(total + len(starts), dtype=np.uint32)
    joined[target] = codes[source]
    return joined.tobytes().decode("utf-32-le", "surrogatepass").split("\x00")[:-1]


def scan_tokens_regex(folded: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """``scan_tokens`` with the token regex: slower, and the definition the tests check against."""
    # split() gives [gap, token, gap, token, ..., gap]: every length, no Match objects.
    pieces = _TOKEN_SPLIT.split(folded)
    texts = pieces[1::2]
    ends = np.cumsum(np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)))[1::2]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    # In SCAN_TABLE text \w is exactly str.isalnum, so a token is a word iff it starts with one.
    first = map(itemgetter(0), texts)
    words = np.fromiter(map(str.isalnum, first), dtype=bool, count=len(texts))
    return ends - lengths, ends, words, texts


# Character classes for scan_tokens, ordered so that "<= _MARK" and "<= _INSIDE" are the sets
# the token regex uses: \w (str.isalnum once "_" is folded away), marks that may end a word,
# invisible characters that may stand inside one, characters that are no token (whitespace,
# and marks or invisibles outside words), and anything else, which is a one-character token.
_LETTER, _MARK, _INSIDE, _SPACE, _PUNCT = range(5)


def _char_class(ch: str) -> int:
    if ch.isalnum() or ch == "_":
        return _LETTER
    if ch in _WORD_END_MARKS:
        return _MARK
    if ch in _WORD_INSIDE:
        return _INSIDE
    if ch.isspace() or ch in _NOT_TOKEN_CHARS:
        return _SPACE
    return _PUNCT


@lru_cache(maxsize=1)
def _bmp_classes() -> np.ndarray:
    """The class of every character of the Basic Multilingual Plane (built once, 64 KB)."""
    return np.fromiter(map(_char_class, map(chr, range(0x10000))), dtype=np.uint8,
                       count=0x10000)


def _char_classes(codes: np.ndarray) -> np.ndarray:
    table = _bmp_classes()
    astral = codes >= 0x10000
    if not astral.any():
        return table[codes]
    kind = table[np.where(astral, 0, codes)]
    kind[astral] = [_char_class(chr(c)) for c in codes[astral].tolist()]
    return kind


class TokenColumns:
    """The tokens of the title and body as plain columns: what ``Document.tokens`` is built from.

    The finders (places, threats, themes) read these arrays and lists directly, so analysing a
    corpus never builds a token DataFrame. ``norm``, ``surface`` and ``fold`` give one string per
    token; each distinct surface is normalised and folded once (``codes`` index ``distinct``).
    ``paragraph`` and ``sentence`` are -1 outside the body (``outside_body``).
    """

    def __init__(self, start, end, is_word, part, paragraph, sentence, codes, distinct, norms,
                 folds, *, paragraph_key=None, sentence_key=None):
        self.start, self.end, self.is_word, self.part = start, end, is_word, part
        self.paragraph, self.sentence = paragraph, sentence
        self.codes, self.distinct, self.norms, self.folds = codes, distinct, norms, folds
        self.outside_body = part != TOKENIZED_PARTS.index("body")
        # Which paragraph and sentence a token is in, as keys that tell two texts apart when
        # the columns hold several (helpers._batch); -1 outside the body.
        self.paragraph_key = (np.where(self.outside_body, -1, paragraph)
                              if paragraph_key is None else paragraph_key)
        self.sentence_key = (np.where(self.outside_body, -1, sentence)
                             if sentence_key is None else sentence_key)

    def __len__(self) -> int:
        return len(self.start)

    @cached_property
    def norm(self) -> list[str]:
        """The normalised form of each token."""
        return list(map(self.norms.__getitem__, self.codes.tolist()))

    @property
    def vocabulary(self) -> tuple[list[str], np.ndarray]:
        """The norms of the distinct surfaces and each token's index into them (for matchers)."""
        return self.norms, self.codes

    def fold_at(self, index: np.ndarray) -> list[str]:
        """The folded (lemma) form of the tokens at ``index``."""
        return list(map(self.folds.__getitem__, self.codes[index].tolist()))

    @cached_property
    def words(self) -> int:
        """How many tokens are words (not punctuation)."""
        return int(self.is_word.sum())


def token_forms(surface: list[str], skip_rules=frozenset(), overrides=None
                ) -> tuple[np.ndarray, list[str], list[str], list[str]]:
    """Each distinct surface normalised and folded once: (codes, distinct, norms, folds).

    ``codes`` gives, per token, the index of its surface in ``distinct``; columns are then built
    by index (take) instead of one string at a time.
    """
    # Codes in order of first appearance, as a dict would give them, from pandas' hash table.
    codes, uniques = pd.factorize(np.array(surface, dtype=object))
    codes = codes.astype(np.int64, copy=False)
    distinct = uniques.tolist()
    if skip_rules or overrides:
        options = {"skip_rules": skip_rules, "overrides": overrides}
        norms = [normalize(w, **options).strip() for w in distinct]
    else:
        norms = list(map(normalize_word, distinct))
    return codes, distinct, norms, list(map(lemma, norms))


def token_columns(doc: Document) -> TokenColumns:
    """One pass over the scanned text: spans, parts, paragraphs, sentences and forms of tokens."""
    all_starts, all_ends, all_words, all_texts = doc._scan
    part_code = np.full(len(all_starts), -1, dtype=np.int8)
    for start, end, code in doc.tokenized_spans:  # every title and body (title_2, body_2...)
        part_code[(all_starts >= start) & (all_ends <= end)] = code
    keep = part_code >= 0
    start, end, is_word = all_starts[keep], all_ends[keep], all_words[keep]
    part_code = part_code[keep]
    raw = doc.raw
    if doc._folded is raw:  # nothing folded: the scanned texts are raw
        surface = list(compress(all_texts, keep.tolist()))
    else:
        surface = [raw[s:e] for s, e in zip(start.tolist(), end.tolist())]
    codes, distinct, norms, folds = token_forms(surface, doc.skip_rules, doc.overrides)
    paragraph = np.searchsorted(_starts(doc.paragraph_spans, 0), start, side="right") - 1
    sentence = np.searchsorted(_starts(doc.sentence_spans, 1), start, side="right") - 1
    return TokenColumns(start, end, is_word, part_code, paragraph, sentence, codes, distinct,
                        norms, folds)


def tokenize(doc: Document) -> pd.DataFrame:
    """One row per token of the title and body: raw span, surface, normalised and folded forms."""
    columns = doc.token_columns
    codes, size, n = columns.codes, len(columns.distinct), len(columns)
    # One string array holds the distinct surfaces, norms and folds; one take gives the three
    # columns one after another, and each column is a slice of it (no copy).
    forms = strings([*columns.distinct, *columns.norms, *columns.folds])
    taken = forms.take(np.concatenate((codes, codes + size, codes + 2 * size)))
    outside_body = columns.outside_body
    table = pd.DataFrame(
        {
            "start": columns.start,
            "end": columns.end,
            "surface": taken[:n],
            "norm": taken[n : 2 * n],
            "fold": taken[2 * n :],
            "kind": pd.Categorical.from_codes(
                np.where(columns.is_word, 0, 1).astype(np.int8), dtype=_KIND_DTYPE,
                validate=False,
            ),
            "part": pd.Categorical.from_codes(columns.part, dtype=_PART_DTYPE, validate=False),
            # Title tokens have no paragraph or sentence: <NA>.
            "paragraph": pd.arrays.IntegerArray(columns.paragraph, outside_body.copy()),
            "sentence": pd.arrays.IntegerArray(columns.sentence, outside_body.copy()),
        }
    )
    table.index.name = "token"
    return table


def part_labels(part: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Token part codes (``TokenColumns.part``) as the string column mention tables show."""
    return strings(list(TOKENIZED_PARTS)).take(part)


def span_columns(rows: dict, doc_id) -> dict:
    """The first columns of every mention table: ``doc_id``, raw ``start``, ``end``, ``surface``."""
    return {"doc_id": doc_id, "start": rows["start"], "end": rows["end"],
            "surface": strings(rows["surface"])}


def position_columns(rows: dict) -> dict:
    """Where each mention is: ``paragraph`` and ``sentence`` (<NA> outside the body), ``part``."""
    outside = rows["part"] != TOKENIZED_PARTS.index("body")
    return {"paragraph": optional_ints(rows["paragraph"], outside),
            "sentence": optional_ints(rows["sentence"], outside),
            "part": part_labels(rows["part"])}


def _starts(spans: list[tuple[int, ...]], column: int) -> np.ndarray:
    """The start offsets of spans (``column`` is where the start sits in each tuple)."""
    return np.fromiter(map(itemgetter(column), spans), dtype=np.int64, count=len(spans))


_KIND_DTYPE = pd.CategoricalDtype(["word", "punct"])
_PART_DTYPE = pd.CategoricalDtype(list(TOKENIZED_PARTS))



def cover_markup(folded: str, markup: list[tuple[int, int, str]], scanned: tuple
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Scanned tokens with their ends moved to the end of the markup they end inside.

    In the scanned view a reference is what it stands for followed by fill, which is no token
    character at a word's end: a word ending in «&#1740;» would end after «ی», inside the
    reference. Its raw span must hold all of it.
    """
    starts, ends, words, texts = scanned
    markup_start = np.fromiter((m[0] for m in markup), dtype=np.int64, count=len(markup))
    markup_end = np.fromiter((m[1] for m in markup), dtype=np.int64, count=len(markup))
    k = np.searchsorted(markup_start, ends, side="left") - 1  # the last markup starting before
    safe = np.clip(k, 0, None)
    inside = (k >= 0) & (ends < markup_end[safe])
    if not inside.any():
        return scanned
    ends = np.where(inside, markup_end[safe], ends)
    texts = list(texts)
    for i in np.flatnonzero(inside).tolist():
        texts[i] = folded[starts[i] : ends[i]]
    return starts, ends, words, texts


