"""Bank → nbgrader source notebooks; the committed copies; what a release contains."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder.questionbank.load import load_bank
from autograder.questionbank.build import build_notebook, check_all, write_all

from helpers import EXERCISES, ROOT


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _src(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.mark.cli
def test_committed_notebooks_are_up_to_date_with_the_bank():
    out = subprocess.run([sys.executable, "-m", "autograder", "build", "--check"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_check_fails_when_the_bank_changes(tmp_path):
    bank, source = tmp_path / "bank", tmp_path / "source"
    shutil.copytree(EXERCISES / "bank", bank)
    write_all(bank, source)
    assert check_all(bank, source) == []
    path = bank / "ch2_smile.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"][0]["stem"] += "（改过）"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = check_all(bank, source)
    assert len(problems) == 1 and "ch2_smile.ipynb: out of date" in problems[0]
    (source / "ch3_complaint" / "ch3_complaint.ipynb").unlink()
    assert any("ch3_complaint.ipynb: missing" in p for p in check_all(bank, source))


def test_nbgrader_metadata_of_each_question():
    for ch in load_bank(EXERCISES / "bank"):
        cells = {c["metadata"]["nbgrader"]["grade_id"]: c for c in build_notebook(ch)["cells"]}
        for q in ch.questions:
            answer = cells[q.answer_cell]["metadata"]["nbgrader"]
            assert answer["solution"] and answer["schema_version"] == 3
            if q.type == "short":
                assert cells[q.answer_cell]["cell_type"] == "markdown"
                assert answer["grade"] and answer["points"] == q.points
                continue
            src = _src(cells[q.answer_cell])
            last_var = q.turn_vars[-1] if q.type == "call" else q.var  # a call: one answer line per agent turn
            assert f'{last_var} = ""\n### BEGIN SOLUTION\n' in src and not answer["grade"]
            test = cells[q.grade_cell]["metadata"]["nbgrader"]
            assert test["grade"] and test["locked"] and not test["solution"] and test["points"] == q.points
            assert "### BEGIN HIDDEN TESTS" in _src(cells[q.grade_cell])
        # the last cell is the locked self-check, without keys
        last = build_notebook(ch)["cells"][-1]
        assert last["metadata"]["nbgrader"]["locked"] and "self_check" in _src(last)
        assert '"key"' not in _src(last) and "model" not in _src(last)


def test_release_contains_no_key_no_tests_no_model_answers_no_rubrics(released_course):
    chapters = load_bank(EXERCISES / "bank")
    for ch in chapters:
        path = released_course / "release" / ch.assignment / f"{ch.notebook}.ipynb"
        text = path.read_text(encoding="utf-8")
        for marker in ("BEGIN HIDDEN TESTS", "run_test", "BEGIN SOLUTION", "MARK SCHEME", "评分要点", '"key"'):
            assert marker not in text, (path, marker)
        cells = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in _cells(path)}
        for q in ch.questions:
            if q.type == "rewrite":
                assert q.model_answer not in text
            if q.type == "call":  # no model line, no requirement, no weight, no expected score
                assert not any(line in text for line in q.call.model_call), q.id
                assert "requirements" not in text and "weights" not in text and "bad_call" not in text
                for rule in q.call.requirements or ():
                    assert rule not in text, (q.id, rule)
            if q.explanation:
                assert q.explanation[:30] not in text
            for item in q.rubric:
                assert item not in text
            for line in _lines(q.reference_answer) + _lines(q.borderline_answer):
                assert line not in text, (q.id, line)
            assert "参考答案（满分）" not in text and "临界答案" not in text
            if q.type in ("single", "multiple", "rewrite"):
                lines = [l for l in _src(cells[q.answer_cell]).splitlines() if l and not l.startswith("#")]
                assert lines == [f'{q.var} = ""'], lines
            if q.type == "call":
                lines = [l for l in _src(cells[q.answer_cell]).splitlines() if l and not l.startswith("#")]
                assert lines == [f'{v} = ""' for v in q.turn_vars], lines
            # the released test cell is just a comment
            if q.type != "short":
                assert all(l.startswith("#") for l in _src(cells[q.grade_cell]).splitlines() if l.strip())


def test_source_notebook_metadata_names_the_chapter():
    nb = json.loads((EXERCISES / "source" / "ch3_complaint" / "ch3_complaint.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["autograder"] == {"chapter": 3, "chapter_title": "投诉处理"}
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_instructions_tell_students_how_to_answer_check_and_submit():
    intro = _src(_cells(EXERCISES / "source" / "ch1_telephone" / "ch1_telephone.ipynb")[0])
    for words in ("怎么作答", "怎么自查", "怎么提交", "运行所有单元格", "Submit"):
        assert words in intro


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_short_answers_carry_reference_answers_inside_the_mark_scheme():
    for ch in load_bank(EXERCISES / "bank"):
        cells = {c["metadata"]["nbgrader"]["grade_id"]: _src(c) for c in build_notebook(ch)["cells"]}
        for q in ch.questions:
            if q.type != "short":
                continue
            src = cells[f"{q.id}_question"]
            begin, end = src.index("<!-- BEGIN MARK SCHEME -->"), src.index("<!-- END MARK SCHEME -->")
            for line in _lines(q.reference_answer) + _lines(q.borderline_answer):
                assert begin < src.index(line) < end, (q.id, line)
            # nothing instructor-only sits outside the region
            assert "参考答案" not in src[:begin] + src[end:]


def test_situations_and_transcripts_are_shown_before_the_stem():
    for ch in load_bank(EXERCISES / "bank"):
        cells = {c["metadata"]["nbgrader"]["grade_id"]: _src(c) for c in build_notebook(ch)["cells"]}
        for q in ch.questions:
            if not (q.type in ("single", "multiple") and q.situational):
                continue
            src = cells[f"{q.id}_question"]
            stem_at = src.index(q.text)
            if q.situation:
                assert src.index(q.situation) < stem_at
            for line in q.transcript:
                speaker, words = line[:2], line[3:].strip()
                assert f"> **{speaker}：** {words}" in src and src.index(words) < stem_at


def test_mark_scheme_delimiters_do_not_render_as_headings_and_release_drops_the_region(released_course):
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    for ch in load_bank(EXERCISES / "bank"):
        for cell in build_notebook(ch)["cells"]:
            src = _src(cell)
            if "MARK SCHEME" in src:
                html = markdown2html_mistune(src)
                assert "MARK SCHEME" not in html.replace("<!-- BEGIN MARK SCHEME -->", "").replace(
                    "<!-- END MARK SCHEME -->", "")
                assert "评分要点" in html
        released = (released_course / "release" / ch.assignment / f"{ch.notebook}.ipynb").read_text(encoding="utf-8")
        assert "MARK SCHEME" not in released and "评分要点" not in released and "参考答案" not in released
