"""Tests for helpers.zwnj: ZWNJ restoration in joined Persian word forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers._paths import raw_dir
from helpers.zwnj import (
    ZWNJ,
    LexiconFormatError,
    joins_next,
    lexicon,
    lexicon_dir,
    load_overrides,
    restore_zwnj,
    zwnj_insertions,
    zwnj_rules,
)


def z(spelled: str) -> str:
    """Write ``|`` for a ZWNJ in test data: readable in any editor."""
    return spelled.replace("|", ZWNJ)


# The eleven words of the issue.
ISSUE_WORDS = {
    "میشوند": "می|شوند",
    "میایستد": "می|ایستد",
    "میاندازند": "می|اندازند",
    "تلاشهای": "تلاش|های",
    "گروههای": "گروه|های",
    "خانوادههایی": "خانواده|هایی",
    "بینالمللی": "بین|المللی",
    "شدهاند": "شده|اند",
    "نشدهاند": "نشده|اند",
    "همهگیری": "همه|گیری",
    "تثبیتکننده": "تثبیت|کننده",
}

MORE_POSITIVES = {
    "نمیتوانند": "نمی|توانند",
    "میکند": "می|کند",
    "میدهد": "می|دهد",
    "میگیرد": "می|گیرد",
    "میبرند": "می|برند",
    "میتوان": "می|توان",
    "برمیگردد": "برمی|گردد",
    "فعالیتهای": "فعالیت|های",
    "موفقیتهایی": "موفقیت|هایی",
    "شبکهها": "شبکه|ها",
    "قابلیتهایش": "قابلیت|هایش",
    "کانالهای": "کانال|های",
    "تروریستهای": "تروریست|های",
    "تضمینهای": "تضمین|های",
    "محاکمههای": "محاکمه|های",
    "قطعنامههای": "قطعنامه|های",
    "درگیریهای": "درگیری|های",
    "ماههای": "ماه|های",
    "طرحهای": "طرح|های",
    "کتابهایشان": "کتاب|هایشان",
    "خللناپذیرشان": "خلل|ناپذیرشان",
    "نگرانکننده": "نگران|کننده",
    "تقویتشده": "تقویت|شده",
    "بازداشتشده": "بازداشت|شده",
    "بازداشتشدگان": "بازداشت|شدگان",
    "تثبیتکنندگان": "تثبیت|کنندگان",
    "جمعآوری": "جمع|آوری",
    "همرسانی": "هم|رسانی",
    "جلسهای": "جلسه|ای",
    "فزایندهای": "فزاینده|ای",
    "خانهام": "خانه|ام",
    "خانهاش": "خانه|اش",
    "خانوادهشان": "خانواده|شان",
    "کردهاند": "کرده|اند",
    "ماندهاند": "مانده|اند",
    "ترجمهها": "ترجمه|ها",
    "تلاشها": "تلاش|ها",
    "مهمتر": "مهم|تر",
    "مهمترین": "مهم|ترین",
    "بینالنهرین": "بین|النهرین",
    "هیچگونه": "هیچ|گونه",
}

NEGATIVES = """
شرکای انتهای بهای تنهایی میز میانه ماهان ماه می میهن میلیون میدان میزبانی میان مایه
مردم منابع همه همچنین همراه هماهنگی همکاری همین بیشتر بین شده کننده تهدید مهم کاملاً
نیروهای بلژیک بهبود شهروندان پیشبرد مهاجرت تهران مهر تهدیدهای پیامدهای سازوکارهای
کشورهای غیرنظامیان چندجانبه زندانبانان حمایتشان عزمشان خشمشان مشترکمان جمعیمان
همکاریشان آنها اینها همسایگان همسرانشان نمایندگان زندگی تنها ایران انسان میزان پایان
جریان ذات میراث میمون میهمان مینیاتور میکروب همسایه همسر همدیگر مهمان بهتر کمتر دختر
کبوتر بستر انگشتر فیلتر دکترین کودکان وزیران جنگجویان مقامات اقدامات حملات قانونی
میخ میش میل میوه میثاق میرزا همت همان همسر همچون مهندس
""".split()


@pytest.mark.parametrize(("word", "expected"), ISSUE_WORDS.items())
def test_issue_words_restored(word: str, expected: str) -> None:
    assert restore_zwnj(word) == z(expected)


@pytest.mark.parametrize(("word", "expected"), MORE_POSITIVES.items())
def test_joined_forms_restored(word: str, expected: str) -> None:
    assert restore_zwnj(word) == z(expected)


@pytest.mark.parametrize("word", NEGATIVES)
def test_words_left_alone(word: str) -> None:
    assert restore_zwnj(word) == word
    assert zwnj_insertions(word) == ()


def test_negative_list_is_real() -> None:
    assert len(set(NEGATIVES)) >= 90


@pytest.mark.parametrize(
    ("word", "rules"),
    [
        ("میشوند", ((2, "prefix-mi"),)),
        ("نمیتوانند", ((3, "prefix-mi"),)),
        ("تلاشهای", ((4, "plural-ha"),)),
        ("جلسهای", ((4, "suffix-ei"),)),
        ("شدهاند", ((3, "perfect-ande"),)),
        ("بینالمللی", ((3, "compound-bein"),)),
        ("بازداشتشدگان", ((7, "compound-lexicon"),)),
        ("تحریمشده", ((5, "compound-shode"),)),
        ("مهمتر", ((3, "suffix-tar"),)),
        ("همرسانی", ((2, "prefix-ham"),)),
        ("آنها", ()),
    ],
)
def test_rule_names(word: str, rules: tuple[tuple[int, str], ...]) -> None:
    assert zwnj_rules(word) == rules


@pytest.mark.parametrize("word", ["می|شوند", "بین|المللی", "خانواده|هایی", "تلاش|ها", "می|ز"])
def test_existing_zwnj_is_kept_and_not_doubled(word: str) -> None:
    assert restore_zwnj(z(word)) == z(word)


def test_missing_zwnj_added_next_to_an_existing_one() -> None:
    word = z("می|شدهاند")
    assert zwnj_insertions(word) == (6,)  # offset in the word as given, ZWNJ included
    assert restore_zwnj(word) == z("می|شده|اند")


def test_no_zwnj_after_a_non_joining_letter() -> None:
    for letter in "اآدذرزژو":
        assert not joins_next("ب" + letter, 2)
    assert joins_next("به", 2)
    assert joins_next("بهٔ", 3)  # the ezafe hamza is transparent


# Tokens of the seed text that change, hand-checked; anything else in the seed must stay.
SEED_CHANGES = {
    **{k: v for k, v in ISSUE_WORDS.items() if k not in ("نشدهاند",)},
    "بازداشتشده": "بازداشت|شده",
    "بازداشتشدگان": "بازداشت|شدگان",
    "ترجمهها": "ترجمه|ها",
    "تروریستها": "تروریست|ها",
    "تروریستهای": "تروریست|های",
    "تضمینهای": "تضمین|های",
    "تقویتشده": "تقویت|شده",
    "تلاشها": "تلاش|ها",
    "جلسهای": "جلسه|ای",
    "جمعآوری": "جمع|آوری",
    "خانوادههای": "خانواده|های",
    "خللناپذیرشان": "خلل|ناپذیرشان",
    "درگیریهای": "درگیری|های",
    "شبکهها": "شبکه|ها",
    "طرحهای": "طرح|های",
    "فزایندهای": "فزاینده|ای",
    "فعالیتها": "فعالیت|ها",
    "فعالیتهای": "فعالیت|های",
    "قابلیتهایش": "قابلیت|هایش",
    "قطعنامههای": "قطعنامه|های",
    "ماندهاند": "مانده|اند",
    "ماههای": "ماه|های",
    "محاکمههای": "محاکمه|های",
    "موفقیتهایی": "موفقیت|هایی",
    "میبرند": "می|برند",
    "میدهد": "می|دهد",
    "میکند": "می|کند",
    "میگیرد": "می|گیرد",
    "نمیتوانند": "نمی|توانند",
    "نگرانکننده": "نگران|کننده",
    "همرسانی": "هم|رسانی",
    "هیچگونه": "هیچ|گونه",
    "پاسخگویی": "پاسخ|گویی",
    "کانالهای": "کانال|های",
    "کردهاند": "کرده|اند",
    "گونهها": "گونه|ها",
}
_TOKEN = re.compile("[\u0621-\u063a\u0641-\u064a\u0654\u066e-\u06d3\u06fa-\u06ff\u200c]+")


def _seed_tokens() -> list[str]:
    text = (raw_dir() / "000_46bb7b90614e0375.txt").read_text(encoding="utf-8")
    return _TOKEN.findall(text.replace("ي", "ی").replace("ك", "ک"))


def test_seed_text_changes_exactly_as_hand_checked() -> None:
    tokens = _seed_tokens()
    assert len(tokens) > 1000
    changed = {t: restore_zwnj(t) for t in set(tokens) if restore_zwnj(t) != t}
    assert changed == {k: z(v) for k, v in SEED_CHANGES.items()}


def test_seed_has_no_zwnj_left_to_lose() -> None:
    assert all(ZWNJ not in t for t in _seed_tokens())


_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآئ"
_words = st.text(alphabet=_LETTERS + ZWNJ, min_size=1, max_size=14)
_joined = st.lists(
    st.sampled_from(["می", "نمی", "تلاش", "ها", "های", "ی", "شده", "اند", "کننده", "هم", "بین"]),
    min_size=1,
    max_size=4,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_words, _joined))
def test_restore_is_idempotent(word: str) -> None:
    once = restore_zwnj(word)
    assert restore_zwnj(once) == once


@settings(max_examples=300, deadline=None)
@given(st.one_of(_words, _joined))
def test_restore_only_adds_zwnjs(word: str) -> None:
    out = restore_zwnj(word)
    assert out.replace(ZWNJ, "") == word.replace(ZWNJ, "")
    assert out.count(ZWNJ) == word.count(ZWNJ) + len(zwnj_insertions(word))
    for pos in zwnj_insertions(word):
        assert 0 < pos < len(word)
        assert joins_next(word, pos)


def test_shipped_overrides_load_and_apply() -> None:
    table = load_overrides(lexicon_dir() / "zwnj_overrides.tsv")
    assert table["آنها"] == "آنها"
    assert lexicon().overrides == table
    assert restore_zwnj("آنها") == "آنها"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("آنها", "2 tab-separated columns"),
        ("آنها\tآن\tها", "2 tab-separated columns"),
        (z("آن|ها\t="), "without any ZWNJ"),
        ("میشوند\tمی شوند", "only add ZWNJs"),
        ("میشوند\tمیشود", "only add ZWNJs"),
        (z("میشوند\tمیشوند|"), "ZWNJ at the start, end or doubled"),
        ("میشوند\t=\nمیشوند\t=", "listed twice"),
    ],
)
def test_override_file_errors(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "zwnj_overrides.tsv"
    path.write_text("# comment\n" + line + "\n", encoding="utf-8")
    with pytest.raises(LexiconFormatError, match=message):
        load_overrides(path)


def test_override_file_good_lines(tmp_path: Path) -> None:
    path = tmp_path / "zwnj_overrides.tsv"
    path.write_text(z("# c\n\nمیشوند\tمی|شوند\nآنها\t=\n"), encoding="utf-8")
    assert load_overrides(path) == {"میشوند": z("می|شوند"), "آنها": "آنها"}


def test_missing_override_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="build_lexicon"):
        load_overrides(tmp_path / "nope.tsv")


def test_lexicon_is_cached_and_letter_normalised() -> None:
    assert lexicon() is lexicon()
    words = lexicon().freq
    assert len(words) > 150_000
    assert not any(ch in w for w in list(words)[:20000] for ch in "يك")


# ------------------------------------------------------------------------------ long words


class _Counting:
    """Counts the lookups made in the lexicon's tables and the characters of their keys."""

    def __init__(self) -> None:
        self.lookups = 0
        self.characters = 0

    def add(self, key: str) -> None:
        self.lookups += 1
        self.characters += len(key)

    def dict(self, table: dict) -> dict:
        counter = self

        class CountingDict(dict):
            def __contains__(self, key):
                counter.add(key)
                return super().__contains__(key)

            def get(self, key, default=None):
                counter.add(key)
                return super().get(key, default)

        return CountingDict(table)

    def set(self, table: frozenset) -> frozenset:
        counter = self

        class CountingSet(frozenset):
            def __contains__(self, key):
                counter.add(key)
                return super().__contains__(key)

        return CountingSet(table)


