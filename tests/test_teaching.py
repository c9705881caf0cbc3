"""Teaching material: self-checking exercises, their solutions, the chapters' shape, Binder."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

import helpers
from helpers.lexicons import LexiconError
from helpers.teaching import answer_key, canonical, check, default_answers_path, load_answers

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
SOLUTIONS = ROOT / "notebooks" / "solutions"
CHECK_CALL = re.compile(r"""helpers\.check\(answer,\s*["'](\d\d\.\d+)["']\)""")


def _answers(tmp_path: Path, entries: dict) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


# ------------------------------------------------------------------ canonical answers


def test_numbers_in_any_digits_are_one_answer() -> None:
    assert canonical(4) == canonical(4.0) == canonical("۴") == canonical("٤") == canonical(
        np.int64(4)) == "4"
    assert canonical("1,173") == canonical(1173)
    assert canonical(0.9333) == canonical("0.93") == canonical("۰٫۹۳")
    assert canonical(0.9333, decimals=3) == "0.933"


def test_text_is_normalised_like_persian_text() -> None:
    assert canonical("«سوريه»") == canonical(" سوریه ")  # Arabic yeh, quotes, spaces
    assert canonical("كودكان") == canonical("کودکان")
    assert canonical("Syria") == canonical("SYRIA")
    assert canonical("2024-03-20") == canonical("۲۰۲۴-۰۳-۲۰") == canonical(dt.date(2024, 3, 20))


def test_collections_ignore_order_and_repeats() -> None:
    assert canonical(["afghanistan", "counter_terrorism"]) == canonical(
        pd.Series(["counter_terrorism", "afghanistan", "afghanistan"]))
    assert canonical({"عراق"}) == canonical("عراق")  # a one-item list is its item
    assert canonical(None) == canonical([]) == ""


def test_answers_that_cannot_be_compared_say_what_to_give() -> None:
    with pytest.raises(TypeError, match="not a table"):
        canonical(pd.DataFrame({"a": [1]}))
    with pytest.raises(TypeError, match="a number, a text"):
        canonical({"a": 1})


# ------------------------------------------------------------------ check()


def test_check_says_right_wrong_or_empty_without_showing_the_answer(tmp_path) -> None:
    path = _answers(tmp_path, {"02.1": {"question": "Which country after Iraq?",
                                        "hashes": [answer_key("02.1", "Syria"),
                                                   answer_key("02.1", "سوریه")],
                                        "hint": "place_counts by country"}})
    assert "Syria" not in path.read_text(encoding="utf-8")
    assert "سوریه" not in path.read_text(encoding="utf-8")
    right = check("سوريه", "02.1", answers=path)
    assert right and right.status == "right"
    wrong = check("Iran", "02.1", answers=path)
    assert not wrong and wrong.status == "wrong" and "place_counts by country" in repr(wrong)
    empty = check(None, "02.1", answers=path)
    assert empty.status == "empty" and "None" in repr(empty)
    assert "right" in right._repr_html_()


def test_a_key_is_bound_to_its_exercise() -> None:
    # The same answer to two exercises has two keys, so keys cannot be compared across them.
    assert answer_key("01.1", 2) != answer_key("03.1", 2)
    with pytest.raises(ValueError, match="empty answer"):
        answer_key("01.1", None)


def test_unknown_exercise_lists_the_known_ones(tmp_path) -> None:
    path = _answers(tmp_path, {"01.1": {"question": "q", "hashes": [answer_key("01.1", 1)]}})
    with pytest.raises(KeyError, match="01.1"):
        check(1, "09.9", answers=path)


@pytest.mark.parametrize(("entries", "message"), [
    ({"1.1": {"question": "q", "hashes": ["0" * 64]}}, "NN.k"),
    ({"01.1": {"question": "q"}}, "hashes must be a list"),
    ({"01.1": {"question": "q", "hashes": ["not a hash"]}}, "hashes must be a list"),
    ({"01.1": {"question": "q", "hashes": ["0" * 64], "answer": 3}}, "unknown field"),
    ({"01.1": {"hashes": ["0" * 64]}}, "needs a question"),
    ({"01.1": {"question": "q", "hashes": ["0" * 64], "decimals": -1}}, "decimals"),
])
def test_broken_answer_files_name_the_file_and_the_exercise(tmp_path, entries, message) -> None:
    path = _answers(tmp_path, entries)
    with pytest.raises(LexiconError, match=message) as error:
        load_answers(path)
    assert str(path) in str(error.value)


def test_an_edited_answer_file_is_read_again(tmp_path) -> None:
    path = _answers(tmp_path, {"01.1": {"question": "q", "hashes": [answer_key("01.1", 1)]}})
    assert check(1, "01.1", answers=path)
    _answers(tmp_path, {"01.1": {"question": "q", "hashes": [answer_key("01.1", 22)]}})
    assert check(22, "01.1", answers=path) and not check(1, "01.1", answers=path)


def test_exported() -> None:
    assert helpers.check is check and helpers.answer_key is answer_key


# ------------------------------------------------------------------ the shipped material


def _check_cells(path: Path) -> dict[str, list]:
    """Exercise key -> the outputs of each cell of ``path`` that checks it."""
    found: dict[str, list] = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code":
            for key in CHECK_CALL.findall(cell.source):
                found.setdefault(key, []).append(cell.outputs)
    return found


def _text(outputs: list) -> str:
    return " ".join(o.get("data", {}).get("text/plain", "") for o in outputs)


def test_every_key_is_asked_in_its_chapter_and_passed_by_its_solution() -> None:
    keys = load_answers()
    asked: dict[str, str] = {}
    for chapter in CHAPTERS:
        for key, outputs in _check_cells(chapter).items():
            assert key.startswith(chapter.name[:2]), f"{chapter.name} asks {key}"
            assert key not in asked, f"{key} is asked twice"
            asked[key] = chapter.name
            assert all("no answer yet" in _text(o) for o in outputs), (
                f"{chapter.name} stores an answer to {key}: leave `answer = None`")
    assert set(asked) == set(keys), (
        f"keys never asked: {sorted(set(keys) - set(asked))}; "
        f"asked without a key: {sorted(set(asked) - set(keys))}")
    for key, chapter in asked.items():
        solution = SOLUTIONS / chapter
        assert solution.is_file(), f"{chapter} has exercises but no solution notebook"
        outputs = _check_cells(solution).get(key)
        assert outputs, f"{solution.name} does not check {key}"
        assert all(f"{key}: right" in _text(o) for o in outputs), (
            f"{solution.name}: the stored check of {key} is not right; run `make run` and read "
            "the solution")


def test_chapters_open_with_goals_and_close_with_summary_and_exercises() -> None:
    for chapter in CHAPTERS:
        cells = [c for c in nbformat.read(chapter, as_version=4).cells
                 if c.cell_type == "markdown"]
        headings = [line for c in cells for line in c.source.splitlines()
                    if line.startswith("## ") or line.startswith("# ")]
        number = chapter.name[:2]
        assert headings[0].startswith(f"# {number} · "), f"{chapter.name}: {headings[0]!r}"
        assert "Learning goals" in "".join(c.source for c in cells[:4]), chapter.name
        assert headings[-2:] == ["## Summary", "## Exercises"], f"{chapter.name}: {headings[-2:]}"
        exercises = [c for c in cells if re.match(r"\*\*\d\.\*\*", c.source)]
        assert 4 <= len(exercises) <= 6, f"{chapter.name} has {len(exercises)} exercises"
        assert (SOLUTIONS / chapter.name).is_file(), f"{chapter.name} has no solutions"
        heading = nbformat.read(SOLUTIONS / chapter.name, as_version=4).cells[1].source
        assert heading.startswith(f"# {number} · "), f"solutions/{chapter.name}: {heading[:40]}"


def test_the_solutions_are_collected_by_the_notebook_tests() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         str(SOLUTIONS)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for solution in SOLUTIONS.glob("*.ipynb"):
        assert f"solutions/{solution.name}::Cell 0" in result.stdout, solution.name


def test_binder_installs_the_runtime_dependencies_and_the_font() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def name(requirement: str) -> str:
        found = re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0]
        return re.sub(r"[-_.]+", "-", found).lower()

    runtime = {name(r) for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    listed = set()
    for dep in env["dependencies"]:
        for item in dep["pip"] if isinstance(dep, dict) else [dep]:
            listed.add({"matplotlib-base": "matplotlib"}.get(name(item), name(item)))
    listed -= {"python", "pip"}
    assert listed == runtime, (f"only in binder: {sorted(listed - runtime)}; "
                               f"missing from binder: {sorted(runtime - listed)}")
    assert "fontpkg-noto-sans-arabic" in listed
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in post_build


def test_the_shipped_answers_load() -> None:
    keys = load_answers(default_answers_path())
    assert len(keys) >= 20
    assert all(entry["question"] and entry["hashes"] for entry in keys.values())
