"""Exercises that check themselves: a student's answer against a key kept as a hash.

The keys are in ``data/exercises/answers.yaml``: for each exercise (``"02.3"``) the SHA-256 of
its right answer(s) in canonical form, never the answer itself, so a notebook can say whether an
answer is right without showing it. ``check(answer, "02.3")`` is the one-line call a notebook
makes; ``answer_key("02.3", answer)`` is what a teacher writes into the file for a new exercise.

Canonical form (what two answers must share to be the same):

- numbers in any digits (``12``, ``12.0``, ``"۱۲"``, ``"١٢"``) are the same number; non-whole
  numbers are rounded to the exercise's ``decimals`` (2 if not given);
- text is normalised as the package normalises Persian (Arabic ي/ك, diacritics, ZWNJ), then
  lower-cased, digits in Latin, spaces collapsed and quotes («», "") dropped, so «كودكان» is
  «کودکان»;
- a list, set, tuple or table column is its items' canonical forms, sorted, without repeats
  (order never matters);
- ``True``/``False`` are ``true``/``false``; a date is ``YYYY-MM-DD``.

A hash hides an answer from a reader, not from a determined student (a number can be found by
trying); the point is a check that does not give the answer away.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import numbers
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers._paths import data_dir
from helpers.lexicons import LexiconError, file_stamp, read_yaml

_KEY = re.compile(r"\d\d\.\d+")
_FIELDS = {"question", "hashes", "decimals", "hint"}
_SPACE = re.compile(r"\s+")
_QUOTES = "«»\"'“”‘’"
_NUMBER = re.compile(r"[+-]?(\d+([.٫]\d*)?|[.٫]\d+)")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫", "01234567890123456789.")


def default_answers_path() -> Path:
    """The answer keys shipped with the package."""
    return data_dir() / "exercises" / "answers.yaml"


@dataclass(frozen=True)
class Check:
    """The verdict on one answer: ``status`` is ``right``, ``wrong`` or ``empty``."""

    key: str
    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == "right"

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        colour = {"right": "#1a7f37", "wrong": "#b35900", "empty": "#555"}[self.status]
        return (f'<div class="exercise-check" style="color:{colour};font-weight:600">'
                f"{html.escape(self.message)}</div>")


def canonical(answer: object, decimals: int = 2) -> str:
    """The canonical text of an answer (see the module docstring); '' for no answer."""
    if answer is None or answer is Ellipsis:
        return ""
    if isinstance(answer, pd.DataFrame):
        raise TypeError("check() takes one value or a list, not a table: pick the column or "
                        "the cell that answers the question (table['place'], table.loc[...]).")
    if isinstance(answer, (bool, np.bool_)):
        return "true" if answer else "false"
    if isinstance(answer, dt.date):
        return (answer.date() if isinstance(answer, dt.datetime) else answer).isoformat()
    if isinstance(answer, numbers.Number):
        return _number(float(answer), decimals)
    if isinstance(answer, str):
        text = answer.strip().strip(_QUOTES).strip()
        plain = text.translate(_DIGITS).replace(",", "")
        if _NUMBER.fullmatch(plain):
            return _number(float(plain), decimals)
        from helpers.normalization import normalize

        # Digits are written in Latin after normalising, so "2024-03-20" is «۲۰۲۴-۰۳-۲۰».
        return _SPACE.sub(" ", normalize(text).translate(_DIGITS)).strip().casefold()
    if isinstance(answer, (pd.Series, pd.Index, np.ndarray, list, tuple, set, frozenset)):
        items = sorted({canonical(item, decimals) for item in _items(answer)} - {""})
        return " | ".join(items)
    raise TypeError(f"check() cannot compare a {type(answer).__name__}: give a number, a text, "
                    "True/False or a list of them.")


def _items(values: Iterable) -> list:
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def _number(value: float, decimals: int) -> str:
    if np.isnan(value):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{round(value, decimals):.{decimals}f}".rstrip("0").rstrip(".")


def answer_key(key: str, answer: object, *, decimals: int = 2) -> str:
    """The hash to write in answers.yaml for ``answer`` to exercise ``key`` (e.g. ``"02.3"``)."""
    text = canonical(answer, decimals)
    if not text:
        raise ValueError(f"{key}: an empty answer cannot be a key.")
    return hashlib.sha256(f"{key}\n{text}".encode()).hexdigest()


def load_answers(path: str | os.PathLike | None = None) -> dict[str, dict]:
    """The answer keys: exercise -> {question, hashes, decimals, hint}; checked on load."""
    path = Path(path) if path is not None else default_answers_path()
    return dict(_load(str(path), file_stamp(path)))


_LOADED: dict[tuple[str, object], dict[str, dict]] = {}


def _load(path: str, stamp: object) -> dict[str, dict]:
    cached = _LOADED.get((path, stamp))
    if cached is not None:
        return cached
    data = read_yaml(path)
    if not isinstance(data, dict) or not data:
        raise LexiconError(f"{path}: the answer keys are a mapping of exercises (\"01.2\": ...).")
    keys = {}
    for key, entry in data.items():
        line = getattr(entry, "line", None)
        where = f"{path}, exercise {key!r}" + (f" (line {line})" if line else "")
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise LexiconError(f"{where}: name exercises as \"NN.k\" in quotes (the notebook's "
                               "number, a dot, the exercise's number).")
        if not isinstance(entry, dict):
            raise LexiconError(f"{where}: needs question and hashes.")
        unknown = sorted(set(entry) - _FIELDS)
        if unknown:
            raise LexiconError(f"{where}: unknown field(s) {unknown}; allowed are "
                               f"{sorted(_FIELDS)}.")
        hashes = entry.get("hashes")
        hashes = [hashes] if isinstance(hashes, str) else hashes
        if (not isinstance(hashes, list) or not hashes
                or not all(isinstance(h, str) and re.fullmatch(r"[0-9a-f]{64}", h)
                           for h in hashes)):
            raise LexiconError(f"{where}: hashes must be a list of SHA-256 hex digests; make "
                               "one with helpers.teaching.answer_key(key, answer).")
        decimals = entry.get("decimals", 2)
        if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
            raise LexiconError(f"{where}: decimals must be a whole number from 0 to 6.")
        question = entry.get("question")
        if not isinstance(question, str) or not question.strip():
            raise LexiconError(f"{where}: needs a question (one line saying what is asked).")
        keys[key] = {"question": " ".join(question.split()), "hashes": hashes,
                     "decimals": decimals, "hint": " ".join(str(entry.get("hint") or "").split())}
    _LOADED[(path, stamp)] = keys
    return keys


def check(answer: object, key: str, *, answers: str | os.PathLike | None = None) -> Check:
    """Whether ``answer`` is the right answer to exercise ``key``, without showing the answer."""
    keys = load_answers(answers)
    if key not in keys:
        source = answers or default_answers_path()
        raise KeyError(f"No exercise {key!r} in {source}; the exercises there are "
                       f"{', '.join(sorted(keys))}.")
    entry = keys[key]
    if canonical(answer, entry["decimals"]) == "":
        return Check(key, "empty", f"{key}: no answer yet. Put yours in place of None and run "
                     "the cell again.")
    if answer_key(key, answer, decimals=entry["decimals"]) in entry["hashes"]:
        return Check(key, "right", f"{key}: right. The solution notebook says why.")
    hint = f" Hint: {entry['hint']}" if entry["hint"] else ""
    return Check(key, "wrong", f"{key}: not this one.{hint}")
