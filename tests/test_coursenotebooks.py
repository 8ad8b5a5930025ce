"""Course notebooks from their MyST text sources: drift, round trips, cell metadata, hand edits never lost."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.teaching.coursenotebooks import (NotebookEdited, check_all, notebook_from_text, render, take_notebook,
                                        text_from_notebook, write_all)

from helpers import FIXTURES, ROOT

# jupytext runs `pandoc --version` in a subprocess when it is first imported
pytestmark = pytest.mark.cli

COURSE = ROOT / "course"
SOURCES = sorted((COURSE / "src").glob("*.md"))
TAGGED = FIXTURES / "textsources" / "locked_tagged_and_hidden_cells.ipynb"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of course/ with its notebooks and text sources."""
    return Path(shutil.copytree(COURSE, tmp_path / "course"))


def _newer(path: Path, than: Path) -> None:
    later = than.stat().st_mtime + 10
    os.utime(path, (later, later))


def test_every_course_notebook_has_a_text_source():
    assert sorted(p.stem for p in SOURCES) == sorted(p.stem for p in COURSE.glob("*.ipynb"))


def test_committed_notebooks_are_generated_from_their_text():
    assert check_all(COURSE) == []


@pytest.mark.parametrize("text_path", SOURCES, ids=lambda p: p.stem)
def test_text_to_notebook_to_text_is_stable(text_path):
    text = text_path.read_text(encoding="utf-8")
    assert text_from_notebook(notebook_from_text(text, text_path.stem)) == text


def test_cell_metadata_survives_notebook_to_text_to_notebook():
    nb = nbformat.read(TAGGED, as_version=4)
    text = text_from_notebook(nb)
    again = notebook_from_text(text, "fx_case")
    assert again.metadata == nb.metadata
    assert [(c.cell_type, c.source, c.metadata) for c in again.cells] == \
           [(c.cell_type, c.source, c.metadata) for c in nb.cells]
    assert render(text, "fx_case") == TAGGED.read_text(encoding="utf-8")  # ids fx-NN by position, same bytes
    assert text_from_notebook(again) == text
    assert '练习.quiz("answering")' in text and "| 喂？ | 您好！ |" in text  # the text reads as text


def test_generation_is_deterministic_with_ids_by_position():
    text = (COURSE / "src" / "ch2_smile.md").read_text(encoding="utf-8")
    first, second = render(text, "ch2_smile"), render(text, "ch2_smile")
    assert first == second
    nb = nbformat.reads(first, as_version=4)
    assert [c.id for c in nb.cells] == [f"ch2-{i:02d}" for i in range(len(nb.cells))]
    assert nb.metadata == {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                          "name": "python3"}, "language_info": {"name": "python"}}
    assert all(not c.outputs and c.execution_count is None for c in nb.cells if c.cell_type == "code")


def test_a_text_without_kernelspec_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="kernelspec"):
        notebook_from_text("# 标题\n", "ch9_new")


def test_check_reports_an_edited_text_a_missing_notebook_and_a_notebook_without_text(course):
    text = course / "src" / "ch3_complaint.md"
    text.write_text(text.read_text(encoding="utf-8").replace("先安抚情绪，后处理问题", "先安抚情绪，再处理问题", 1),
                    encoding="utf-8")
    (course / "ch4_price.ipynb").unlink()
    shutil.copy(course / "ch2_smile.ipynb", course / "ch5_extra.ipynb")
    problems = check_all(course)
    assert len(problems) == 3, problems
    assert "ch3_complaint.ipynb: differs from" in problems[0]
    assert "ch4_price.ipynb: missing" in problems[1]
    assert "ch5_extra.ipynb: has no text source" in problems[2]


def test_build_after_a_text_edit_rewrites_only_that_notebook(course):
    text = course / "src" / "ch1_telephone.md"
    text.write_text(text.read_text(encoding="utf-8").replace("铃响一声", "铃响一声（最多两声）", 1), encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in course.glob("*.ipynb")}
    write_all(course)
    changed = {p.name for p in course.glob("*.ipynb") if p.stat().st_mtime_ns != before[p.name]}
    assert changed == {"ch1_telephone.ipynb"}
    nb = nbformat.read(course / "ch1_telephone.ipynb", as_version=4)
    assert any("铃响一声（最多两声）" in c.source for c in nb.cells)
    assert check_all(course) == []


