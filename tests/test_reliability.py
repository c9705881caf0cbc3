"""Nothing lost, nothing hangs: each bad input of issue 17 and what loading does with it.

Each test is one row of docs/reliability.md. The texts are the seed changed the way careless
exports and copies change files, and short sentences of our own.
"""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import pytest

import helpers
from helpers.document import Document, TextLoadError, TextLoadWarning, load_document
from helpers.normalization import ZWNJ, normalize

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "raw" / "000_46bb7b90614e0375.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
HEAD, _, FOOT = SEED_TEXT.partition("\n\nU.S. Department of State")
FOOT = "\n\nU.S. Department of State" + FOOT
SECOND_STATEMENT = (
    "\n\nبیانیه مشترک دربارهٔ امنیت مرزهای عراق\n۱ آوریل ۲۰۲۱\n\nآغاز متن\n\n"
    "وزیران بر حمایت از دولت عراق و بازگشت آوارگان به موصل تأکید کردند.\n\n"
    "آنان همچنین از همکاری اردن و ترکیه در مهار قاچاق سلاح قدردانی کردند.\n\n"
    "پایان متن\n\nبرای مشاهده محتوای اصلی: https://example.org/second\n"
)


def places(doc: Document) -> Counter:
    """Place mentions as (place, part) counts: what a researcher would compare."""
    table = helpers.find_places(doc, include_org_names=True)
    return Counter(zip(table["place"], table["part"]))


@pytest.fixture(scope="module")
def seed() -> Document:
    return load_document(SEED)


@pytest.fixture(scope="module")
def seed_places(seed: Document) -> Counter:
    return places(seed)


# ------------------------------------------------------------------ 2. nothing left out


def test_the_seed_is_analysed_whole_without_a_warning(seed: Document) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", TextLoadWarning)
        doc = load_document(SEED)
    meta = doc.metadata()
    assert meta["bodies"] == 1 and meta["left_out"] == [] and meta["characters_left_out"] == 0
    assert meta["characters_analysed"] == len(doc.title) + len(doc.body)
    assert meta["characters_analysed"] < meta["characters"] == len(SEED_TEXT)


def test_a_second_statement_in_the_file_is_analysed(seed: Document, seed_places) -> None:
    text = HEAD + SECOND_STATEMENT + FOOT
    with warnings.catch_warnings():
        warnings.simplefilter("error", TextLoadWarning)
        doc = Document.from_text(text)
    assert doc.text(doc.parts["title_2"]) == "بیانیه مشترک دربارهٔ امنیت مرزهای عراق"
    assert doc.text(doc.parts["date_2"]) == "۱ آوریل ۲۰۲۱"
    assert doc.text(doc.parts["body_2"]).startswith("وزیران بر حمایت از دولت عراق")
    assert doc.text(doc.parts["source_url_2"]) == "https://example.org/second"
    assert doc.source_url == seed.source_url and doc.title == seed.title
    assert len(doc.paragraphs) == len(seed.paragraphs) + 2
    assert doc.metadata()["bodies"] == 2 and doc.metadata()["left_out"] == []
    found = places(doc)
    assert found - seed_places == Counter(
        {("Iraq", "title"): 1, ("Iraq", "body"): 1, ("Mosul", "body"): 1,
         ("Jordan", "body"): 1, ("Türkiye", "body"): 1})
    tokens = doc.tokens
    second = tokens[tokens["start"] >= doc.parts["body_2"].start]
    assert set(second["paragraph"]) == {7, 8}  # numbered on from the first body's paragraphs


def test_a_body_started_twice_gives_two_bodies() -> None:
    text = ("عنوان خبر\n\nآغاز متن\n\nنیروها به کابل رسیدند.\n\nآغاز متن\n\n"
            "نشست در دوحه برگزار شد.\n\nپایان متن\n")
    doc = Document.from_text(text)
    assert [doc.text(doc.parts[p]) for p in ("body", "body_2")] == [
        "نیروها به کابل رسیدند.", "نشست در دوحه برگزار شد."]
    assert "آغاز" not in set(doc.tokens["surface"])  # the marker is no text


