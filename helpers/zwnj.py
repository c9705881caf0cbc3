"""Restore zero-width non-joiners (U+200C) lost from joined Persian word forms.

The restorer works on one letter-normalised token at a time. It decides from a word list
(hazm's words.dat, see data/lexicon/SOURCES.md), a verb-stem list and a small set of
morphological rules where a Persian writer puts a ZWNJ: after the verbal prefix می/نمی,
before the plural ها, before ای/ام/اند after a silent ه, inside lexicalised compounds
(بین‌المللی, همه‌گیری), before heads such as کننده/شده/ناپذیر, and before تر/ترین.
A researcher-editable file, data/lexicon/zwnj_overrides.tsv, has the last word.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from helpers._paths import data_dir
from helpers.script import ZWNJ

# Letters that never connect to the letter after them, so no ZWNJ is needed after them.
NON_JOINING = frozenset("اآأإٱدذرزژوؤةۀءٲٳڈڑ")
# Combining marks are transparent for joining: look through them to the base letter.
_MARKS = frozenset(chr(c) for c in [*range(0x064B, 0x0660), 0x0670])

_PERSONAL_PRESENT = ("م", "ی", "د", "یم", "ید", "ند")
_PERSONAL_PAST = ("", "م", "ی", "یم", "ید", "ند")
_PERFECT_ENDINGS = ("اند", "ام", "ای", "ایم", "اید")
_PREVERBS = ("", "بر", "در", "باز", "فرا", "فرو", "وا")

# (suffix, rule, needs a ZWNJ after a joining letter, only after a silent final ه)
_SUFFIXES: tuple[tuple[str, str, bool, bool], ...] = (
    ("ها", "plural-ha", True, False),
    ("های", "plural-ha", True, False),
    ("هایی", "plural-ha", True, False),
    ("هایم", "plural-ha", True, False),
    ("هایت", "plural-ha", True, False),
    ("هایش", "plural-ha", True, False),
    ("هایمان", "plural-ha", True, False),
    ("هایتان", "plural-ha", True, False),
    ("هایشان", "plural-ha", True, False),
    ("ای", "suffix-ei", True, True),
    ("ایی", "suffix-ei", True, True),
    ("ام", "suffix-clitic", True, True),
    ("ات", "suffix-clitic", True, True),
    ("اش", "suffix-clitic", True, True),
    ("ایم", "suffix-clitic", True, True),
    ("اید", "suffix-clitic", True, True),
    ("اند", "suffix-clitic", True, True),
    ("مان", "suffix-clitic", True, True),
    ("تان", "suffix-clitic", True, True),
    ("شان", "suffix-clitic", True, True),
    # Attached forms (no ZWNJ): they only let the stem underneath be analysed.
    ("ی", "", False, False),
    ("یی", "", False, False),
    ("مان", "", False, False),
    ("تان", "", False, False),
    ("شان", "", False, False),
    ("ان", "", False, False),
)
# Heads written apart (with ZWNJ) from the noun or adjective before them.
_HEADS: tuple[tuple[str, str], ...] = (
    ("کننده", "participle-ande"),
    ("کنندگان", "participle-ande"),
    ("کنندگی", "participle-ande"),
    ("دهنده", "participle-ande"),
    ("دهندگان", "participle-ande"),
    ("شونده", "participle-ande"),
    ("گیرنده", "participle-ande"),
    ("شده", "compound-shode"),
    ("شدگان", "compound-shode"),
    ("شدگی", "compound-shode"),
    ("گیری", "compound-head"),
    ("آوری", "compound-head"),
    ("رسانی", "compound-head"),
    ("ناپذیر", "compound-head"),
    ("ناپذیری", "compound-head"),
    ("پذیر", "compound-head"),
    ("پذیری", "compound-head"),
    ("سازی", "compound-head"),
    ("گذاری", "compound-head"),
    ("آمیز", "compound-head"),
    ("انگیز", "compound-head"),
)
_COMPARATIVES = ("تر", "ترین")


class LexiconFormatError(ValueError):
    """A lexicon data file has a line the loader cannot accept."""


@dataclass(frozen=True)
class Lexicon:
    """The word list and derived tables the restorer consults."""

    freq: dict[str, int]
    tags: dict[str, frozenset[str]]
    variants: dict[str, str]
    verb_forms: frozenset[str]
    participles: frozenset[str]
    present_stems: frozenset[str]
    overrides: dict[str, str]

    def known(self, word: str) -> bool:
        """True if the word is in the word list in any form."""
        return word in self.freq

    def strong(self, word: str) -> bool:
        """True if the word list gives the word a part-of-speech tag (not a bare spelling)."""
        return bool(self.tags.get(word))

    @functools.cached_property
    def longest(self) -> int:
        """The length of the longest word in the word list (no longer prefix can be known)."""
        return max(map(len, self.freq), default=0)


def lexicon_dir() -> Path:
    """The folder of the word list, verb stems, stop words and override tables."""
    return data_dir() / "lexicon"


def _data_lines(path: Path) -> list[tuple[int, str]]:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: regenerate it with tools/build_lexicon.py (see SOURCES.md)"
        )
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            out.append((number, line))
    return out


def load_overrides(path: Path) -> dict[str, str]:
    """Read and validate a ZWNJ override table: ``word<TAB>restored`` or ``word<TAB>=``."""
    table: dict[str, str] = {}
    for number, line in _data_lines(path):
        where = f"{path}:{number}"
        cells = line.rstrip("\r").split("\t")
        if len(cells) != 2:
            raise LexiconFormatError(
                f"{where}: expected 2 tab-separated columns (word, restored form or '='), "
                f"got {len(cells)}; separate the columns with one TAB"
            )
        word, restored = cells[0].strip(), cells[1].strip()
        if not word or ZWNJ in word:
            raise LexiconFormatError(
                f"{where}: the first column must be the word written without any ZWNJ"
            )
        if restored == "=":
            restored = word
        if restored.replace(ZWNJ, "") != word:
            raise LexiconFormatError(
                f"{where}: {restored!r} is not {word!r} with ZWNJs added; "
                "the second column may only add ZWNJs (or be '=')"
            )
        if restored.startswith(ZWNJ) or restored.endswith(ZWNJ) or ZWNJ * 2 in restored:
            raise LexiconFormatError(
                f"{where}: ZWNJ at the start, end or doubled in {restored!r}; put one ZWNJ "
                "between two letters"
            )
        if word in table:
            raise LexiconFormatError(f"{where}: {word!r} is listed twice; keep one line")
        table[word] = restored
    return table


def _load_words(path: Path) -> tuple[dict[str, int], dict[str, frozenset[str]]]:
    freq: dict[str, int] = {}
    tags: dict[str, frozenset[str]] = {}
    for number, line in _data_lines(path):
        cells = line.split("\t")
        if len(cells) != 3 or not cells[1].isdigit():
            raise LexiconFormatError(
                f"{path}:{number}: expected word<TAB>frequency<TAB>tags; "
                "regenerate the file with tools/build_lexicon.py"
            )
        freq[cells[0]] = int(cells[1])
        tags[cells[0]] = frozenset(t for t in cells[2].split(",") if t)
    return freq, tags


def _verb_tables(path: Path) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    forms: set[str] = set()
    participles: set[str] = set()
    presents: set[str] = set()
    for number, line in _data_lines(path):
        cells = line.split("\t")
        if len(cells) != 2 or not all(cells):
            raise LexiconFormatError(f"{path}:{number}: expected past_stem<TAB>present_stem")
        past, present = cells
        forms.update(past + end for end in _PERSONAL_PAST)
        forms.update(present + end for end in _PERSONAL_PRESENT)
        if present[-1] in "اوآ":  # vowel-final stems may take a glide ی: گوید، آید
            forms.update(present + "ی" + end for end in _PERSONAL_PRESENT)
        participles.add(past + "ه")
        presents.add(present)
    return frozenset(forms), frozenset(participles), frozenset(presents)


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load the lexicon once, on first use."""
    folder = lexicon_dir()
    freq, tags = _load_words(folder / "words.tsv")
    variants: dict[str, str] = {}
    for word in freq:
        if ZWNJ in word:
            bare = word.replace(ZWNJ, "")
            best = variants.get(bare)
            if best is None or freq[word] > freq[best]:
                variants[bare] = word
    forms, participles, presents = _verb_tables(folder / "verbs.tsv")
    overrides_path = folder / "zwnj_overrides.tsv"
    overrides = load_overrides(overrides_path) if overrides_path.exists() else {}
    return Lexicon(freq, tags, variants, forms, participles, presents, overrides)


