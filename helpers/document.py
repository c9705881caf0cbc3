"""Load a Persian text losslessly and find its structure: parts, paragraphs, sentences, tokens.

A ``Document`` owns ``raw``, the decoded file exactly as it was. Everything else (title, date,
body, paragraphs, sentences, tokens, and every later mention of a place, threat or theme) is a
span ``(start, end)`` into ``raw``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import re
import sys
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress
from pathlib import Path

import numpy as np
import pandas as pd

from helpers._paths import _REPO_ROOT as REPO_ROOT
from helpers.dates import find_dates
from helpers.normalization import (
    SCAN_TABLE,
    Normalized,
    _check_overrides,
    _check_skip,
    fast_translate,
    find_edits,
    find_markup,
    markup_view,
)
from helpers.script import ARABIC_SCRIPT
from helpers.tokens import (
    TOKENIZED_PARTS,
    TokenColumns,
    cover_markup,
    scan_tokens,
    token_columns,
    tokenize,
)


class TextLoadError(ValueError):
    """A file or string that cannot be loaded as a Persian text."""


class TextLoadWarning(UserWarning):
    """A text that loads, but not as one would expect: part of it left out, or no Persian."""


def _warn(message: str) -> None:
    """Warn (TextLoadWarning) at the line of the first caller outside this package."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] == "helpers":
        frame, level = frame.f_back, level + 1
    warnings.warn(message, TextLoadWarning, stacklevel=level)


@dataclass(frozen=True)
class Span:
    """A labelled stretch of ``Document.raw``: ``raw[start:end]``."""

    start: int
    end: int
    label: str = ""

    def __len__(self) -> int:
        return self.end - self.start


# A line starts at the start of the text or after a line break: LF, CRLF or a lone CR.
_LINE_START = r"(?:^|(?<=\r))"
_LINE_END = r"(?:$|(?<=\r))"
_BODY_START = re.compile(
    rf"{_LINE_START}[ \t\u200f\u200e]*آغاز متن[ \t\r\u200f\u200e]*{_LINE_END}", re.M
)
_BODY_END = re.compile(
    rf"{_LINE_START}[ \t\u200f\u200e]*پایان متن[ \t\r\u200f\u200e]*{_LINE_END}", re.M
)
_SOURCE_LINE = re.compile(r"برای مشاهده(?:ی)? محتوا(?:ی)? اصلی\s*:?\s*(?P<url>https?://\S+)")
_DISCLAIMER = re.compile(rf"{_LINE_START}[^\r\n]*ترجمه[^\r\n]*(?:معتبر|رفاه)[^\r\n]*", re.M)
_LINE_BREAK = re.compile(r"\r\n?|\n")
_PARAGRAPH_BREAK = re.compile(r"(?:\r\n?|\n)[ \t\u200c]*(?:(?:\r\n?|\n)[ \t]*)+")
_LINE = re.compile(r"[^\n]*\n?")

# Sentence ends: . ! ? ؟ and the ellipsis, followed by space or the end of the paragraph.
# (The mark is matched, not looked behind for: a leading character set lets the regex engine skip
# ahead to candidates, about twice as fast; only the match's end is used.)
_SENTENCE_END = re.compile(r"[.!?؟…][»\")\]]*(?=\s|$)")
# Persian spellings of Latin initials («آنتونی جی. بلینکن»): a period after them ends no sentence.
_INITIALS = frozenset(
    "ای بی سی دی جی اف اچ آی کی ال ام ان پی کیو آر اس تی یو وی ایکس زد جی‌اف".split()
)
# Latin abbreviations that end no sentence; a single letter (U.S., J. Smith) ends none either.
_ABBREVIATIONS = frozenset("Mr Mrs Ms Dr St Jr Sr No vs etc Inc Ltd Co Gen Sen Rep Gov".split())


def _is_abbreviation(word: str) -> bool:
    return len(word) == 1 or word in _INITIALS or word in _ABBREVIATIONS


_WORD_BEFORE = re.compile(r"([^\W\d_]+)\.[»\")\]]*$")