def test_persian_text_after_the_end_marker_is_reported() -> None:
    extra = "وزیران خارجه گروه کوچک ائتلاف در بغداد نیز دیدار خواهند کرد."
    text = HEAD + "\n\n" + extra + FOOT
    warning = r"characters of Persian text \(line \d+\).*not analysed"
    with pytest.warns(TextLoadWarning, match=warning):
        doc = Document.from_text(text)
    meta = doc.metadata()
    [(start, end)] = meta["left_out"]
    assert text[start:end] == extra and meta["characters_left_out"] == len(extra)


def test_lone_cr_line_ends_give_the_same_structure_and_places(seed: Document, seed_places):
    text = SEED_TEXT.replace("\n", "\r")  # an old Mac file
    doc = Document.from_text(text)
    assert (doc.title, doc.date, doc.source_url) == (seed.title, seed.date, seed.source_url)
    assert list(doc.paragraphs["text"]) == list(seed.paragraphs["text"])
    assert list(doc.sentences["text"]) == list(seed.sentences["text"])
    assert list(doc.structure["part"]) == list(seed.structure["part"])
    for row in doc.paragraphs.itertuples():
        assert doc.raw[row.start : row.end] == row.text  # offsets index the raw text
    assert places(doc) == seed_places
    assert doc.normalized.text == normalize(SEED_TEXT)


def test_mixed_line_ends(seed: Document) -> None:
    lines = SEED_TEXT.split("\n")
    text = "".join(line + ("\r", "\n", "\r\n")[i % 3] for i, line in enumerate(lines))
    doc = Document.from_text(text)
    assert list(doc.paragraphs["text"]) == list(seed.paragraphs["text"])
    assert (doc.title, doc.date) == (seed.title, seed.date)


# ------------------------------------------------------------------ 4. a path is no text