def joins_next(text: str, index: int) -> bool:
    """True if the letter ending at ``text[:index]`` would connect to a following letter."""
    i = index - 1
    while i >= 0 and text[i] in _MARKS:
        i -= 1
    if i < 0:
        return False
    ch = text[i]
    return "\u0620" <= ch <= "\u06ff" and ch not in NON_JOINING and ch not in _MARKS


Analysis = tuple[tuple[int, str], ...]


def _zwnj_positions(form: str) -> Analysis:
    out, offset = [], 0
    for ch in form:
        if ch == ZWNJ:
            out.append(offset)
        else:
            offset += 1
    return tuple((pos, "") for pos in out)


def _boundary(stem: str, rule: str) -> Analysis:
    return ((len(stem), rule),) if joins_next(stem, len(stem)) else ()


def _verb(word: str, lex: Lexicon) -> Analysis | None:
    """Analyse (preverb)(ن)(می)+verb form, or a perfect (ن)(می)participle+اند."""
    for preverb in _PREVERBS:
        if not word.startswith(preverb):
            continue
        rest = word[len(preverb) :]
        for mi in ("نمی", "می"):
            if rest.startswith(mi) and len(rest) > len(mi) + 1:
                tail = rest[len(mi) :]
                cut = len(preverb) + len(mi)
                if tail in lex.verb_forms:
                    return ((cut, "prefix-mi"),)
                perfect = _perfect(tail, lex)
                if perfect:
                    return ((cut, "prefix-mi"), *((p + cut, r) for p, r in perfect))
        if preverb:
            continue
        perfect = _perfect(word, lex)
        if perfect:
            return perfect
    return None


