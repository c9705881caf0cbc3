"""Corpus analysis: every input accounted for, doc_id on every table, same tables in parallel."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import helpers
from helpers import corpus
from helpers.dictionary import load_dictionary

# A second, different Persian text (written for these tests): a short statement that names
# places and threats, with a title line and a date line like the seed.
SECOND_TEXT = """\
بیانیه مشترک درباره امنیت منطقه
۱۲ مه ۲۰۲۲

وزیران خارجه ایران، عراق و ترکیه امروز در بغداد دیدار کردند و درباره تهدید تروریسم و
بازماندگان داعش در سوریه و عراق گفت‌وگو کردند.

آنان گفتند که گروه‌های تروریستی هنوز امنیت مرزها را تهدید می‌کنند و بازگشت آوارگان به خانه‌هایشان
و بازسازی مناطق آزادشده باید ادامه یابد. نشست بعدی در تهران برگزار خواهد شد.
"""

# Windows-1256 has no Persian yeh, keheh or digits: legacy files use Arabic letters, Latin digits.
_LEGACY = str.maketrans({"\u06cc": "\u064a", "\u06a9": "\u0643",
                         **{chr(0x06F0 + i): str(i) for i in range(10)}})

MENTION_TABLES = ("places", "threats", "themes", "theme_counts")


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory, seed_path) -> Path:
    """A folder with two good texts and three bad ones (empty, binary, cp1256)."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(seed_path, folder / "a_seed.txt")
    (folder / "b_second.txt").write_text(SECOND_TEXT, encoding="utf-8")
    (folder / "c_empty.txt").write_bytes(b"")
    (folder / "d_binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "e_legacy.txt").write_bytes(SECOND_TEXT.translate(_LEGACY).encode("cp1256"))
    (folder / "notes.md").write_text("not a .txt file: ignored when the folder is expanded")
    return folder


@pytest.fixture(scope="module")
def inputs(corpus_dir) -> list[Path]:
    return [corpus_dir, corpus_dir / "missing.txt"]


@pytest.fixture(scope="module")
def serial(inputs) -> corpus.CorpusResult:
    return helpers.analyze_corpus(inputs, workers=1, progress=False)


def test_every_input_is_a_document_or_a_failure(serial):
    assert serial.inputs == 6  # five .txt in the folder + one missing path
    assert len(serial.documents) + len(serial.failures) == serial.inputs
    assert serial.documents["doc_id"].tolist() == ["a_seed", "b_second"]
    assert serial.failures["doc_id"].tolist() == ["c_empty", "d_binary", "e_legacy", "missing"]
    assert set(serial.failures.columns) >= {"path", "reason", "stage", "error"}


def test_failure_reasons_say_what_is_wrong(serial):
    reasons = dict(zip(serial.failures["doc_id"], serial.failures["reason"]))
    assert "empty" in reasons["c_empty"]
    assert "binary" in reasons["d_binary"]
    assert "cp1256" in reasons["e_legacy"]  # the advice names the legacy encoding
    errors = dict(zip(serial.failures["doc_id"], serial.failures["error"]))
    assert errors["missing"] == "FileNotFoundError"
    assert serial.failures["path"].str.endswith("missing.txt").iloc[-1]


def test_tables_have_doc_id_first(serial):
    for name in ("documents", *MENTION_TABLES):
        table = serial[name]
        assert table.columns[0] == "doc_id", name
        assert set(table["doc_id"]) <= {"a_seed", "b_second"}
    assert set(serial.places["doc_id"]) == {"a_seed", "b_second"}
    assert set(serial.theme_counts["doc_id"]) == {"a_seed", "b_second"}


def test_tables_match_single_document_results(serial, corpus_dir):
    for doc_id in serial.documents["doc_id"]:
        single = helpers.analyze_document(corpus_dir / f"{doc_id}.txt")
        for name in ("documents", *MENTION_TABLES):
            part = serial[name][serial[name]["doc_id"] == doc_id].reset_index(drop=True)
            # corpus tables keep repeated labels as categories, to save memory
            labels = part.select_dtypes("category").columns
            assert set(labels) <= corpus.CATEGORY_COLUMNS
            part = part.astype({c: single[name][c].dtype for c in labels})
            pd.testing.assert_frame_equal(part, single[name], check_dtype=False, obj=name)


def test_single_document_matches_the_finders(seed_path):
    doc = helpers.load_document(seed_path)
    tables = helpers.analyze_document(doc)
    assert not any(isinstance(t, helpers.Document) for t in tables.values())
    places = helpers.find_places(doc).reset_index(drop=True)
    assert tables["places"]["start"].tolist() == places["start"].tolist()
    assert len(tables["places"]) > 0 and len(tables["threats"]) > 0 and len(tables["themes"]) > 0
    assert tables["documents"].loc[0, "title"] == doc.title
    renamed = helpers.analyze_document(doc, doc_id="other")
    assert set(renamed["themes"]["doc_id"]) == {"other"} and doc.doc_id == seed_path.stem


def test_legacy_encoding_is_read_when_named(corpus_dir, serial):
    result = helpers.analyze_corpus(corpus_dir / "e_legacy.txt", encoding="cp1256",
                                    progress=False)
    assert result.failures.empty
    assert result.documents.loc[0, "encoding"] == "cp1256"
    second = serial.places[serial.places["doc_id"] == "b_second"]
    columns = ["start", "end", "place"]
    assert result.places[columns].values.tolist() == second[columns].values.tolist()


def test_two_processes_give_the_same_tables(inputs, serial):
    parallel = helpers.analyze_corpus(inputs, workers=2, progress=False)
    for name, table in serial.tables().items():
        pd.testing.assert_frame_equal(parallel[name], table, obj=name)


def test_folders_and_patterns_expand_and_empty_ones_are_reported(tmp_path, corpus_dir):
    expanded = [Path(p).name for p, _ in corpus.expand_paths(corpus_dir)]
    assert expanded == sorted(expanded) and "notes.md" not in expanded
    pattern = [Path(p).name for p, _ in corpus.expand_paths(str(corpus_dir / "[ab]_*.txt"))]
    assert pattern == ["a_seed.txt", "b_second.txt"]
    assert corpus.expand_paths(str(tmp_path / "*.none"))[0][1].startswith("No file matches")
    empty = tmp_path / "nothing_here"
    empty.mkdir()
    result = helpers.analyze_corpus([empty], progress=False)
    assert result.documents.empty and len(result.failures) == 1
    assert "no .txt" in result.failures.loc[0, "reason"]


def test_same_file_names_in_two_folders_get_distinct_ids(tmp_path, seed_path):
    for sub in ("x", "y"):
        (tmp_path / sub).mkdir()
        shutil.copy(seed_path, tmp_path / sub / "same.txt")
    result = helpers.analyze_corpus([tmp_path / "x", tmp_path / "y"], progress=False)
    assert result.documents["doc_id"].tolist() == ["same", "same~2"]


def test_an_analysis_that_breaks_is_reported_not_raised(monkeypatch, corpus_dir):
    def broken(doc):
        raise RuntimeError("gazetteer exploded")

    monkeypatch.setattr(corpus, "_analysers", lambda resources=None: {"places": broken})
    result = helpers.analyze_corpus(corpus_dir / "b_second.txt", progress=False)
    assert result.documents.empty
    assert result.failures.loc[0, "stage"] == "analyse"
    assert "gazetteer exploded" in result.failures.loc[0, "reason"]
    with pytest.raises(RuntimeError):
        helpers.analyze_corpus(corpus_dir / "b_second.txt", progress=False, errors="raise")


def test_bad_arguments_say_what_to_do(corpus_dir):
    with pytest.raises(corpus.CorpusError, match="No paths"):
        helpers.analyze_corpus([], progress=False)
    with pytest.raises(corpus.CorpusError, match="workers"):
        helpers.analyze_corpus(corpus_dir, workers=0, progress=False)
    with pytest.raises(corpus.CorpusError, match="errors"):
        helpers.analyze_corpus(corpus_dir, errors="ignore", progress=False)


def test_result_object(serial):
    assert list(serial.tables()) == list(corpus.TABLES)
    assert "2 documents, 4 failures" in repr(serial)
    with pytest.raises(KeyError, match="tables are"):
        serial["nope"]


def test_batches_gathered_out_of_order_keep_input_order(serial, inputs):
    tasks = corpus._tasks(inputs, None)
    batches = [corpus._run_tasks(tasks[i : i + 2]) for i in range(0, len(tasks), 2)]
    shuffled = list(reversed(batches))
    gathered = corpus._gather(shuffled, len(tasks))
    for name, table in serial.tables().items():
        pd.testing.assert_frame_equal(gathered[name], table, obj=name)


def test_batches_of_any_size_give_the_same_tables(serial, inputs):
    for size in (1, 4):
        tasks = corpus._tasks(inputs, None)
        batches = [corpus._run_tasks(tasks[i : i + size]) for i in range(0, len(tasks), size)]
        result = corpus._gather(batches, len(tasks))
        for name, table in serial.tables().items():
            pd.testing.assert_frame_equal(result[name], table, obj=f"{name}, batches of {size}")


def test_broken_package_data_stops_the_run_at_once(monkeypatch, corpus_dir):
    from helpers.lexicons import LexiconError

    def broken(doc):
        raise LexiconError("gazetteer.csv line 3: duplicated form")

    monkeypatch.setattr(corpus, "_analysers", lambda resources=None: {"places": broken})
    with pytest.raises(LexiconError, match="duplicated"):
        helpers.analyze_corpus(corpus_dir, progress=False)


# ----------------------------------------------------------------------------- batches

# Texts chosen so that a batch could go wrong: a phrase whose words end one text and begin the
# next (ISIS «دولت اسلامی»), a context phrase in one text and a context-only word in the next
# (bare سیاسی counts only in a sentence naming the lines of effort), Arabic letters (folded
# forms), a text with no Persian, and a one-word text.
BATCH_TEXTS = [
    "گزارش کوتاه\n\nائتلاف در عراق و سوریه با دولت",
    "اسلامی سیاسی در عراق بود.\n\nپایان.",
    "خطوط تلاش ائتلاف سیاسی است.\n\nدر سوريه و تركيه نيز.",
    "Only English here, about Iraq.",
    "داعش",
]


def test_a_batch_gives_each_text_its_own_rows(tmp_path, seed_path):
    texts = [*BATCH_TEXTS, seed_path.read_text(encoding="utf-8"), SECOND_TEXT]
    docs = [helpers.load_document(t, doc_id=f"t{i}") for i, t in enumerate(texts)]
    resources = corpus._Resources()
    analysers = corpus._analysers(resources)
    together = corpus._analyze_batch_rows(docs, [d.doc_id for d in docs], resources, analysers)
    for doc, rows in zip(docs, together, strict=True):
        alone = corpus._analyze_rows(doc, doc.doc_id, resources, analysers)
        assert rows.keys() == alone.keys()
        built = corpus._build_tables([(doc.doc_id, rows)], resources)
        single = corpus._build_tables([(doc.doc_id, alone)], resources)
        for name, table in single.items():
            pd.testing.assert_frame_equal(built[name], table, obj=f"{doc.doc_id} {name}")
    # The phrase split over two texts is found in neither; the context stays in its own text.
    tables = corpus._build_tables(list(zip([d.doc_id for d in docs], together)), resources)
    assert not tables["threats"]["surface"].str.contains("دولت").any()
    political = tables["themes"][tables["themes"]["subtheme"] == "political"]
    assert set(political["doc_id"]) == {"t2", "t5"}  # t5 is the seed


def test_html_residue_and_second_statements_give_the_same_tables_in_a_batch(seed_path):
    # A batch scans each text as its Document does: HTML references read as their letters, and
    # every statement of a file (title_2, body_2 ...) analysed.
    seed = seed_path.read_text(encoding="utf-8")
    html = seed.replace("ی", "&#1740;").replace("\n\n", "\n<p>\n", 3)
    body = seed[seed.index("آغاز متن"):seed.index("پایان متن") + len("پایان متن")]
    twice = seed + "\n\n" + body.replace("عراق", "سوریه") + "\n"
    docs = [helpers.load_document(text=t, doc_id=f"t{i}") for i, t in enumerate([html, twice])]
    resources = corpus._Resources()
    analysers = corpus._analysers(resources)
    together = corpus._analyze_batch_rows(docs, [d.doc_id for d in docs], resources, analysers)
    for doc, rows in zip(docs, together, strict=True):
        alone = corpus._analyze_rows(doc, doc.doc_id, resources, analysers)
        built = corpus._build_tables([(doc.doc_id, rows)], resources)
        single = corpus._build_tables([(doc.doc_id, alone)], resources)
        for name, table in single.items():
            pd.testing.assert_frame_equal(built[name], table, obj=f"{doc.doc_id} {name}")
    assert len(helpers.find_places(docs[0])) == len(helpers.find_places(helpers.load_document(
        seed_path)))  # the references are read as letters: no place is lost


def test_one_text_that_breaks_an_analysis_leaves_the_others(monkeypatch, corpus_dir):
    real = corpus._analysers

    def analysers(resources=None):
        found = real(resources)
        places = found["places"]

        def fussy(doc):
            if "تهران" in doc.raw:  # only the second text names Tehran
                raise RuntimeError("cannot read Tehran")
            return places(doc)

        return {**found, "places": fussy}

    monkeypatch.setattr(corpus, "_analysers", analysers)
    result = helpers.analyze_corpus([corpus_dir / "a_seed.txt", corpus_dir / "b_second.txt"],
                                    progress=False)
    assert result.documents["doc_id"].tolist() == ["a_seed"]
    assert result.failures["doc_id"].tolist() == ["b_second"]
    assert "Tehran" in result.failures.loc[0, "reason"]
    assert (result.places["doc_id"] == "a_seed").all() and len(result.places) > 0


# ----------------------------------------------------------------------------- long texts


def _long_text(seed_path, copies: int, extra: str = "") -> str:
    """The seed with its body repeated ``copies`` times (header, title, markers, footer kept)."""
    raw = seed_path.read_text(encoding="utf-8")
    start = raw.index("آغاز متن") + len("آغاز متن")
    end = raw.index("پایان متن")
    return raw[:start] + raw[start:end] * copies + extra + raw[start:end] + raw[end:]


def _whole(monkeypatch, *args, **kwargs) -> corpus.CorpusResult:
    """analyze_corpus with every text analysed whole (no pieces)."""
    with monkeypatch.context() as patch:
        patch.setattr(corpus, "_LONG_TEXT", 10**12)
        return helpers.analyze_corpus(*args, **kwargs)


def _same_tables(a: corpus.CorpusResult, b: corpus.CorpusResult) -> None:
    assert list(a.tables()) == list(b.tables())
    for name, table in a.tables().items():
        pd.testing.assert_frame_equal(b[name], table, obj=name)


@pytest.mark.slow
def test_a_long_text_gives_the_same_tables_in_pieces_as_whole(tmp_path, seed_path,
                                                              monkeypatch):
    path = tmp_path / "long.txt"
    path.write_text(_long_text(seed_path, 250), encoding="utf-8")  # about 3 MB
    doc = helpers.load_document(path)
    pieces = corpus._pieces(doc, corpus._Resources())
    assert len(pieces) > 5  # really cut, each piece a run of whole paragraphs
    assert all(len(doc.raw[p.start : p.end]) < 2 * corpus._PIECE for p in pieces)
    in_pieces = helpers.analyze_corpus([path], progress=False)
    assert len(in_pieces.places) > 5_000 and in_pieces.failures.empty
    _same_tables(_whole(monkeypatch, [path], progress=False), in_pieces)
    # The single-document function too (plain columns, as for any text).
    single = helpers.analyze_document(doc)
    with monkeypatch.context() as patch:
        patch.setattr(corpus, "_LONG_TEXT", 10**12)
        for name, table in helpers.analyze_document(doc).items():
            pd.testing.assert_frame_equal(single[name], table, obj=name)


# Paragraphs that a careless cut would break: a researcher's pattern with a period inside (as
# the gazetteer's name «آنتونی جی . بلینکن» has) split by a paragraph break after the period;
# Anbar, a place name counted only in a list of places, listed over a paragraph break after a
# comma; a paragraph opening with a list joiner; a paragraph of a single mark; lines with no
# blank line between them; Windows line ends.
TRICKY = (
    "\n\nدر این نشست آنتونی جی.\n\nبلینکن بر ادامه همکاری با عراق تأکید کرد."
    "\n\nهیئت‌هایی از سوریه و عراق،\n\nانبار و بابل را نیز بازدید کردند."
    "\n\nاین موضوع در کابل بررسی شد.\r\n\r\nو هرات نیز در فهرست بود؛"
    "\n\n.\n\nیمن\nلبنان\nاردن را نیز نام بردند!"
)
PEOPLE = {"us": {"blinken": ["آنتونی جی . بلینکن", "بلینکن"]}}


def test_cuts_never_split_what_the_finders_join(tmp_path, seed_path, monkeypatch):
    path = tmp_path / "tricky.txt"
    path.write_text(_long_text(seed_path, 6, extra=TRICKY * 8), encoding="utf-8")
    people = load_dictionary(PEOPLE, name="people")
    whole = _whole(monkeypatch, [path], progress=False, dictionaries=[people])
    # What a cut in the wrong place would lose: the name over the break, the listed Anbar.
    assert (whole["people"]["surface"] == "آنتونی جی.\n\nبلینکن").sum() == 8
    assert (whole.places["place_fa"] == "انبار").sum() == 8
    monkeypatch.setattr(corpus, "_PIECE", 1)  # a cut at every paragraph break allowed
    monkeypatch.setattr(corpus, "_LONG_TEXT", 1)
    doc = helpers.load_document(path)
    pieces = corpus._pieces(doc, corpus._Resources([people]))
    assert len(pieces) > 50
    _same_tables(whole, helpers.analyze_corpus([path], progress=False, dictionaries=[people]))


def test_a_text_without_a_place_to_cut_is_analysed_whole(seed_path, monkeypatch):
    monkeypatch.setattr(corpus, "_PIECE", 300)
    monkeypatch.setattr(corpus, "_LONG_TEXT", 600)
    text = "\n\n".join(["ائتلاف در عراق و سوریه با داعش می‌جنگد"] * 40)  # no final marks
    doc = helpers.load_document(text, doc_id="unmarked")
    assert len(corpus._pieces(doc, corpus._Resources())) == 1


# ----------------------------------------------------------------------------- odd inputs


def test_same_names_never_collide_with_a_name_of_their_own(tmp_path, seed_path):
    for sub in ("x", "y", "z"):
        (tmp_path / sub).mkdir()
        shutil.copy(seed_path, tmp_path / sub / "same.txt")
    shutil.copy(seed_path, tmp_path / "z" / "same~2.txt")
    result = helpers.analyze_corpus([tmp_path / "x", tmp_path / "y", tmp_path / "z"],
                                    progress=False)
    ids = result.documents["doc_id"].tolist()
    assert ids == ["same", "same~3", "same~4", "same~2"]
    assert result.documents["path"].tolist()[-1].endswith("same~2.txt")


@pytest.fixture
def unblock_fifo():
    """Guard for a test with a named pipe: if the code under test opens it to read (and so
    waits for a writer), a writer opens it after a minute, so the test fails, never hangs."""
    import threading

    fifos: list[Path] = []

    def open_for_writing():
        for fifo in fifos:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:  # no reader waiting: nothing to unblock
                pass

    timer = threading.Timer(60, open_for_writing)
    timer.start()
    yield fifos
    timer.cancel()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_links_and_pipes_in_a_folder_are_failures_never_reads(tmp_path, seed_path,
                                                               unblock_fifo):
    shutil.copy(seed_path, tmp_path / "a_good.txt")
    (tmp_path / "b_broken.txt").symlink_to(tmp_path / "gone.txt")
    os.mkfifo(tmp_path / "c_pipe.txt")
    unblock_fifo.append(tmp_path / "c_pipe.txt")
    (tmp_path / "d_link.txt").symlink_to(tmp_path / "a_good.txt")  # a good link is read
    result = helpers.analyze_corpus([tmp_path, tmp_path / "c_pipe.txt"], progress=False)
    assert result.documents["doc_id"].tolist() == ["a_good", "d_link"]
    reasons = dict(zip(result.failures["doc_id"], result.failures["reason"], strict=True))
    assert list(reasons) == ["b_broken", "c_pipe", "c_pipe~2"]
    assert "broken link" in reasons["b_broken"] and "gone.txt" in reasons["b_broken"]
    assert "named pipe" in reasons["c_pipe"] and "named pipe" in reasons["c_pipe~2"]