def test_a_missing_persian_file_name_is_an_error_not_a_text(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ["گزارش-عراق.txt", "گزارش عراق.md", "بیانیه‌ها/سوریه", "./اخبار"]:
        with pytest.raises(FileNotFoundError, match=r"text="):
            load_document(name)


def test_text_keyword_takes_any_string_as_the_text(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    doc = load_document(text="گزارش-عراق.txt")
    assert doc.raw == "گزارش-عراق.txt" and doc.path is None
    with pytest.raises(TypeError, match="not both"):
        load_document(SEED, text="متن")
    with pytest.raises(TypeError, match="str"):
        load_document(text=b"abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="text="):
        load_document()


def test_persian_sentences_stay_texts() -> None:
    for text in ["نرخ تورم در ماه گذشته ۵/۳ درصد بود.", "داعش", "کابل\nقندهار"]:
        assert load_document(text).raw == text
    assert Document.from_text("گزارش-عراق.txt").raw == "گزارش-عراق.txt"


def test_an_existing_persian_file_name_is_read(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("گزارش-عراق.txt").write_bytes(SEED.read_bytes())
    assert load_document("گزارش-عراق.txt").raw == SEED_TEXT


# ------------------------------------------------------------------ 6. nothing hangs


def test_a_two_megabyte_word_loads(monkeypatch) -> None:
    """A 2,000,000-letter run without spaces is one token, left as it is (linear: test_zwnj)."""
    word = "ب" * 2_000_000
    doc = load_document(text="سلام " + word + " ایران")
    tokens = doc.tokens
    assert list(tokens["end"] - tokens["start"]) == [4, 2_000_000, 5]
    assert tokens["norm"].iloc[1] == word
    assert doc.normalized.text == doc.raw


# ------------------------------------------------------------------ 7. markup and invisibles


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("ی", "&#1740;"),  # numeric references for one letter
        lambda t: t.replace("ی", "&#x6CC;"),
        lambda t: t.replace(" ", "&nbsp;"),
        lambda t: t.replace("\n\n", "</p>\n\n<p>"),
        lambda t: t.replace("\n\n", "\n<br/>\n"),
    ],
    ids=["decimal", "hex", "nbsp", "p-tags", "br-tags"],
)
def test_html_residue_keeps_the_seed_places(change, seed: Document, seed_places) -> None:
    text = change(SEED_TEXT)
    doc = Document.from_text(text)
    assert places(doc) == seed_places
    assert (doc.title is None) == (seed.title is None) and doc.date == seed.date
    table = helpers.find_places(doc, include_org_names=True)
    for row in table.itertuples():
        assert text[row.start : row.end] == row.surface
    audit = doc.normalized.audit
    html = audit[audit["rule"] == "html"]
    assert len(html) > 0
    for row in html.itertuples():
        assert text[row.start : row.end] == row.before


def test_html_edits_are_listed_and_raw_is_kept() -> None:
    text = "<p>نیروهای ا&#1740;ران&nbsp;در سوریه</p>"
    doc = Document.from_text(text)
    assert doc.raw == text
    assert list(doc.tokens["surface"]) == ["نیروهای", "ا&#1740;ران", "در", "سوریه"]
    assert list(doc.tokens["norm"]) == ["نیروهای", "ایران", "در", "سوریه"]
    audit = doc.normalized.audit
    html = audit[audit["rule"] == "html"]
    assert list(html["before"]) == ["<p>", "&#1740;", "&nbsp;", "</p>"]
    assert set(helpers.find_places(doc)["place"]) == {"Iran", "Syria"}


def test_html_rule_can_be_switched_off() -> None:
    doc = Document.from_text("ا&#1740;ران", skip_rules={"html"})
    assert "ایران" not in list(doc.tokens["norm"])


@pytest.mark.parametrize("mark", ["\ufeff", "\u2060", "\u200b", "\u00ad", "\u200e", "\u200f",
                                  "\u202b", "\u061c", "\u200d"])
def test_format_characters_inside_a_word_are_invisible(mark: str) -> None:
    doc = Document.from_text(f"نمایندگان انگلیس{mark}ی و سو{mark}ریه دیدار کردند.")
    assert len(doc.tokens) == 7  # six words and «.»: no word is split, the mark is no token
    found = helpers.find_places(doc)
    assert list(found["place"]) == ["Syria"]  # «انگلیسی» is no United Kingdom
    assert found["surface"].iloc[0] == f"سو{mark}ریه"


def test_a_zwnj_written_as_a_reference_is_a_zwnj() -> None:
    doc = Document.from_text("گروه&zwnj;های تروریستی")
    assert doc.tokens["norm"].iloc[0] == "گروه" + ZWNJ + "های"


# ------------------------------------------------------------------ 8. encodings and bad strings


def test_utf8_read_as_cp1256_warns(tmp_path: Path) -> None:
    path = tmp_path / "statement.txt"
    path.write_bytes(SEED.read_bytes())
    with pytest.warns(TextLoadWarning, match="valid UTF-8"):
        doc = load_document(path, encoding="cp1256")
    assert doc.encoding == "cp1256"  # loaded as asked, with the warning


def test_cp1256_read_as_latin1_warns_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("كتاب ايران\n\nاين متن قديمي دربارة سوريه است.".encode("cp1256"))
    with pytest.warns(TextLoadWarning, match="no Persian.*encoding='cp1256'"):
        load_document(path, encoding="latin-1")


def test_mojibake_string_warns_with_the_fix() -> None:
    garbled = SEED_TEXT.encode("utf-8").decode("latin-1")
    with pytest.warns(TextLoadWarning, match=r"utf-8 bytes read as latin-1.*encode\('latin-1'\)"):
        load_document(text=garbled)


def test_a_text_without_persian_warns() -> None:
    with pytest.warns(TextLoadWarning, match="no Persian"):
        load_document(text="An official website of the United States Government")


@pytest.mark.parametrize("make", [
    lambda t: load_document(text=t),
    lambda t: load_document(t),
    lambda t: Document.from_text(t),
    lambda t: Document(raw=t),
])
def test_a_lone_surrogate_is_refused_at_load_time(make) -> None:
    text = "سلام \udc8e دنیا\nخط دوم"
    message = r"lone surrogate \(U\+DC8E\) at character 5 \(line 1\)"
    with pytest.raises(TextLoadError, match=message):
        make(text)


# ------------------------------------------------------------------ the table


def test_every_test_the_reliability_table_names_exists() -> None:
    """docs/reliability.md names its proof for each row: those tests must exist."""
    import re

    table = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")
    named, file = [], None
    for cell in re.findall(r"`([^`]*::[^`]*)`", table):
        head, _, name = cell.rpartition("::")
        file = head or file  # «::test_other» is in the file named before it
        named.append((file, name))
    assert len(named) > 30
    for file, name in named:
        source = (REPO / "tests" / file).read_text(encoding="utf-8")
        assert re.search(rf"^def {re.escape(name)}\(", source, re.M), f"{file}::{name}"