def _work(word: str, monkeypatch: pytest.MonkeyPatch) -> _Counting:
    """The lookups ``zwnj_rules`` makes for ``word`` with a counting copy of the lexicon."""
    import helpers.zwnj as zwnj_module

    real, counter = lexicon(), _Counting()
    counting = zwnj_module.Lexicon(
        counter.dict(real.freq), counter.dict(real.tags), counter.dict(real.variants),
        counter.set(real.verb_forms), counter.set(real.participles),
        counter.set(real.present_stems), counter.dict(real.overrides),
    )
    monkeypatch.setattr(zwnj_module, "lexicon", lambda: counting)
    zwnj_rules.cache_clear()
    try:
        zwnj_rules(word)
    finally:
        zwnj_rules.cache_clear()
    return counter


@pytest.mark.parametrize("letters", ["ب", "کتاب", "همه", "هابینال"])
def test_work_on_a_long_run_of_letters_grows_linearly(letters: str, monkeypatch) -> None:
    """A run of letters without spaces costs the same number of lookups however long it is.

    The restorer used to look up every prefix of a word (quadratic: a 200,000-letter run took
    40 s); only prefixes up to the longest known word can be known, so only those are looked up.
    """
    first = None
    for n in [1_000, 10_000, 100_000, 2_000_000]:  # checked as they come: a slow one never runs
        work = _work("هم" + letters * (n // len(letters)), monkeypatch)
        first = first or work.lookups
        assert work.lookups == first  # the same lookups for every length
        assert work.characters <= 50 * n  # each key is at most the word: linear in length


def test_a_two_megabyte_word_is_left_as_it_is() -> None:
    word = "ب" * 2_000_000
    assert restore_zwnj(word) == word
    assert restore_zwnj("بینال" + word) == "بین" + ZWNJ + "ال" + word  # the one rule that fits


def test_longest_word_bounds_the_word_list() -> None:
    lex = lexicon()
    assert lex.longest == max(len(w) for w in lex.freq)
    assert not any(lex.known("ا" * k) for k in range(lex.longest + 1, lex.longest + 5))
