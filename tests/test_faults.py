"""Nothing lost, nothing hangs: a worker killed mid-run (SIGKILL, as the out-of-memory killer
does) costs only the text that killed it, on the process pool, the command line and Dask.

The fault is injected honestly: a dictionary (tests/fault_injection.py) that kills the process
matching it on one text is passed with ``dictionaries=``, pickled to the workers like any
other. The run must return, report that text as one failure row saying what happened, and give
every other table exactly as a run without that text does.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from fault_injection import killing_dictionary, watch_dictionary

import helpers
from helpers import corpus
from helpers.__main__ import main
from helpers.normalization import normalize_word

# The text that kills its worker (written for these tests): a news report on a blackout. Its
# word «خاموشی» is the trigger; no other text of the corpus has it.
BLACKOUT = """\
خاموشی گسترده در بغداد
۲ تیر ۱۴۰۲

وزارت برق عراق اعلام کرد که خاموشی گسترده در بغداد و بصره به دلیل گرمای شدید و کمبود گاز
وارداتی از ایران رخ داده است.

مقام‌های محلی گفتند که گروه‌های تروریستی از این وضعیت برای ناامنی بیشتر سوء استفاده می‌کنند و
مذاکره با تهران برای ازسرگیری صادرات گاز ادامه دارد.
"""
TRIGGER = normalize_word("خاموشی")

# Two other texts (written for these tests), so that the corpus is not one text repeated.
KABUL = """\
نشست امنیتی در کابل
۱۵ حمل ۱۴۰۱

نمایندگان افغانستان، پاکستان و ایران در کابل درباره تهدید داعش خراسان و قاچاق مواد مخدر در
مرزهای مشترک گفت‌وگو کردند.

آنان بر مذاکره برای بازگشایی گذرگاه‌های مرزی و همکاری در برابر گروه‌های شبه‌نظامی تأکید کردند.
"""
SANAA = """\
بیانیه درباره یمن
۳ مه ۲۰۲۳

سازمان ملل متحد از طرف‌های درگیر در یمن خواست که آتش‌بس را در صنعا و حدیده حفظ کنند.

حملات پهپادی به کشتی‌ها در دریای سرخ امنیت کشتیرانی را تهدید می‌کند و گفت‌وگو با عربستان
سعودی ادامه دارد.
"""


@pytest.fixture(scope="module")
def corpus_with_killer(tmp_path_factory, seed_path):
    """Twelve texts in a folder, the blackout report among them (its doc_id: f_blackout)."""
    folder = tmp_path_factory.mktemp("faults")
    for i, letter in enumerate("abcdeghijkl"):
        name = f"{letter}_text.txt"
        if i % 3 == 0:
            shutil.copy(seed_path, folder / name)
        else:
            (folder / name).write_text(KABUL if i % 3 == 1 else SANAA, encoding="utf-8")
    (folder / "f_blackout.txt").write_text(BLACKOUT, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def without_killer(corpus_with_killer):
    """The same run over the other eleven texts, with the same (harmless) dictionary."""
    others = sorted(p for p in corpus_with_killer.glob("*.txt") if p.stem != "f_blackout")
    return helpers.analyze_corpus(others, workers=1, progress=False,
                                  dictionaries=[watch_dictionary()])


def _only_the_killer_is_lost(result, expected, error: str) -> pd.Series:
    assert result.inputs == expected.inputs + 1
    assert result.failures["doc_id"].tolist() == ["f_blackout"]
    row = result.failures.iloc[0]
    assert row["stage"] == "analyse" and row["error"] == error
    assert row["path"].endswith("f_blackout.txt")
    assert len(expected.documents) == 11 and len(expected.watch) > 0
    for name, table in expected.tables().items():
        if name != "failures":
            pd.testing.assert_frame_equal(result[name], table, obj=name)
    return row


def test_a_killed_worker_costs_only_its_text(corpus_with_killer, without_killer):
    result = helpers.analyze_corpus(corpus_with_killer, workers=2, chunksize=3, progress=False,
                                    dictionaries=[killing_dictionary(TRIGGER)])
    row = _only_the_killer_is_lost(result, without_killer, "WorkerDied")
    assert "killed by SIGKILL" in row["reason"] and "alone" in row["reason"]


def test_the_command_line_survives_a_killed_worker(monkeypatch, corpus_with_killer,
                                                   without_killer, tmp_path, capsys):
    # --dictionary watch.yaml loads the killing dictionary; the command line does the rest
    # (two worker processes, its default for twelve texts).
    real = corpus.load_dictionary

    def load(source, **options):
        return killing_dictionary(TRIGGER) if source == "watch.yaml" else real(source, **options)

    monkeypatch.setattr(corpus, "load_dictionary", load)
    out = tmp_path / "out"
    code = main(["analyze", str(corpus_with_killer), "--out", str(out), "--dictionary",
                 "watch.yaml", "--no-figures", "--quiet"])
    assert code == 1  # some texts failed, the others were analysed
    assert "f_blackout.txt" in capsys.readouterr().err
    failures = pd.read_csv(out / "failures.csv")
    assert failures["doc_id"].tolist() == ["f_blackout"]
    assert failures.loc[0, "error"] == "WorkerDied"
    documents = pd.read_csv(out / "documents.csv")
    assert documents["doc_id"].tolist() == without_killer.documents["doc_id"].tolist()
    watch = pd.read_csv(out / "watch.csv")
    assert len(watch) == len(without_killer.watch)


@pytest.mark.slow
def test_a_dask_cluster_survives_a_text_that_kills_its_workers(corpus_with_killer,
                                                               without_killer):
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    # The scheduler gives up on a task after its workers died this many times + 1.
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0",
            scheduler_port=0, silence_logs=50)
    with cluster, distributed.Client(cluster, timeout="30s") as client:
        result = helpers.analyze_corpus(corpus_with_killer, scheduler=client, progress=False,
                                        dictionaries=[killing_dictionary(TRIGGER)])
    row = _only_the_killer_is_lost(result, without_killer, "KilledWorker")
    assert "workers died" in row["reason"]
