"""Tests for helpers.morphology: plural folding and stop words."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.morphology import (
    broken_plurals,
    is_stopword,
    lemma,
    load_broken_plurals,
    stopwords,
)
from helpers.zwnj import ZWNJ, LexiconFormatError


def z(spelled: str) -> str:
    """Write ``|`` for a ZWNJ in test data."""
    return spelled.replace("|", ZWNJ)


LEMMAS = {
    "حملات": "حمله",
    "تروریستها": "تروریست",
    "تروریست|ها": "تروریست",
    "تروریستهای": "تروریست",
    "تروریست|های": "تروریست",
    "جنگجویان": "جنگجو",
    "تهدیدهای": "تهدید",
    "نیروهای": "نیرو",
    "کشورهای": "کشور",
    "کودکان": "کودک",
    "زنان": "زن",
    "مقامات": "مقام",
    "اقدامات": "اقدام",
    "شبکه|ها": "شبکه",
    "شبکهها": "شبکه",
    "گروه|های": "گروه",
    "گروههای": "گروه",
    "وزیران": "وزیر",
    "خانوادههایی": "خانواده",
    "قابلیت|هایش": "قابلیت",
    "نمایندگان": "نماینده",
    "مناطق": "منطقه",
    "منافع": "منفعت",
    "قوانین": "قانون",
    "مدارک": "مدرک",
    "شواهد": "شاهد",
    "اعضا": "عضو",
    "اعضای": "عضو",
    "افراد": "فرد",
    "امور": "امر",
    "مراتب": "مرتبه",
    "منابع": "منبع",
    "مظاهر": "مظهر",
    "شرکای": "شریک",
    "جلسه|ای": "جلسه",
    "جلسهای": "جلسه",
    "انتهای": "انتها",
}
UNCHANGED = """
عملیات قانونی ایرانی ایران تهران انسان میزان پایان جریان ذات تنها تنهایی کودک تروریست
شبکه گروه امنیتی نظامی جمعی اطلاعات انتخابات همکاری زندگی توانایی
""".split()


@pytest.mark.parametrize(("word", "expected"), LEMMAS.items())
def test_plural_folds_to_lemma(word: str, expected: str) -> None:
    assert lemma(z(word)) == expected


@pytest.mark.parametrize("word", UNCHANGED)
def test_non_plurals_are_not_stripped(word: str) -> None:
    assert lemma(word) == word


def test_lemma_with_and_without_zwnj_agree() -> None:
    for word in ("تروریست|ها", "گروه|های", "خانواده|هایی", "شبکه|ها"):
        assert lemma(z(word)) == lemma(word.replace("|", ""))


def test_lemma_restores_zwnj_in_compound_lemmas() -> None:
    assert lemma("بازداشتشدگان") == z("بازداشت|شده")


def test_shipped_broken_plural_table_is_valid() -> None:
    table = broken_plurals()
    assert table["قوانین"] == "قانون"
    assert table["عملیات"] == "عملیات"
    assert len(table) >= 50


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("مناطق\n", "plural<TAB>singular"),
        ("مناطق\tمنطقه\tx\n", "plural<TAB>singular"),
        ("مناطق\t\n", "plural<TAB>singular"),
        ("مناطق\tمنطقه\nمناطق\tمنطقه\n", "listed twice"),
        ("مدارك\tمدرك\n", "Persian ی and ک"),
    ],
)
def test_broken_plural_file_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "broken_plurals.tsv"
    path.write_text("# header\n" + content, encoding="utf-8")
    with pytest.raises(LexiconFormatError, match=message):
        load_broken_plurals(path)


def test_missing_broken_plural_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="missing"):
        load_broken_plurals(tmp_path / "none.tsv")


def test_stopwords_are_normalised() -> None:
    words = stopwords()
    assert len(words) > 300
    assert {"و", "در", "به", "از", "که", "این", "است"} <= words
    assert not any(ch in w for w in words for ch in "يكًٌٍَُِّْ")
    assert z("سال|های") in words and "سالهای" not in words


@pytest.mark.parametrize("word", ["و", "این", "همچنین", "آنها", z("آن|ها"), "است", "نیز"])
def test_is_stopword(word: str) -> None:
    assert is_stopword(word)


@pytest.mark.parametrize("word", ["داعش", "تروریست", "عراق", "ائتلاف", "امنیت"])
def test_content_words_are_not_stopwords(word: str) -> None:
    assert not is_stopword(word)