def _perfect(word: str, lex: Lexicon) -> Analysis | None:
    for ending in _PERFECT_ENDINGS:
        if word.endswith(ending):
            stem = word[: -len(ending)]
            bare = stem[1:] if stem.startswith("ن") and stem[1:] in lex.participles else stem
            if bare in lex.participles and len(bare) >= 3:
                return ((len(stem), "perfect-ande"),)
    return None


def _analyse(word: str, lex: Lexicon, depth: int = 0) -> Analysis | None:
    """Insertions for a ZWNJ-less word, () if it is fine as written, None if unknown."""
    found = _scored(word, lex, depth)
    return None if found is None else found[0]


# Evidence strength of an analysis: a tagged word, a ZWNJ spelling or a verb form beats a
# bare, untagged spelling in the word list (which also holds some ZWNJ-less junk).
_STRONG, _WEAK = 2, 1


def _scored(word: str, lex: Lexicon, depth: int) -> tuple[Analysis, int] | None:
    if word in lex.overrides:
        return tuple((p, "override") for p, _ in _zwnj_positions(lex.overrides[word])), _STRONG
    if lex.strong(word):
        return (), _STRONG
    if word in lex.variants:
        rule = "compound-bein" if word.startswith("بینال") else "compound-lexicon"
        return tuple((p, rule) for p, _ in _zwnj_positions(lex.variants[word])), _STRONG
    verb = _verb(word, lex)
    if verb is not None:
        return verb, _STRONG
    weak = lex.known(word)
    if depth > 3:
        return ((), _WEAK) if weak else None
    best: tuple[Analysis, int, int] | None = None
    for suffix, rule, needs, silent_h in _SUFFIXES:
        if not word.endswith(suffix) or len(word) - len(suffix) < 2:
            continue
        stem = word[: -len(suffix)]
        if silent_h and not stem.endswith("ه"):
            continue
        if not needs and suffix in ("مان", "تان", "شان") and stem.endswith("ه"):
            continue  # after a silent ه these clitics take a ZWNJ (the rule above)
        if weak and not (rule == "plural-ha" and lex.strong(stem)):
            continue  # an attested spelling is only split into a well-attested noun + ها
        sub = _scored(stem, lex, depth + 1)
        if sub is None:
            continue
        analysis = sub[0] + (_boundary(stem, rule) if needs else ())
        # Prefer stronger evidence, then the longest stem (تنها+یی, not تن+هایی).
        key = (sub[1], len(stem))
        if best is None or key > (best[1], best[2]):
            best = (analysis, sub[1], len(stem))
    for ending in ("گان", "گی"):
        # Silent ه becomes گ before these: همسایگان ← همسایه, بازداشت‌شدگان ← بازداشت‌شده.
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 2:
            sub = _scored(stem + "ه", lex, depth + 1)
            if sub is not None and (best is None or (sub[1], len(stem)) > (best[1], best[2])):
                best = (tuple(i for i in sub[0] if i[0] < len(stem)), sub[1], len(stem))
    if best is not None and best[1] == _STRONG:
        return best[0], _STRONG
    if weak:
        return (), _WEAK
    # هم+X only when no longer known word (همکاری, همسایه) opens the token. Prefixes longer
    # than the longest known word are not looked up: that keeps a long run of letters linear.
    lexicalised = any(lex.known(word[:k]) for k in range(5, min(len(word), lex.longest) + 1))
    if word.startswith("هم") and len(word) >= 5 and not lexicalised:
        rest = word[2:]
        sub = _scored(rest, lex, depth + 1)
        if sub is not None and sub[1] == _STRONG and (sub[0] or len(rest) >= 3):
            return ((2, "prefix-ham"), *((p + 2, r) for p, r in sub[0])), _STRONG
        if rest.endswith("ی") and rest[:-1] in lex.present_stems:
            return ((2, "prefix-ham"),), _STRONG
    if best is not None:
        return best[0], best[1]  # a weak but complete analysis blocks the guesses below
    for head, rule in _HEADS:
        stem = word[: -len(head)]
        if word.endswith(head) and len(stem) >= 2 and stem != "هم":
            sub = _scored(stem, lex, depth + 1)
            if sub is not None and sub[1] == _STRONG:
                return sub[0] + _boundary(stem, rule), _STRONG
    for comparative in _COMPARATIVES:
        stem = word[: -len(comparative)]
        if word.endswith(comparative) and len(stem) >= 2 and "AJ" in lex.tags.get(stem, ()):
            return _boundary(stem, "suffix-tar"), _STRONG
    if word.startswith("بینال") and len(word) >= 7:
        return ((3, "compound-bein"),), _STRONG
    return None


