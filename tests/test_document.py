"""Loading: the seed's structure, every bad-input class, other layouts, and span properties."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import helpers
from helpers.document import Document, TextLoadError, decode, load_document
from helpers.normalization import ZWNJ, normalize

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "raw" / "000_46bb7b90614e0375.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")
URL = "https://www.state.gov/joint-communique-by-ministers-of-the-global-coalition-to-defeat-isis-small-group/"


@pytest.fixture(scope="module")
def seed() -> Document:
    return load_document(SEED)


# ------------------------------------------------------------------------------ the seed


def test_seed_raw_is_the_file_exactly(seed: Document) -> None:
    assert seed.raw == SEED_TEXT
    assert seed.encoding == "utf-8"
    assert seed.doc_id == SEED.stem


def test_seed_title_and_date(seed: Document) -> None:
    assert seed.title.startswith("نشست وزیران خارجه گروه کوچک ائتلاف جهانی برای شکست داعش")
    assert seed.title.endswith("ایالات متحده آمریکا")
    assert seed.date == dt.date(2021, 3, 30)
    assert seed.text(seed.parts["date"]) == "۳۰ مارس ۲۰۲۱"


def test_seed_body_between_markers(seed: Document) -> None:
    assert seed.body.startswith("وزیران خارجه گروه کوچک ائتلاف جهانی")
    assert seed.body.endswith("تأکید کردند.")
    assert "آغاز متن" not in seed.body and "پایان متن" not in seed.body
    assert len(seed.paragraphs) == 7


def test_seed_source_and_disclaimer(seed: Document) -> None:
    assert seed.source_url == URL
    assert seed.text(seed.parts["source"]).startswith("برای مشاهده محتوای اصلی:")
    disclaimer = seed.text(seed.parts["disclaimer"])
    assert disclaimer.startswith("این ترجمه") and disclaimer.endswith("معتبر دانست.")


def test_seed_english_header_and_footer(seed: Document) -> None:
    header = seed.text(seed.parts["header"])
    footer = seed.text(seed.parts["footer"])
    assert header.startswith("An official website of the United States Government")
    assert header.endswith("secure websites.")
    assert footer == "U.S. Department of State\n\nThe Lessons of 1989: Freedom and Our Future"
    assert not any("\u0600" <= ch <= "\u06ff" for ch in header + footer)


def test_seed_structure_table_is_in_raw_order(seed: Document) -> None:
    structure = seed.structure
    assert list(structure["part"]) == [
        "header", "title", "date", "body", "source", "source_url", "disclaimer", "footer"
    ]
    for row in structure.itertuples():
        assert seed.raw[row.start : row.end] == row.text


def test_seed_metadata(seed: Document) -> None:
    meta = seed.metadata()
    assert meta["date"] == dt.date(2021, 3, 30)
    assert meta["paragraphs"] == 7
    assert meta["sentences"] == len(seed.sentences) > 7
    assert meta["source_url"] == URL


def test_sentences_do_not_split_at_initials(seed: Document) -> None:
    sentences = seed.sentences["text"]
    assert any("آنتونی جی. بلینکن" in s for s in sentences)
    assert not any(s.rstrip().endswith("جی.") for s in sentences)


def test_sentences_lie_inside_their_paragraphs(seed: Document) -> None:
    paragraphs = seed.paragraphs.set_index("paragraph")
    for row in seed.sentences.itertuples():
        para = paragraphs.loc[row.paragraph]
        assert para.start <= row.start < row.end <= para.end
        assert seed.raw[row.start : row.end] == row.text


def test_seed_tokens(seed: Document) -> None:
    tokens = seed.tokens
    assert list(tokens.columns) == [
        "start", "end", "surface", "norm", "fold", "kind", "part", "paragraph", "sentence"
    ]
    assert tokens.index.name == "token"
    assert set(tokens["part"]) == {"title", "body"}
    assert tokens.loc[tokens["part"] == "title", "sentence"].isna().all()
    assert tokens.loc[tokens["part"] == "body", "sentence"].notna().all()
    for row in tokens.itertuples():
        assert seed.raw[row.start : row.end] == row.surface
    # ZWNJs restored in the normalised form; plural folded to the singular.
    row = tokens[tokens["surface"] == "تلاشهای"].iloc[0]
    assert row.norm == "تلاش" + ZWNJ + "های"
    assert row.fold == "تلاش"


def test_normalized_view_of_the_seed(seed: Document) -> None:
    result = seed.normalized
    assert result.text == normalize(seed.raw)
    audit = result.audit
    assert (audit["before"] == [seed.raw[s:e] for s, e in zip(audit["start"], audit["end"])]).all()
    restored = audit[audit["rule"].str.startswith("zwnj_")]
    assert len(restored) > 50


def test_token_norm_matches_the_normalised_text(seed: Document) -> None:
    """A token's span in the normalised view reads as its ``norm``."""
    result = seed.normalized
    words = seed.tokens[seed.tokens["kind"] == "word"]
    starts = result.norm_offsets(words["start"].to_numpy())
    ends = result.norm_offsets(words["end"].to_numpy())
    for s, e, norm in zip(starts, ends, words["norm"]):
        assert result.text[s:e] == norm


