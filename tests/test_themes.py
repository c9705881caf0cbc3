"""Theme dictionary, mentions and counts: what a researcher checks on the seed communiqué."""

from __future__ import annotations

import re
import textwrap

import matplotlib
import pandas as pd
import pytest

import helpers
from helpers.lexicons import LexiconError
from helpers.matching import matches_table
from helpers.normalization import normalize_word

matplotlib.use("Agg")

LINES_OF_EFFORT = [
    "stabilization", "political", "military", "communications", "counter_finance",
    "law_enforcement",
]


@pytest.fixture(scope="module")
def book():
    return helpers.load_themes()


@pytest.fixture(scope="module")
def mentions(seed_doc, book):
    return helpers.find_themes(seed_doc, book)


def write(tmp_path, text: str):
    path = tmp_path / "themes.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


MINIMAL = """
themes:
  covid:
    label_en: COVID-19
    label_fa: کووید
    description: The pandemic.
    patterns: [کووید, همه‌گیری]
"""


# ----------------------------------------------------------------------------- dictionary


def test_default_dictionary_covers_the_issue_themes(book):
    assert set(book.themes["theme"]) >= {
        "lines_of_effort", "protection_law", "children_women", "detention_accountability",
        "iraq_partnership", "syria_political", "africa", "covid", "information_sharing",
        "border_security",
    }
    loe = set(book.subthemes.loc[book.subthemes["theme"] == "lines_of_effort", "subtheme"])
    assert set(LINES_OF_EFFORT) <= loe
    assert book.subthemes[["label_en", "label_fa", "description"]].ne("").all().all()
    assert len(book.patterns) >= 100


def test_every_subtheme_explains_its_patterns(book):
    assert (book.subthemes["why"].str.len() > 10).all()


def test_dictionary_table_lists_patterns(book):
    table = book.table()
    assert len(table) == len(book.subthemes)
    assert table["n_patterns"].sum() == len(book.patterns)
    assert "سیاسی" in table.set_index("subtheme").loc["political", "context_patterns"]


def test_load_own_file(tmp_path, seed_doc):
    own = helpers.load_themes(write(tmp_path, MINIMAL))
    assert list(own.themes["theme"]) == ["covid"]
    assert list(own.subthemes["subtheme"]) == ["general"]
    counts = helpers.theme_counts(seed_doc, own)
    assert counts.loc[0, "count"] == 2


def test_load_from_mapping():
    own = helpers.load_themes({"themes": {"b": {"label_en": "B", "label_fa": "ب",
                                               "description": "d", "patterns": ["مرز"]}}})
    assert len(own.patterns) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("themes:\n  covid: [unclosed\n", "not valid YAML at line"),
        (MINIMAL.replace("    label_en: COVID-19\n", ""), "missing label_en"),
        (MINIMAL.replace("patterns: [کووید, همه‌گیری]", "patterns: []"), "no patterns"),
        (MINIMAL.replace("کووید,", "*کووید,"), "reads as a YAML alias"),
        (MINIMAL.replace("کووید,", '"*",'), "normalises to nothing"),
        (MINIMAL + MINIMAL.replace("themes:\n", ""), "duplicate key 'covid'"),
        (MINIMAL.replace("patterns:", "patterns_:"), "unknown field"),
        (MINIMAL.replace("همه‌گیری]", "همهگیری, همه‌گیری]"), "same after normalisation"),
        (MINIMAL.replace("همه‌گیری]", "کووید]"), "more than once"),
        ("- a\n- b\n", "expected a mapping"),
    ],
)
def test_bad_dictionaries_fail_with_clear_errors(tmp_path, text, message):
    with pytest.raises(LexiconError, match=re.escape(message)):
        helpers.load_themes(write(tmp_path, text))


def test_missing_file_says_so(tmp_path):
    with pytest.raises(LexiconError, match="No data file"):
        helpers.load_themes(tmp_path / "nope.yaml")


def test_context_needs_both_parts(tmp_path):
    text = """
    themes:
      t:
        label_en: T
        label_fa: ت
        description: d
        subthemes:
          s:
            label_en: S
            label_fa: س
            description: d
            context_patterns: [سیاسی]
    """
    with pytest.raises(LexiconError, match="no context phrases"):
        helpers.load_themes(write(tmp_path, text))


# ----------------------------------------------------------------------------- mentions


def test_mentions_map_back_to_raw(seed_doc, mentions):
    assert list(mentions.columns[:9]) == [
        "doc_id", "start", "end", "surface", "theme", "subtheme", "label_fa", "label_en",
        "theme_fa"]
    for row in mentions.itertuples():
        assert seed_doc.raw[row.start:row.end] == row.surface
        words = row.pattern.split()
        surface = [normalize_word(w) for w in row.surface.split()]
        assert len(surface) == len(words)
        first = words[0].rstrip("*")
        assert normalize_word(first)[:3] == surface[0][:3]