# Run on text translated with SCAN_TABLE. Invisible controls and stray marks are no tokens.
def decode(data: bytes, *, encoding: str | None = None, name: str = "<bytes>") -> tuple[str, str]:
    """Decode a file's bytes, returning (text, encoding); raise TextLoadError with advice."""
    if not data:
        raise TextLoadError(f"{name} is empty: there is no text to load.")
    if encoding is None:
        for bom, codec in (
            (codecs.BOM_UTF32_LE, "utf-32"),
            (codecs.BOM_UTF32_BE, "utf-32"),
            (codecs.BOM_UTF8, "utf-8-sig"),
            (codecs.BOM_UTF16_LE, "utf-16"),
            (codecs.BOM_UTF16_BE, "utf-16"),
        ):
            if data.startswith(bom):
                encoding = codec
                break
        else:
            encoding = "utf-8"
            if b"\x00" in data or _looks_binary(data):
                raise TextLoadError(
                    f"{name} looks binary (NUL or control bytes, no byte-order mark). Pass a "
                    "text file; if it is UTF-16 without a BOM, pass encoding='utf-16-le'."
                )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise TextLoadError(
            f"{name} is not valid {encoding} (byte {err.start}: {err.reason}). If it is a legacy "
            "Persian file, pass encoding='cp1256' (Windows-1256); otherwise check the file."
        ) from None
    except LookupError:
        raise TextLoadError(f"Unknown encoding {encoding!r}; use a Python codec name.") from None
    if "\x00" in text:
        raise TextLoadError(f"{name} decodes to text with NUL characters: it looks binary.")
    if not text.strip():
        raise TextLoadError(f"{name} holds only whitespace: there is no text to load.")
    if not codecs.lookup(encoding).name.startswith("utf") and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # legacy bytes are almost never valid UTF-8 by chance
            _warn(
                f"{name} was decoded as {encoding}, but its bytes are valid UTF-8: the text is "
                f"probably garbled (it begins {_sample(text)}). Load it without encoding= "
                "(UTF-8) unless you know it is " + encoding + "."
            )
    return text, encoding


_PERSIAN_LETTER = re.compile("[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06fa-\u06ff"
                             "\ufb50-\ufdff\ufe70-\ufefe]")


def _sample(text: str, size: int = 40) -> str:
    """The first characters of a text that are not whitespace, quoted, for a message."""
    start = len(text) - len(text.lstrip())
    piece = " ".join(text[start : start + size].split())
    return f"«{piece}…»" if len(text) - start > size else f"«{piece}»"


def _mojibake_hint(text: str) -> str:
    """Advice for a text without Persian letters that holds Persian decoded the wrong way."""
    sample = text[:20000]
    for shown_as in ("cp1252", "latin-1"):
        try:
            data = sample.encode(shown_as)
        except UnicodeEncodeError:
            continue
        for codec in ("utf-8", "cp1256"):
            try:  # final=False: the sample may end inside a character
                decoded = codecs.getincrementaldecoder(codec)().decode(data, final=False)
            except UnicodeDecodeError:
                continue
            letters = len(_PERSIAN_LETTER.findall(decoded))
            if letters >= max(3, 0.3 * len("".join(decoded.split()))):
                return (
                    f" It looks like {codec} bytes read as {shown_as} (mojibake: "
                    f"{_sample(decoded, 20)} read as {_sample(sample, 20)}): load the file with "
                    f"encoding='{codec}', or repair a string with "
                    f"text.encode('{shown_as}').decode('{codec}')."
                )
    return ""


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c")


def _looks_binary(data: bytes) -> bool:
    """More than 1 in 20 of the first 8 KB are control bytes: no text file looks like that."""
    head = data[:8192]
    return len(head) - len(head.translate(None, _CONTROL_BYTES)) > len(head) / 20


_TEXT_FILE_NAME = re.compile(
    r"\.(?:txt|text|md|markdown|html?|xml|json|jsonl|csv|tsv|rtf|docx?|odt|pdf)$", re.I
)
_FILE_NAME = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")
_PATH_START = re.compile(r"~|\.{1,2}[/\\]|[/\\]|[A-Za-z]:[/\\]")


def _looks_like_path(source: str) -> bool:
    """A string naming a file, or shaped like a file path rather than like a text.

    That is one short line that ends in a text file's extension (``گزارش عراق.txt``), starts
    like a path (``./``, ``~``, ``/``, ``C:\\``), or has no spaces and ends in an extension or
    holds a path separator (``data/raw/x``). A Persian sentence that holds a «/» is a text.
    """
    name = source.strip()
    if not name or "\n" in name or "\r" in name or len(name) > 1024:
        return False
    if os.path.exists(source):
        return True
    if _TEXT_FILE_NAME.search(name) or _PATH_START.match(name):
        return True
    spaced = any(ch.isspace() for ch in name)
    has_separator = "/" in name or "\\" in name
    return not spaced and (has_separator or bool(_FILE_NAME.search(name)))