# ------------------------------------------------------------------------------ bad input


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="check the path"):
        load_document(tmp_path / "nope.txt")
    with pytest.raises(FileNotFoundError):
        load_document("data/raw/nope.txt")


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(TextLoadError, match="folder"):
        load_document(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(TextLoadError, match="empty.txt is empty"):
        load_document(path)


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b" \n\t\r\n  ")
    with pytest.raises(TextLoadError, match="only whitespace"):
        load_document(path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(TextLoadError, match="binary"):
        load_document(path)


def test_binary_file_without_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(1, 32)) * 20 + b"\xff\xfe\x80")
    with pytest.raises(TextLoadError, match="binary"):
        load_document(path)


def test_undecodable_utf8_mentions_cp1256(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    # Windows-1256 has no Persian yeh: legacy files use the Arabic ي, which normalize() folds.
    path.write_bytes("سلام دنيا، اين متن قديمي است.".encode("cp1256"))
    with pytest.raises(TextLoadError, match="cp1256") as err:
        load_document(path)
    assert "legacy.txt" in str(err.value)


def test_cp1256_with_encoding_works(tmp_path: Path) -> None:
    text = "كتاب ايران\n\nسلام دنيا، اين متن قديمي است."
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode("cp1256"))
    doc = load_document(path, encoding="cp1256")
    assert doc.raw == text
    assert doc.encoding == "cp1256"
    assert "ایران" in doc.normalized.text


