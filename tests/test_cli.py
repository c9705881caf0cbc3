"""The command line: help, tables and figures written, clear exit codes for bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from helpers.__main__ import main

try:
    import pyarrow  # noqa: F401

    HAVE_ARROW = True
except ImportError:
    HAVE_ARROW = False


def test_help_explains_and_exits_zero(capsys):
    assert main(["analyze", "--help"]) == 0
    text = capsys.readouterr().out
    for words in ("--out", "--workers", "--encoding", "--no-figures", "--quiet", "examples:",
                  "exit status", "cp1256"):
        assert words in text
    assert main(["--help"]) == 0


def test_analyze_seed_writes_tables_and_figures(tmp_path, seed_path, capsys):
    out = tmp_path / "out"
    assert main(["analyze", str(seed_path), "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out == ""  # --quiet
    for name in ("documents", "places", "threats", "themes", "theme_counts", "failures"):
        assert (out / f"{name}.csv").is_file()
        assert (out / f"{name}.parquet").is_file() == HAVE_ARROW
    places = pd.read_csv(out / "places.csv")
    assert len(places) > 0 and places["doc_id"].eq(seed_path.stem).all()
    if HAVE_ARROW:
        assert len(pd.read_parquet(out / "places.parquet")) == len(places)
    assert (out / "figures" / "themes.png").stat().st_size > 1000
    assert (out / "figures" / "places.png").stat().st_size > 1000


def test_no_figures_and_summary(tmp_path, seed_path, capsys):
    out = tmp_path / "out"
    assert main(["analyze", str(seed_path), "--out", str(out), "--no-figures"]) == 0
    assert "Analysed 1 of 1 text" in capsys.readouterr().out
    assert not (out / "figures").exists()


def test_bad_path_exits_two_with_message(tmp_path, capsys):
    code = main(["analyze", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert "nope.txt" in err and "could be analysed" in err
    assert not (tmp_path / "out").exists()


def test_usage_errors_exit_two(tmp_path, seed_path, capsys):
    assert main(["analyze", str(seed_path)]) == 2  # --out missing
    assert "--out" in capsys.readouterr().err
    assert main([]) == 2
    assert main(["analyze", str(seed_path), "--out", str(tmp_path), "--encoding", "nope"]) == 2
    assert "unknown encoding" in capsys.readouterr().err
    assert main(["analyze", str(seed_path), "--out", str(tmp_path), "--workers", "0"]) == 2


def test_mixed_good_and_bad_exits_one_and_names_the_bad(tmp_path, seed_path, capsys):
    folder = tmp_path / "texts"
    folder.mkdir()
    shutil.copy(seed_path, folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    code = main(["analyze", str(folder), str(tmp_path / "missing.txt"), "--out", str(out),
                 "--no-figures"])
    assert code == 1
    err = capsys.readouterr().err
    assert "empty.txt" in err and "missing.txt" in err and "2 text(s) failed" in err
    failures = pd.read_csv(out / "failures.csv")
    assert len(failures) == 2
    assert pd.read_csv(out / "documents.csv")["doc_id"].tolist() == ["good"]


@pytest.mark.slow
def test_python_dash_m_runs(tmp_path, seed_path):
    done = subprocess.run(
        [sys.executable, "-m", "helpers", "analyze", str(seed_path), "--out", str(tmp_path),
         "--no-figures", "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "threats.csv").is_file()


def test_broken_package_data_exits_two_with_the_reason(monkeypatch, tmp_path, seed_path, capsys):
    from helpers import corpus
    from helpers.lexicons import LexiconError

    def broken(doc):
        raise LexiconError("gazetteer.csv line 3: duplicated form")

    monkeypatch.setattr(corpus, "_analysers", lambda resources=None: {"places": broken})
    assert main(["analyze", str(seed_path), "--out", str(tmp_path / "out")]) == 2
    assert "duplicated form" in capsys.readouterr().err


def test_an_out_folder_that_cannot_be_made_exits_two_before_analysing(tmp_path, seed_path,
                                                                       capsys, monkeypatch):
    from helpers import corpus

    monkeypatch.setattr(corpus, "analyze_corpus", lambda *a, **k: pytest.fail("analysed"))
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    assert main(["analyze", str(seed_path), "--out", str(blocker / "out")]) == 2
    err = capsys.readouterr().err
    assert "cannot be made" in err and "a_file is a file" in err and "Traceback" not in err
    assert main(["analyze", str(seed_path), "--out", str(blocker)]) == 2
    assert "is a file" in capsys.readouterr().err


def test_results_that_cannot_be_written_exit_three(tmp_path, seed_path, capsys, monkeypatch):
    import errno

    from helpers import results

    def disk_full(table, name, directory, **options):
        raise OSError(errno.ENOSPC, "No space left on device", str(directory / f"{name}.csv"))

    monkeypatch.setattr(results, "write_table", disk_full)
    assert main(["analyze", str(seed_path), "--out", str(tmp_path / "out"), "--quiet"]) == 3
    err = capsys.readouterr().err
    assert "No space left on device" in err and "documents.csv" in err
    assert "the texts were analysed" in err