def test_mentions_carry_paragraph_and_sentence(seed_doc, mentions):
    body = seed_doc.parts["body"]
    assert mentions["start"].between(body.start, body.end).all()
    for row in mentions.itertuples():
        para = seed_doc.paragraphs.loc[row.paragraph]
        assert para.start <= row.start < para.end
        sent = seed_doc.sentences.loc[row.sentence]
        assert sent.start <= row.start < sent.end


def test_six_lines_of_effort_in_last_paragraph(seed_doc, mentions):
    last = seed_doc.paragraphs["paragraph"].max()
    loe = mentions[(mentions["theme"] == "lines_of_effort") & (mentions["paragraph"] == last)]
    assert set(LINES_OF_EFFORT) <= set(loe["subtheme"])
    political = loe[loe["subtheme"] == "political"]
    assert political["surface"].tolist() == ["سیاسی"] and political["in_context"].all()


def test_bare_political_outside_lines_of_effort_is_not_counted(mentions):
    political = mentions[mentions["subtheme"] == "political"]
    assert len(political) == 1  # «توافق سیاسی» in paragraph 4 is Syria, not a line of effort
    syria = mentions[mentions["theme"] == "syria_political"]
    assert "توافق سیاسی" in syria["surface"].tolist()


def test_iraq_partnership_peaks_in_third_paragraph(seed_doc, book):
    counts = helpers.theme_counts(seed_doc, book, per="paragraph")
    iraq = counts[counts["theme"] == "iraq_partnership"].set_index("paragraph_no")["count"]
    assert iraq.idxmax() == 3
    assert iraq.max() >= 5


def test_covid_2254_interpol_border(mentions):
    covid = mentions[mentions["theme"] == "covid"]
    assert covid["surface"].tolist() == ["کووید", "همهگیری"]  # once each, raw spelling kept
    assert (mentions["pattern"] == "قطعنامه ۲۲۵۴").sum() == 1
    assert (mentions["subtheme"] == "interpol").sum() == 2
    assert (mentions["subtheme"] == "battlefield_evidence").sum() == 1
    assert mentions.loc[mentions["theme"] == "border_security", "surface"].tolist() == [
        "امنیت مرزی"]


def test_stabilisation_funding_is_not_counter_finance(mentions):
    # «تعهد تأمین مالی برای تثبیت» funds stabilisation: it must not count as counter-finance.
    finance = mentions[mentions["subtheme"] == "counter_finance"]
    assert finance["surface"].tolist() == ["مبارزه با تأمین مالی"]


def test_no_double_counting_within_a_theme(mentions):
    for _theme, rows in mentions.groupby("theme"):
        rows = rows.sort_values("start")
        assert (rows["start"].to_numpy()[1:] >= rows["end"].to_numpy()[:-1]).all()


def test_longest_pattern_wins_within_theme(mentions):
    ihl = mentions[mentions["surface"] == "قوانین بینالمللی بشردوستانه"]
    assert len(ihl) == 1 and ihl["subtheme"].item() == "international_law"


def test_find_themes_on_text_without_mentions():
    doc = helpers.load_document("این یک متن کوتاه دربارهٔ هوا و باران است.\n\nبند دوم.")
    found = helpers.find_themes(doc)
    assert found.empty and "theme" in found.columns
    counts = helpers.theme_counts(found)
    assert (counts["count"] == 0).all() and len(counts) == len(helpers.load_themes().themes)


def test_windowed_scan_matches_full_scan(seed_doc, book):
    norms = seed_doc.tokens["norm"].tolist()
    together = book.scanner.matches(norms)
    for k, (theme, matcher) in enumerate(book.matchers.items()):
        full = matcher.find(seed_doc.tokens, seed_doc.raw)
        scan = matches_table(together[k], seed_doc.tokens, seed_doc.raw)
        cols = ["first_token", "end_token", "start", "end", "pattern", "form"]
        assert full[cols].reset_index(drop=True).equals(scan[cols].reset_index(drop=True)), theme


# ----------------------------------------------------------------------------- counts


def test_counts_sum_to_mentions_and_show_zero_themes(seed_doc, book, mentions):
    counts = helpers.theme_counts(mentions)
    assert counts["count"].sum() == len(mentions)
    assert list(counts["theme"]) == list(book.themes["theme"])
    words = int((seed_doc.tokens["kind"] == "word").sum())
    assert (counts["words"] == words).all()
    expected = 1000 * counts["count"] / words
    assert (counts["per_1000"] - expected).abs().max() < 1e-3


