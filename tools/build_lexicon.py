"""Regenerate data/lexicon/{words.tsv,verbs.tsv,stopwords.txt} from an unpacked hazm wheel.

Usage: python tools/build_lexicon.py /path/to/unpacked/hazm-0.10.0-wheel [--out data/lexicon]
(get the wheel with ``pip download --no-deps hazm==0.10.0 -d /tmp/x`` and unzip it).
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from pathlib import Path

_LETTER_MAP = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی", "ە": "ه"})
# Arabic diacritics (harakat, tanwin, sukun, shadda, dagger alef); U+0654 (ezafe hamza) stays.
_DIACRITICS = re.compile("[\u064b-\u0653\u0655-\u065f\u0670]")
_PERSIAN_WORD = re.compile("^[\u0621-\u06ff\u200c]+$")

# Stop words added for this project (function words of policy prose missing from hazm's list).
EXTRA_STOPWORDS = (
    "این‌که",
    "آن‌که",
    "آن‌ها",
    "این‌ها",
    "آنها",
    "اینها",
    "می",
    "نمی",
    "های",
    "ها",
    "است",
    "بود",
    "شد",
    "شده",
    "شوند",
    "کرد",
    "کردند",
    "کرده",
    "کند",
    "کنند",
    "نیز",
    "همچنین",
    "ضمن",
    "علیه",
    "توسط",
    "طریق",
    "جمله",
    "مانند",
    "بر",
    "دربر",
    "نسبت",
    "سوی",
    "جانب",
    "باید",
    "هیچ",
    "هر",
    "همه",
    "دیگر",
    "خود",
    "ما",
    "آنها",
)


def normalise(word: str) -> str:
    """Letter-normalise one word the way the package's tokens are (ی/ک, no diacritics)."""
    word = unicodedata.normalize("NFC", word).translate(_LETTER_MAP)
    return _DIACRITICS.sub("", word).strip("\u200c")


def build_words(src: Path) -> dict[str, tuple[int, set[str]]]:
    """Read hazm words.dat (word<TAB>frequency<TAB>tags) into normalised, merged entries."""
    merged: dict[str, tuple[int, set[str]]] = {}
    for line in src.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 3:
            continue
        word = normalise(parts[0])
        if len(word.replace("\u200c", "")) < 2 or not _PERSIAN_WORD.match(word):
            continue
        freq = int(parts[1]) if parts[1].isdigit() else 0
        tags = {t for t in parts[2].split(",") if t and t != "0"}
        old_freq, old_tags = merged.get(word, (0, set()))
        merged[word] = (old_freq + freq, old_tags | tags)
    return merged


def build_verbs(src: Path) -> list[tuple[str, str]]:
    """Read hazm verbs.dat (past#present, sometimes 'a یا b') into (past, present) stem pairs."""
    pairs: set[tuple[str, str]] = set()
    for line in src.read_text(encoding="utf-8").splitlines():
        if "#" not in line:
            continue
        past, present = line.split("#", 1)
        for pres in present.split(" یا "):
            past_n, pres_n = normalise(past.strip()), normalise(pres.strip())
            if past_n and pres_n and " " not in past_n + pres_n:
                pairs.add((past_n, pres_n))
    return sorted(pairs)


# hazm's list writes these without the ZWNJ Persian uses; store the standard spelling.
STOPWORD_SPELLING = {"سالهای": "سال\u200cهای"}


def build_stopwords(src: Path) -> list[str]:
    """Read hazm stopwords.dat (one word, or 'colloquial formal' per line) plus our additions."""
    words: set[str] = set()
    for line in src.read_text(encoding="utf-8").splitlines():
        for token in line.split():
            word = normalise(token)
            words.add(STOPWORD_SPELLING.get(word, word))
    words.update(normalise(w) for w in EXTRA_STOPWORDS)
    return sorted(w for w in words if w)


def main() -> None:
    """Write the derived lexicon files."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("hazm_root", type=Path, help="folder holding hazm/data/*.dat")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "data/lexicon")
    args = parser.parse_args()
    data = args.hazm_root / "hazm" / "data"
    if not (data / "words.dat").is_file():
        raise SystemExit(f"{data / 'words.dat'} not found: pass the folder of the unpacked wheel")
    args.out.mkdir(parents=True, exist_ok=True)

    words = build_words(data / "words.dat")
    with (args.out / "words.tsv").open("w", encoding="utf-8") as fh:
        fh.write("# word\tfrequency\ttags  (from hazm 0.10.0 words.dat, MIT; see SOURCES.md)\n")
        for word in sorted(words):
            freq, tags = words[word]
            fh.write(f"{word}\t{freq}\t{','.join(sorted(tags))}\n")

    with (args.out / "verbs.tsv").open("w", encoding="utf-8") as fh:
        fh.write("# past_stem\tpresent_stem  (derived from hazm 0.10.0 verbs.dat, MIT)\n")
        for past, present in build_verbs(data / "verbs.dat"):
            fh.write(f"{past}\t{present}\n")

    with (args.out / "stopwords.txt").open("w", encoding="utf-8") as fh:
        fh.write("# Persian stop words: hazm 0.10.0 stopwords.dat (MIT) + project additions\n")
        fh.write("\n".join(build_stopwords(data / "stopwords.dat")) + "\n")


if __name__ == "__main__":
    main()