def test_unknown_encoding(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("سلام".encode())
    with pytest.raises(TextLoadError, match="codec"):
        load_document(path, encoding="no-such-codec")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_byte_order_marks(tmp_path: Path, bom: bytes, codec: str) -> None:
    path = tmp_path / f"bom-{codec}.txt"
    path.write_bytes(bom + SEED_TEXT.encode(codec))
    doc = load_document(path)
    assert doc.raw == SEED_TEXT  # the BOM is not text
    assert doc.date == dt.date(2021, 3, 30)
    assert len(doc.paragraphs) == 7


def test_utf16_without_bom_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("سلام دنیا".encode("utf-16-le"))
    with pytest.raises(TextLoadError, match="utf-16-le"):
        load_document(path)


def test_bytes_and_other_types_are_refused() -> None:
    with pytest.raises(TextLoadError, match="decode"):
        load_document(SEED.read_bytes())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path or a str"):
        load_document(42)  # type: ignore[arg-type]


def test_empty_string() -> None:
    with pytest.raises(TextLoadError, match="empty"):
        load_document("   \n ")


def test_decode_reports_the_encoding_it_used() -> None:
    assert decode(codecs.BOM_UTF8 + "سلام".encode()) == ("سلام", "utf-8-sig")


# ------------------------------------------------------------------------------ other layouts


def test_crlf_file(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(SEED_TEXT.replace("\n", "\r\n").encode("utf-8"))
    doc = load_document(path)
    assert "\r\n" in doc.raw
    assert len(doc.paragraphs) == 7
    assert doc.source_url == URL
    assert not doc.text(doc.parts["disclaimer"]).endswith("\r")
    assert doc.title == load_document(SEED).title
    for row in doc.paragraphs.itertuples():
        assert not row.text.endswith("\r")
    assert doc.normalized.text == normalize(SEED_TEXT)


def test_lines_without_blank_lines_are_paragraphs() -> None:
    text = "عنوان خبر\n۱ فروردین ۱۴۰۰\nخط اول متن است.\nخط دوم متن است.\nخط سوم."
    doc = load_document(text)
    assert doc.title == "عنوان خبر"
    assert doc.date == dt.date(2021, 3, 21)
    assert list(doc.paragraphs["text"]) == ["خط اول متن است.", "خط دوم متن است.", "خط سوم."]


def test_news_style_title_and_date_lines() -> None:
    text = (
        "تهران در آستانه انتخابات\n\n۱۵ خرداد ۱۴۰۰\n\n"
        "متن خبر اینجاست. جمله دوم آن است.\n\nپاراگراف دوم."
    )
    doc = load_document(text)
    assert doc.title == "تهران در آستانه انتخابات"
    assert doc.date == dt.date(2021, 6, 5)
    assert len(doc.paragraphs) == 2
    assert list(doc.sentences["text"]) == ["متن خبر اینجاست.", "جمله دوم آن است.", "پاراگراف دوم."]


def test_plain_text_is_all_body() -> None:
    text = "این یک جمله است. این جمله دوم است."
    doc = load_document(text)
    assert doc.title is None and doc.date is None
    assert doc.body == text
    assert len(doc.sentences) == 2


def test_sentence_splitter_cases() -> None:
    doc = load_document(
        "وزیر خارجه، آنتونی جی. بلینکن، گفت که ایالات متحده آماده است. "
        "عدد ۲.۵ درصد است! آیا این درست است؟ بله… شاید. "
        "دفتر U.S. Department of State نیز گفت «این کافی نیست.» سپس رفت."
    )
    assert list(doc.sentences["text"]) == [
        "وزیر خارجه، آنتونی جی. بلینکن، گفت که ایالات متحده آماده است.",
        "عدد ۲.۵ درصد است!",
        "آیا این درست است؟",
        "بله…",
        "شاید.",
        "دفتر U.S. Department of State نیز گفت «این کافی نیست.»",
        "سپس رفت.",
    ]


def test_a_string_that_names_a_file_loads_the_file() -> None:
    doc = load_document(str(SEED))
    assert doc.path == SEED


def test_skip_rules_and_overrides_reach_tokens() -> None:
    doc = load_document("کتابها و ميروند", skip_rules={"zwnj"})
    assert list(doc.tokens["norm"]) == ["کتابها", "و", "میروند"]
    assert "zwnj" not in "".join(doc.normalized.audit["rule"])
    doc = load_document("کتابها و ميروند", overrides={"کتابها": "کتابها"})
    assert list(doc.tokens["norm"]) == ["کتابها", "و", "می\u200cروند"]
    with pytest.raises(ValueError, match="Unknown normalisation rule"):
        load_document("سلام", skip_rules={"nope"})


def test_lazy_export() -> None:
    assert helpers.load_document is load_document


# ------------------------------------------------------------------------------ properties

LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآأؤئءۀةيكى"
piece = st.one_of(
    st.text(alphabet=LETTERS + "\u064e\u0650\u0654\u0640" + ZWNJ, min_size=1, max_size=8),
    st.sampled_from([" ", "  ", "\n", "\n\n", "\r\n", "\t", "،", ".", "؟", "«", "»", "۲۰۲۱",
                     "2021", "٢٠٢١", "کتابها", "میروند", "آنتونی جی. بلینکن", "\u200f"]),
)
documents = st.lists(piece, min_size=1, max_size=40).map("".join).filter(lambda t: t.strip())
# Texts as they come from careless exports: lone CRs, invisible format characters inside words,
# HTML references and tags, markers of several statements.
messy_piece = st.one_of(
    st.text(alphabet=LETTERS + "\u064e\u0654" + ZWNJ, min_size=1, max_size=8),
    st.sampled_from([" ", "\n", "\n\n", "\r\n", "\r", "\r\r", "،", ".", "«", "»", "۲۰۲۱",
                     "کتابها", "\u200f", "\ufeff", "\u2060", "\u200b", "\u00ad", "&nbsp;",
                     "&#1740;", "&#x6CC;", "&zwnj;", "&amp;", "&lt;", "<p>", "</p>", "<br/>",
                     "&#1548;", "&#1610;", "&#13;", "\nآغاز متن\n", "\nپایان متن\n"]),
)
messy = st.lists(messy_piece, min_size=1, max_size=40).map("".join).filter(lambda t: t.strip())
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Texts without Persian letters warn (TextLoadWarning); here that is expected.
no_warnings = pytest.mark.filterwarnings("ignore::helpers.document.TextLoadWarning")


@no_warnings
@PROPERTY
@given(st.one_of(documents, messy))
def test_every_span_indexes_raw(text: str) -> None:
    doc = Document.from_text(text)
    for span in doc.parts.values():
        assert 0 <= span.start <= span.end <= len(text)
    for table in (doc.paragraphs, doc.sentences):
        for row in table.itertuples():
            assert text[row.start : row.end] == row.text
    for row in doc.tokens.itertuples():
        assert text[row.start : row.end] == row.surface


@no_warnings
@PROPERTY
@given(st.one_of(documents, messy))
def test_normalised_token_spans_map_back_to_raw(text: str) -> None:
    """to_raw of a token's normalised span gives raw text that normalises to the same token."""
    doc = Document.from_text(text)
    result = doc.normalized
    words = doc.tokens[doc.tokens["kind"] == "word"]
    starts = result.norm_offsets(words["start"].to_numpy())
    ends = result.norm_offsets(words["end"].to_numpy())
    for s, e in zip(starts.tolist(), ends.tolist()):
        token = result.text[s:e]
        raw_start, raw_end = result.to_raw(s, e)
        assert normalize(text[raw_start:raw_end]).strip() == token.strip()


@no_warnings
@PROPERTY
@given(st.one_of(documents, messy))
def test_audit_before_is_raw(text: str) -> None:
    audit = Document.from_text(text).normalized.audit
    for row in audit.itertuples():
        assert text[row.start : row.end] == row.before


@no_warnings
@PROPERTY
@given(messy)
def test_token_norms_read_in_the_normalised_text(text: str) -> None:
    """Each word's span, mapped into the normalised text, reads as its ``norm`` (with HTML too)."""
    doc = Document.from_text(text)
    result = doc.normalized
    assert result.text == normalize(text)
    words = doc.tokens[doc.tokens["kind"] == "word"]
    starts = result.norm_offsets(words["start"].to_numpy())
    ends = result.norm_offsets(words["end"].to_numpy())
    for s, e, norm in zip(starts.tolist(), ends.tolist(), words["norm"]):
        assert result.text[s:e] == norm


def test_path_with_a_persian_file_name_is_read_as_a_file(tmp_path: Path, seed_path: Path) -> None:
    path = tmp_path / "بیانیه.txt"
    path.write_bytes(seed_path.read_bytes())
    doc = load_document(str(path))
    assert doc.path == path and doc.paragraphs.shape[0] == 7


# ------------------------------------------------------------------------------ scanning

# Characters the token rules treat differently: letters (Persian, Arabic, Latin, astral), digits,
# marks that may end a word, invisible characters that may stand inside one, whitespace of
# several kinds, punctuation, and a NUL (which the fast scanner's own splitting uses).
SCAN_ALPHABET = (
    "ابپکیهآ" + "يك" + "aZ" + "۱1٢" + "_-" + ".،؛؟«»()" + "\u064e\u0650\u0654\u0670"
    + ZWNJ + "\u200b\u200d\u200e\u200f\u202b\ufeff\u2060" + " \t\n\r\u00a0\u2009\u3000" + "\u0640"
    + "\ufb8e\ufefb" + "\x00" + "\U0001d400\U0001f600"
)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=SCAN_ALPHABET, max_size=40))
def test_fast_scan_finds_the_regex_tokens(text: str) -> None:
    from helpers.normalization import SCAN_TABLE
    from helpers.tokens import scan_tokens, scan_tokens_regex

    folded = text.translate(SCAN_TABLE)  # what the scanners are given ("_" becomes "-")
    fast, slow = scan_tokens(folded), scan_tokens_regex(folded)
    assert fast[3] == slow[3]
    for a, b in zip(fast[:3], slow[:3], strict=True):
        assert a.tolist() == b.tolist()


def test_fast_scan_on_the_seed(seed: Document) -> None:
    from helpers.tokens import scan_tokens, scan_tokens_regex

    folded = seed._folded
    assert scan_tokens(folded)[3] == scan_tokens_regex(folded)[3]
    assert len(scan_tokens(folded)[3]) > 1000