def test_a_notebook_edited_by_hand_is_never_overwritten(course):
    notebook, text = course / "ch2_smile.ipynb", course / "src" / "ch2_smile.md"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[0].source += "\n\n老师在笔记本里直接加的一句话。"
    nbformat.write(nb, notebook)
    _newer(notebook, text)
    edited, text_before = notebook.read_bytes(), text.read_bytes()
    with pytest.raises(NotebookEdited, match=r"ch2_smile\.ipynb: its cells were changed after") as refused:
        write_all(course)
    assert "--take-notebook ch2_smile" in str(refused.value)
    assert notebook.read_bytes() == edited and text.read_bytes() == text_before

    take_notebook(course, "ch2_smile")
    assert "老师在笔记本里直接加的一句话。" in text.read_text(encoding="utf-8")
    write_all(course)
    assert check_all(course) == []
    assert "老师在笔记本里直接加的一句话。" in nbformat.read(notebook, as_version=4).cells[0].source


def test_a_notebook_only_run_in_jupyterlab_is_regenerated_without_its_outputs(course):
    notebook, text = course / "00_index.ipynb", course / "src" / "00_index.md"
    clean = notebook.read_text(encoding="utf-8")
    nb = nbformat.read(notebook, as_version=4)
    for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = n + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="运行过\n")]
    nbformat.write(nb, notebook)
    _newer(notebook, text)
    write_all(course)
    assert notebook.read_text(encoding="utf-8") == clean


def test_build_command_takes_a_notebook_into_its_text_and_checks_drift(tmp_path):
    """`build --check` and `build --take-notebook` from a project root (course/ and exercises/ side by side)."""
    project = tmp_path / "项目 副本"
    shutil.copytree(COURSE, project / "course")
    shutil.copytree(ROOT / "exercises", project / "exercises",
                    ignore=shutil.ignore_patterns("gradebook.db", "submitted", "autograded", "feedback", "release"))
    notebook = project / "course" / "ch4_price.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells[-1].source += "\n\n下课前请把练习做完。"
    nbformat.write(nb, notebook)

    def run(*args):
        return subprocess.run([sys.executable, "-m", "autograder", "build", *args], cwd=project,
                              capture_output=True, text=True)

    drift = run("--check")
    assert drift.returncode == 1 and "ch4_price.ipynb: differs from" in drift.stderr
    taken = run("--take-notebook", "ch4_price")
    assert taken.returncode == 0, taken.stderr
    assert "下课前请把练习做完。" in (project / "course" / "src" / "ch4_price.md").read_text(encoding="utf-8")
    assert "wrote course/ch4_price.ipynb" in taken.stdout
    assert check_all(project / "course") == []


def test_jupytext_itself_writes_the_text_as_build_does(tmp_path):
    """An instructor who converts with jupytext's CLI (or saves from JupyterLab's jupytext view) in the
    project gets the committed text: pyproject's [tool.jupytext] matches the module's format."""
    import tomllib

    from autograder.teaching.coursenotebooks import WRITE_FORMAT

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["jupytext"]
    assert config["notebook_metadata_filter"] == WRITE_FORMAT["notebook_metadata_filter"]
    out = tmp_path / "ch3_complaint.md"
    done = subprocess.run([sys.executable, "-m", "jupytext", "--to", "md:myst", "-o", str(out),
                           "course/ch3_complaint.ipynb"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == (COURSE / "src" / "ch3_complaint.md").read_text(encoding="utf-8")


def test_without_jupytext_build_warns_and_keeps_the_notebooks_and_check_fails(course, monkeypatch, capsys):
    import autograder.teaching.coursenotebooks as cn

    def missing():
        raise cn.JupytextMissing("course notebooks are generated from course/src/ with jupytext: run `make install`")

    monkeypatch.setattr(cn, "_jupytext", missing)
    before = {p.name: p.read_bytes() for p in course.glob("*.ipynb")}
    assert cn.write_chapters(course) == 0
    assert "not regenerated" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in course.glob("*.ipynb")} == before
    problems = cn.check_chapters(course)
    assert len(problems) == 1 and "jupytext" in problems[0]