def test_counts_per_paragraph_are_complete(seed_doc, book, mentions):
    counts = helpers.theme_counts(mentions, per="paragraph")
    assert len(counts) == len(book.themes) * len(seed_doc.paragraphs)
    assert counts["count"].sum() == mentions["paragraph"].notna().sum()
    words = counts.drop_duplicates("paragraph")["words"].sum()
    assert words == int(((seed_doc.tokens["kind"] == "word")
                         & (seed_doc.tokens["part"] == "body")).sum())
    assert (counts["paragraph_no"] == counts["paragraph"] + 1).all()


def test_counts_by_subtheme(mentions, book):
    counts = helpers.theme_counts(mentions, by="subtheme")
    assert len(counts) == len(book.subthemes)
    assert counts["count"].sum() == len(mentions)
    row = counts.set_index("subtheme").loc["resolution_2254"]
    assert row["count"] == 1 and row["label_en"] == "UNSC resolution 2254"


def test_counts_trace_to_mentions(mentions):
    counts = helpers.theme_counts(mentions, by="subtheme").set_index(["theme", "subtheme"])
    trace = mentions.groupby(["theme", "subtheme"]).size()
    assert (counts.loc[trace.index, "count"] == trace).all()


def test_counts_need_word_counts(mentions, seed_doc):
    filtered = pd.DataFrame(mentions[mentions["theme"] == "covid"])
    filtered.attrs = {}
    with pytest.raises(ValueError, match="pass doc="):
        helpers.theme_counts(filtered)
    counts = helpers.theme_counts(filtered, doc=seed_doc)
    assert counts["count"].sum() == len(filtered)


def test_bad_arguments(seed_doc):
    with pytest.raises(ValueError, match="by must be"):
        helpers.theme_counts(seed_doc, by="word")
    with pytest.raises(ValueError, match="per must be"):
        helpers.theme_counts(seed_doc, per="sentence")
    with pytest.raises(TypeError, match="load_document"):
        helpers.find_themes("متن")


# ----------------------------------------------------------------------------- lint


def test_lint_reports_overlaps_and_unmatched(seed_doc, book):
    report = helpers.lint_themes(book, docs=[seed_doc])
    assert set(report["issue"]) <= {"overlap", "no_match", "shared_span"}
    overlap = report[report["issue"] == "overlap"]
    pairs = set(zip(overlap["pattern"], overlap["other_pattern"], strict=True))
    assert ("قوانین بین‌المللی", "قوانین بین‌المللی حقوق بشر") in pairs
    unmatched = set(report.loc[report["issue"] == "no_match", "pattern"])
    assert "پول‌شویی" in unmatched and "اینترپل" not in unmatched
    shared = report[report["issue"] == "shared_span"]
    assert ((shared["theme"] == "protection_law") & (shared["other_theme"] == "children_women")
            ).any() or ((shared["other_theme"] == "protection_law")
                        & (shared["theme"] == "children_women")).any()


def test_lint_without_docs_is_static(tmp_path):
    text = MINIMAL + """
  health:
    label_en: Health
    label_fa: سلامت
    description: d
    patterns: [کووید ۱۹, کرونا*]
"""
    report = helpers.lint_themes(write(tmp_path, text))
    assert list(report["issue"].unique()) == ["overlap"]
    assert report["detail"].str.contains("may count for both").all()


# ----------------------------------------------------------------------------- figures


def test_figures_draw(seed_doc, mentions):
    import matplotlib.pyplot as plt

    helpers.setup_figures()
    ax = helpers.theme_bar(helpers.theme_counts(mentions))
    assert len(ax.patches) == len(helpers.load_themes().themes)
    plt.close(ax.figure)
    per_para = helpers.theme_counts(mentions, per="paragraph")
    ax = helpers.theme_heatmap(per_para)
    image = ax.images[0].get_array()
    assert image.shape == (10, len(seed_doc.paragraphs)) and image.sum() == per_para["count"].sum()
    assert ax.xaxis_inverted()
    plt.close(ax.figure)
    ax = helpers.theme_dispersion(seed_doc, mentions, relative=True)
    offsets = ax.collections[0].get_offsets()
    assert len(offsets) == (mentions["part"] == "body").sum()
    assert offsets[:, 0].min() >= 0 and offsets[:, 0].max() <= 1
    plt.close(ax.figure)


def test_heatmap_wants_paragraph_counts(mentions):
    with pytest.raises(KeyError, match="per='paragraph'"):
        helpers.theme_heatmap(helpers.theme_counts(mentions))