def load_document(
    source: str | os.PathLike | None = None,
    *,
    text: str | None = None,
    encoding: str | None = None,
    doc_id: str | None = None,
    skip_rules: Iterable[str] = (),
    overrides: Mapping[str, str] | None = None,
) -> Document:
    """Load a Persian text from a file (a path), or from ``text=`` (the text itself).

    A string given as ``source`` is read as a path when it names a file or looks like a path
    (one short line ending in .txt, .md..., or with a path separator and no spaces); a path
    that names no file raises FileNotFoundError. Any other string is taken as the text itself;
    ``text=`` says so explicitly. ``skip_rules`` and ``overrides`` change how the text is
    normalised (see ``helpers.normalization.normalize_text``); ``raw`` is never changed.
    """
    options = {"skip_rules": frozenset(skip_rules), "overrides": dict(overrides or {}) or None}
    if text is not None:
        if source is not None:
            raise TypeError("load_document() takes a path or text=, not both.")
        if not isinstance(text, str):
            raise TypeError(f"text= takes a str, not {type(text).__name__}; pass a path instead.")
        if encoding is not None:
            raise TypeError("encoding= is for files; a str given as text= is already decoded.")
        return Document.from_text(text, doc_id=doc_id, **options)
    if source is None:
        raise TypeError("load_document() needs a path, or the text itself as text=...")
    if isinstance(source, bytes):
        raise TextLoadError("Pass a path or a str; decode bytes with helpers.decode() first.")
    if not isinstance(source, str | os.PathLike):
        raise TypeError(f"load_document() takes a path or a str, not {type(source).__name__}.")
    if isinstance(source, os.PathLike) or _looks_like_path(source):
        path = Path(source)
        if isinstance(source, str) and not path.exists():
            raise FileNotFoundError(
                f"No file at {source!r}: check the path (relative paths start at {Path.cwd()}). "
                "The string was read as a path because it looks like one (one line ending in a "
                "file extension, or a path separator without spaces); to analyse the string "
                "itself as a text, pass load_document(text=...)."
            )
        data = read_file(path)
        text, used = decode(data, encoding=encoding, name=str(path))
        return Document(raw=text, doc_id=doc_id or path.stem, path=path, encoding=used, **options)
    if encoding is not None:
        raise TypeError("encoding= is for files; this str was read as the text itself.")
    return Document.from_text(source, doc_id=doc_id, **options)


def read_file(path: Path) -> bytes:
    """A text file's bytes; a folder or a missing file raises with what to do instead."""
    if path.is_dir():
        raise TextLoadError(f"{path} is a folder: pass one file (or use helpers.corpus).")
    if not path.is_file():
        raise FileNotFoundError(
            f"No file at {path}: check the path (relative paths start at {Path.cwd()})."
        )
    return path.read_bytes()