@functools.lru_cache(maxsize=200_000)
def zwnj_rules(word: str) -> tuple[tuple[int, str], ...]:
    """Offsets in ``word`` before which a ZWNJ is inserted, each with the rule that chose it."""
    if ZWNJ in word:
        # The writer's ZWNJs are authoritative: each segment between them is analysed alone,
        # so خانه‌ای is never re-split as خان+های.
        out, offset = [], 0
        for segment in word.split(ZWNJ):
            out.extend((offset + pos, rule) for pos, rule in zwnj_rules(segment))
            offset += len(segment) + 1
        return tuple(out)
    if len(word) < 3:
        return ()
    rules: dict[int, str] = {}
    for pos, rule in _analyse(word, lexicon()) or ():
        if 0 < pos < len(word) and joins_next(word, pos):
            rules.setdefault(pos, rule)
    return tuple(sorted(rules.items()))


def zwnj_insertions(word: str) -> tuple[int, ...]:
    """Offsets in ``word`` before which a ZWNJ is inserted (empty if the word stays)."""
    return tuple(pos for pos, _ in zwnj_rules(word))


@functools.lru_cache(maxsize=200_000)
def restore_zwnj(word: str) -> str:
    """The word with the ZWNJs a Persian writer would put in, or the word unchanged."""
    positions = zwnj_insertions(word)
    if not positions:
        return word
    pieces, last = [], 0
    for pos in positions:
        pieces.append(word[last:pos])
        last = pos
    pieces.append(word[last:])
    return ZWNJ.join(pieces)
