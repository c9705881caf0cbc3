"""The explorer: a search box driving KWIC, counts by paragraph, dispersion and highlighted text."""

from __future__ import annotations

import re

import pytest

import helpers
from helpers.explorer import Explorer, explore


@pytest.fixture(scope="module")
def mentions(seed_doc):
    return helpers.find_themes(seed_doc)


def test_search_updates_every_view(seed_doc, mentions):
    explorer = explore(seed_doc, mentions, pattern="داعش", label_col="theme_fa")
    panel = explorer.widget  # built before the next search, so the widgets must follow it
    hits = explorer.search("تروریس*")
    assert hits.equals(helpers.kwic(seed_doc, "تروریس*"))
    counts = explorer.paragraph_counts()
    assert counts["paragraph"].tolist() == list(range(1, len(seed_doc.paragraphs) + 1))
    assert counts["matches"].sum() == hits["paragraph"].notna().sum()
    assert explorer._box.value == "تروریس*"
    assert f"<b>{len(hits)}</b> match(es)" in explorer._summary.value
    for keyword in hits["keyword"]:
        assert keyword in explorer._kwic.value
    assert explorer._dispersion.value.count('class="hit"') == hits["paragraph"].notna().sum()
    assert len(re.findall(r"data-label=\"[^\"]*جستجو", explorer._text.value)) == len(hits)
    assert panel is explorer.widget


def test_typing_in_the_box_searches(seed_doc, mentions):
    explorer = explore(seed_doc, mentions)
    assert explorer.widget is not None
    explorer._box.value = "شورای امنیت"
    assert explorer.pattern == "شورای امنیت" and len(explorer.hits) == 2
    explorer._box.value = "*"  # a pattern the matcher refuses: said, not raised
    assert explorer.hits.empty and "write the letters" in explorer._summary.value
    assert explorer._kwic.value == ""


def test_categories_filter_the_highlighted_text(seed_doc, mentions):
    explorer = explore(seed_doc, mentions, label_col="theme_fa")
    assert explorer.widget is not None
    marks = explorer._text.value.count("<mark")
    assert marks > 0 and explorer.categories[0] in explorer._text.value
    first = explorer._checks[0]
    first.value = False
    shown = explorer._text.value
    assert f"<bdi>{first.description}</bdi>" not in shown  # no longer in the legend
    assert shown.count("<mark") < marks
    for check in explorer._checks:
        check.value = False
    assert explorer._text.value.count("<mark") == 0


def test_without_a_kernel_the_page_shows_the_views(seed_doc, mentions):
    explorer = explore(seed_doc, mentions, pattern="داعش")
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    page = bundle["text/html"]
    assert "run this cell" in page and page.count('class="kwic-keyword"') == 19
    assert 'class="dispersion"' in page and "<mark" in page
    assert bundle["text/plain"].startswith("<Explorer of 000_46bb7b90614e0375: 19 match(es)")


def test_explorer_says_what_it_needs(seed_doc, mentions):
    with pytest.raises(TypeError, match="Document"):
        Explorer("عراق و سوریه")
    with pytest.raises(KeyError, match="no column"):
        explore(seed_doc, mentions, label_col="colour")
    plain = explore(seed_doc)  # no mentions: the search still works
    assert plain.categories == [] and plain.search("عراق").equals(helpers.kwic(seed_doc, "عراق"))