@dataclass(eq=False)
class Document:
    """A Persian text: ``raw`` as loaded, its parts and structure as spans into ``raw``."""

    raw: str
    doc_id: str = "text"
    path: Path | None = None
    encoding: str = "str"
    skip_rules: frozenset[str] = frozenset()
    overrides: dict[str, str] | None = None
    parts: dict[str, Span] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.raw, str):
            raise TypeError("Document.raw must be a str; use load_document() for files.")
        if not self.raw.strip():
            raise TextLoadError(f"{self.doc_id} is empty: there is no text to load.")
        _check_unicode(self.raw, self.doc_id)
        self.skip_rules = _check_skip(self.skip_rules)
        _check_overrides(self.overrides)  # fail at load time, not at the first token
        # Parts, paragraphs, sentences and dates are found in ``_view``: ``raw`` with any HTML
        # residue read as what it stands for, at the same offsets.
        self.parts = _find_parts(self._view)
        self._left_out = _left_out(self._view, self.parts)
        if not _PERSIAN_LETTER.search(self._view):
            _warn(
                f"{self.doc_id} has no Persian (Arabic-script) letters: it is not a Persian "
                f"text, or it was decoded with the wrong encoding (it begins "
                f"{_sample(self.raw)}).{_mojibake_hint(self.raw)}"
            )
        elif self._left_out:
            lines = [_line_number(self.raw, start) for start, _ in self._left_out]
            shown = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
            start, end = self._left_out[0]
            _warn(
                f"{self.doc_id}: {sum(e - s for s, e in self._left_out):,} characters of "
                f"Persian text (line {shown}) are outside the title and body and are not "
                f"analysed, e.g. {_sample(self.raw[start:end])}. doc.metadata()['left_out'] "
                "lists their spans."
            )

    @classmethod
    def from_text(cls, text: str, *, doc_id: str | None = None, **options) -> Document:
        """A Document for a string already in memory (options as for ``load_document``)."""
        if not isinstance(text, str):
            raise TypeError(f"Document.from_text() takes a str, not {type(text).__name__}.")
        _check_unicode(text, "the text" if doc_id is None else doc_id)
        if doc_id is None:
            doc_id = "text-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
        return cls(raw=text, doc_id=doc_id, **options)

    def __repr__(self) -> str:
        return (
            f"Document({self.doc_id!r}, {len(self.raw):,} chars, "
            f"{len(self.paragraph_spans)} paragraphs, title={self.title!r})"
        )

    def text(self, span: Span | tuple[int, int]) -> str:
        """The raw text of a span."""
        start, end = (span.start, span.end) if isinstance(span, Span) else span
        return self.raw[start:end]

    @property
    def title(self) -> str | None:
        """The title, if one was found."""
        return self.text(self.parts["title"]) if "title" in self.parts else None

    @cached_property
    def date(self) -> dt.date | None:
        """The date of the text, if one is written near its top."""
        span = self.parts.get("date")
        if span is None:
            return None
        return find_dates(self._view[span.start : span.end])[0][0]

    @property
    def source_url(self) -> str | None:
        """The address of the original the text says it translates, if given."""
        return self.text(self.parts["source_url"]) if "source_url" in self.parts else None

    @property
    def body(self) -> str:
        """The body text (raw); of the first body if the file holds several (``body_2``...)."""
        return self.text(self.parts["body"])

    @cached_property
    def structure(self) -> pd.DataFrame:
        """One row per part (header, title, date, body, source, disclaimer, footer) with spans."""
        rows = [
            (name, span.start, span.end, self.raw[span.start : span.end])
            for name, span in sorted(self.parts.items(), key=lambda kv: (kv[1].start, -kv[1].end))
        ]
        return pd.DataFrame(rows, columns=["part", "start", "end", "text"])

    def metadata(self) -> dict[str, object]:
        """Title, date, source address, identifiers and sizes, as a plain dict."""
        return self._metadata(self.token_columns.words)

    def _metadata(self, words: int, *, shown_path: bool = True) -> dict[str, object]:
        analysed = sum(end - start for start, end, _ in self.tokenized_spans)
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "date": self.date,
            "source_url": self.source_url,
            "path": _shown_path(self.path) if shown_path else self.path,
            "encoding": self.encoding,
            "characters": len(self.raw),
            "paragraphs": len(self.paragraph_spans),
            "sentences": len(self.sentence_spans),
            "tokens": words,
            # What was analysed (the title and body parts) and what was left out: lines of
            # Persian outside every part (see the warning given at load time).
            "bodies": sum(_base_name(name) == "body" for name in self.parts),
            "characters_analysed": analysed,
            "left_out": list(self._left_out),
            "characters_left_out": sum(end - start for start, end in self._left_out),
        }

    @cached_property
    def tokenized_spans(self) -> list[tuple[int, int, int]]:
        """(start, end, part code in TOKENIZED_PARTS) of every title and body, in text order."""
        return sorted(
            (span.start, span.end, TOKENIZED_PARTS.index(_base_name(name)))
            for name, span in self.parts.items()
            if _base_name(name) in TOKENIZED_PARTS
        )

    @cached_property
    def paragraph_spans(self) -> list[tuple[int, int]]:
        """(start, end) of each body paragraph (of every body, in text order)."""
        bodies = [(s, e) for s, e, code in self.tokenized_spans if TOKENIZED_PARTS[code] == "body"]
        if len(bodies) == 1:
            return _split_paragraphs(self._view, *bodies[0])
        return [span for start, end in bodies for span in _split_paragraphs(self._view, start, end)]

    @cached_property
    def sentence_spans(self) -> list[tuple[int, int, int]]:
        """(paragraph, start, end) of each body sentence."""
        return [
            (number, s, e)
            for number, (start, end) in enumerate(self.paragraph_spans)
            for s, e in _split_sentences(self._view, start, end)
        ]

    @cached_property
    def paragraphs(self) -> pd.DataFrame:
        """The body's paragraphs: one row each with its raw span and text."""
        return pd.DataFrame(
            [(i, s, e, self.raw[s:e]) for i, (s, e) in enumerate(self.paragraph_spans)],
            columns=["paragraph", "start", "end", "text"],
        )

    @cached_property
    def sentences(self) -> pd.DataFrame:
        """The body's sentences: one row each with its paragraph, raw span and text."""
        return pd.DataFrame(
            [(i, p, s, e, self.raw[s:e]) for i, (p, s, e) in enumerate(self.sentence_spans)],
            columns=["sentence", "paragraph", "start", "end", "text"],
        )

    @cached_property
    def normalized(self) -> Normalized:
        """The whole text normalised for matching, with its audit and offset map."""
        edits = find_edits(
            self.raw, self._words, skip_rules=self.skip_rules, overrides=self.overrides
        )
        return Normalized(self.raw, edits, skip_rules=self.skip_rules)

    @cached_property
    def _markup(self) -> list[tuple[int, int, str]]:
        """HTML residue in ``raw`` (references and tags): (start, end, what it stands for)."""
        return [] if "html" in self.skip_rules else find_markup(self.raw)

    @cached_property
    def _view(self) -> str:
        """``raw`` with HTML residue read as what it stands for, at the same offsets.

        (``markup_view``: ``raw`` itself when it holds none.) Structure and tokens are found in
        it, so a ``<p>`` is a space and «ا&#1740;ران» one word, while every span indexes ``raw``.
        """
        return markup_view(self.raw, self._markup) if self._markup else self.raw

    @cached_property
    def _folded(self) -> str:
        """``_view`` translated with SCAN_TABLE (``raw`` itself when nothing is folded)."""
        return fast_translate(self._view, SCAN_TABLE)

    @cached_property
    def _scan(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """One pass over the whole text: start, end, is-word and folded text of every token."""
        scanned = scan_tokens(self._folded)
        return cover_markup(self._folded, self._markup, scanned) if self._markup else scanned

    @cached_property
    def _words(self) -> list[tuple[int, str]]:
        starts, _ends, is_word, texts = self._scan
        return list(compress(zip(starts.tolist(), texts), is_word.tolist()))

    @cached_property
    def token_columns(self) -> TokenColumns:
        """The tokens of the title and body as columns (what the finders read)."""
        return token_columns(self)

    @cached_property
    def tokens(self) -> pd.DataFrame:
        """Title and body tokens: raw span, surface, normalised and folded forms, sentence."""
        return tokenize(self)


def _shown_path(path: Path | None) -> str | None:
    """A path as a reader should see it: relative to the repository when it lies inside it."""
    if path is None:
        return None
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def _lines(raw: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content, without its line break (LF, CRLF or a lone CR)."""
    spans, position = [], 0
    if "\r" not in raw:  # LF only: a split is quicker than the regex
        for line in raw.split("\n"):
            spans.append((position, position + len(line)))
            position += len(line) + 1
        if spans and spans[-1][0] == len(raw):  # the text ends with a line break
            spans.pop()
        return spans
    for m in _LINE_BREAK.finditer(raw):
        spans.append((position, m.start()))
        position = m.end()
    if position < len(raw):  # (a text that ends with a line break has no empty last line)
        spans.append((position, len(raw)))
    return spans


def _line_number(raw: str, offset: int) -> int:
    """The number (from 1) of the line ``raw[offset]`` is on."""
    return len(_lines(raw[:offset])) + (offset == 0 or raw[offset - 1] in "\r\n")


_NUMBERED = re.compile(r"(.+)_\d+")


def _base_name(part: str) -> str:
    """A part's name without the number of its statement: ``body_2`` -> ``body``."""
    m = _NUMBERED.fullmatch(part)
    return m.group(1) if m else part


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_unicode(text: str, name: str) -> None:
    """Raise TextLoadError for a lone surrogate, which no file or library can take."""
    try:
        text.encode("utf-8")
        return
    except UnicodeEncodeError:
        m = _SURROGATE.search(text)
    if m:
        raise TextLoadError(
            f"{name} holds a lone surrogate (U+{ord(m.group()):04X}) at character {m.start()} "
            f"(line {_line_number(text, m.start())}): that is not text. It comes from decoding "
            "with errors='surrogateescape' or from a broken \\u escape; load the file itself "
            "with load_document(path), or remove the character."
        )


def _strip_span(raw: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` without the whitespace at either edge (all whitespace: ``(end, end)``)."""
    piece = raw[start:end]
    kept = piece.strip()
    if not kept:
        return end, end
    start += len(piece) - len(piece.lstrip())
    return start, start + len(kept)


def _find_parts(raw: str) -> dict[str, Span]:
    """Header, title, date, body, source and disclaimer, footer: whatever the text has.

    A file may hold several statements, each between «آغاز متن» and «پایان متن»: the parts of
    the second are ``title_2``, ``date_2``, ``body_2``, ``source_2``... and every body is
    analysed (a second start marker before an end marker also starts a new body).
    """
    lines = [(s, e) for s, e in _lines(raw) if raw[s:e].strip()]
    persian = [i for i, (s, e) in enumerate(lines) if ARABIC_SCRIPT.search(raw[s:e])]
    parts: dict[str, Span] = {}
    if not persian:
        s, e = _strip_span(raw, 0, len(raw))
        parts["body"] = Span(s, e, "body")
        return parts
    first, last = persian[0], persian[-1]
    content_start, content_end = lines[first][0], lines[last][1]
    if first > 0:
        parts["header"] = Span(lines[0][0], lines[first - 1][1], "header")
    if last < len(lines) - 1:
        parts["footer"] = Span(lines[last + 1][0], lines[-1][1], "footer")

    statements = _statements(raw, content_start, content_end)
    previous = content_start  # where the lines before the next start marker begin
    taken: list[tuple[int, int]] = []  # the source and disclaimer of the statement before
    for number, statement in enumerate(statements or [None], start=1):
        suffix = "" if number == 1 else f"_{number}"
        if statement is None:  # no start marker: the title and date are guessed
            ends = _markers(raw, _BODY_END, "پایان متن", content_start, content_end)
            finish = ends[0] if ends else None
            body_end = finish.start() if finish else content_end
            preamble, body_start = _guess_preamble(raw, lines[first:], body_end)
        else:
            begin, body_end, finish = statement
            preamble = [
                (s, e) for s, e in lines
                if previous <= s and e <= begin.start() and not any(
                    s < b and a < e for a, b in taken)
            ]
            body_start = begin.end()
        for s, e in preamble:
            dates = find_dates(raw[s:e])
            date_line = bool(dates) and len(raw[s:e].strip()) <= dates[0][2] - dates[0][1] + 20
            if "date" + suffix not in parts and date_line:
                parts["date" + suffix] = Span(s + dates[0][1], s + dates[0][2], "date" + suffix)
            elif "title" + suffix not in parts:
                parts["title" + suffix] = Span(*_strip_span(raw, s, e), "title" + suffix)
        s, e = _strip_span(raw, body_start, body_end)
        parts["body" + suffix] = Span(s, e, "body" + suffix)
        previous, taken = body_end, []
        if finish:
            following = statements[number][0].start() if number < len(statements) else None
            after = (finish.end(), following or content_end)
            source = _SOURCE_LINE.search(raw, *after)
            if source:
                url_start, url_end = source.span("url")
                parts["source" + suffix] = Span(source.start(), source.end(), "source" + suffix)
                parts["source_url" + suffix] = Span(url_start, url_end, "source_url" + suffix)
                taken.append(source.span())
            disclaimer = _DISCLAIMER.search(raw, *after)
            if disclaimer:
                parts["disclaimer" + suffix] = Span(
                    disclaimer.start(), disclaimer.end(), "disclaimer" + suffix)
                taken.append(disclaimer.span())
            previous = finish.end()
        elif number == 1 and "date" not in parts:
            dates = find_dates(raw[s : min(e, s + 400)])
            if dates:
                parts["date"] = Span(s + dates[0][1], s + dates[0][2], "date")
    return parts


def _markers(raw: str, pattern: re.Pattern, words: str, start: int, end: int) -> list[re.Match]:
    """Every marker line (``pattern``, which holds ``words``) between ``start`` and ``end``.

    The words are found with str.find and the pattern is tried at the start of their line
    only: a regex that may start at any line start (after a LF or a lone CR) gives the search
    no first character to skip ahead to.
    """
    found: list[re.Match] = []
    at = raw.find(words, start, end)
    while at >= 0:
        line_start = max(raw.rfind("\n", start, at), raw.rfind("\r", start, at), start - 1) + 1
        m = pattern.match(raw, line_start, end)
        if m is not None and m.end() > at:
            found.append(m)
        at = raw.find(words, at + len(words), end)
    return found


def _statements(raw: str, start: int, end: int) -> list[tuple[re.Match, int, re.Match | None]]:
    """(start marker, end of the body, end marker or None) of each statement, in order."""
    begins = _markers(raw, _BODY_START, "آغاز متن", start, end)
    if not begins:
        return []
    markers = sorted([*begins, *_markers(raw, _BODY_END, "پایان متن", begins[0].end(), end)],
                     key=lambda m: m.start())
    statements: list[tuple[re.Match, int, re.Match | None]] = []
    opened = None
    for marker in markers:
        if marker.re is _BODY_START:
            if opened is not None:  # started again before it ended
                statements.append((opened, marker.start(), None))
            opened = marker
        elif opened is not None:  # (an end marker outside any body is just a marker)
            statements.append((opened, marker.start(), marker))
            opened = None
    if opened is not None:
        statements.append((opened, end, None))
    return statements


def _left_out(raw: str, parts: dict[str, Span]) -> list[tuple[int, int]]:
    """Lines with Persian letters that no part holds and that are no marker: not analysed.

    Only the gaps between parts are looked at, and in them only whole lines (a line that
    shares a part's line, as «تاریخ:» before a date, is held by that part).
    """
    held = sorted((span.start, span.end) for name, span in parts.items()
                  if _base_name(name) not in ("header", "footer"))
    out, position = [], 0
    for a, b in [*held, (len(raw), len(raw))]:
        if a > position and _PERSIAN_LETTER.search(raw, position, a):
            for s, e in _lines(raw[position:a]):
                s, e = s + position, e + position
                whole = (s == 0 or raw[s - 1] in "\r\n") and (e == len(raw) or raw[e] in "\r\n")
                if (whole and _PERSIAN_LETTER.search(raw, s, e)
                        and not _BODY_START.match(raw, s, e) and not _BODY_END.match(raw, s, e)):
                    out.append(_strip_span(raw, s, e))
        position = max(position, b)
    return out


def _guess_preamble(
    raw: str, lines: list[tuple[int, int]], body_end: int
) -> tuple[list[tuple[int, int]], int]:
    """Without markers, a short first line (and a date line after it) is taken as the title."""
    preamble: list[tuple[int, int]] = []
    for s, e in lines[:2]:
        line = raw[s:e].strip()
        is_date = bool(find_dates(line)) and len(line) < 40
        is_title = not preamble and len(line) <= 200 and not line.endswith((".", ":", "؟", "!"))
        if (is_date or is_title) and e < body_end:
            preamble.append((s, e))
        else:
            break
    if len(lines) <= len(preamble):  # a one-line text is all body
        return [], lines[0][0]
    body_start = lines[len(preamble)][0] if preamble else lines[0][0]
    return preamble, body_start


def _split_paragraphs(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """Paragraphs are separated by blank lines; a text without any has one per line."""
    text = raw[start:end]
    separators = list(_PARAGRAPH_BREAK.finditer(text))
    if not separators:
        separators = list(_LINE_BREAK.finditer(text))
    spans, position = [], 0
    for sep in separators + [None]:
        stop = sep.start() if sep else len(text)
        s, e = _strip_span(raw, start + position, start + stop)
        if e > s:
            spans.append((s, e))
        position = sep.end() if sep else len(text)
    return spans


def _split_sentences(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences end at . ! ? ؟ … before a space, except after Persian-spelled initials."""
    spans, position = [], start
    for m in _SENTENCE_END.finditer(raw, start, end):
        if raw[m.start()] == "." and m.end() < end:  # only a period can follow an initial
            before = _WORD_BEFORE.search(raw, max(start, m.end() - 20), m.end())
            if before and _is_abbreviation(before.group(1)):
                continue
        s, e = _strip_span(raw, position, m.end())
        if e > s:
            spans.append((s, e))
        position = m.end()
    s, e = _strip_span(raw, position, end)
    if e > s:
        spans.append((s, e))
    return spans
