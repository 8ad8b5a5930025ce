"""Import paths that released, submitted or copied notebooks and course configs embed.

A notebook a student downloaded last month, a chapter notebook copied into a
class folder, or a course's ``nbgrader_config.py`` made with an older kit
names these paths; they must keep importing and grading after the package
moved into stage sub-packages.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# (module, attribute) as the notebooks and configs write them
OLD_PATHS = [
    ("autograder", "check"),
    ("autograder", "check_call"),
    ("autograder", "scores"),
    ("autograder", "charts"),
    ("autograder.autotest", "run_test"),
    ("autograder.autotest", "grade_question"),
    ("autograder.autotest", "Outcome"),
    ("autograder.selfcheck", "self_check"),
    ("autograder.widgets", "load_practice"),
    ("autograder.printables", "show_reference"),
    ("autograder.printables", "show_roleplay"),
    ("autograder.printables", "show_scripts"),
    ("autograder.fonts", "use_chinese_font"),
    ("autograder.tables", "question_scores"),
    ("autograder.tables", "rule_findings"),
    ("autograder.feedbackexporter", "FeedbackExporter"),
    ("autograder.structure", "GuardedGenerateExporter"),
    ("autograder.releasefeedback", "SafeReleaseFeedback"),
]
OLD_CONFIG = ROOT / "tests" / "data" / "old_paths" / "nbgrader_config.py"


@pytest.mark.cli  # a fresh interpreter
def test_old_paths_import_in_a_fresh_interpreter():
    # exactly the statements notebooks and configs run, each on its own
    lines = [f"try:\n    from {m} import {n}\nexcept Exception as e:\n    print('{m}.{n}', repr(e))" for m, n in OLD_PATHS]
    done = subprocess.run([sys.executable, "-c", "\n".join(lines)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


def test_charts_module_keeps_its_functions():
    from autograder import charts
    from autograder.teaching import charts as new

    assert charts is new and callable(charts.use_chinese_font)


def _config_classes(path: Path) -> list[str]:
    """Every dotted ``autograder.…`` class name a course config assigns."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("autograder."):
            names.append(node.value)
    return names


@pytest.mark.parametrize("config", [OLD_CONFIG, ROOT / "exercises" / "nbgrader_config.py"],
                         ids=["config-of-an-older-kit", "config-of-this-kit"])
def test_every_class_a_course_config_names_imports(config):
    from traitlets.utils.importstring import import_item  # what nbgrader uses to load them

    names = _config_classes(config)
    assert len(names) >= 10, names
    for dotted in names:
        assert isinstance(import_item(dotted), type), dotted


def test_an_old_config_names_every_preprocessor_of_the_package():
    import autograder.preprocessors as pps

    named = {n.rsplit(".", 1)[1] for n in _config_classes(OLD_CONFIG) if n.startswith("autograder.preprocessors.")}
    exported = {n for n in dir(pps) if isinstance(getattr(pps, n), type)}
    assert named <= exported and {"KernelFreeGrade", "RecordGrades", "RestoreCells"} <= exported


def _in_a_shell(cells: list[str]) -> str:
    """Run cells in a real IPython shell (raw input history, as in a kernel); the last cell's output."""
    code = (
        "import sys, json\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from IPython.utils.capture import capture_output\n"
        "shell = InteractiveShell.instance()\n"
        f"cells = {cells!r}\n"
        "for cell in cells[:-1]:\n"
        "    shell.run_cell(cell, store_history=True)\n"
        "with capture_output() as out:\n"
        "    result = shell.run_cell(cells[-1], store_history=True)\n"
        "result.raise_error()\n"
        "print(json.dumps({'stdout': out.stdout, 'stderr': out.stderr, 'html': [o.data.get('text/html', '') "
        "for o in out.outputs], 'value': repr(result.result)}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


SPEC = {"qid": "q1", "type": "single", "var": "第1题", "points": 2.0, "options": "ABCD", "key": "C",
        "explanation": "C 是对的。"}


@pytest.mark.cli  # a fresh interpreter
def test_run_test_from_the_old_path_grades_a_downloaded_notebook():
    import json

    hidden = f"from autograder.autotest import run_test\nrun_test({SPEC!r})"
    right = json.loads(_in_a_shell(['第1题 = "c"', hidden]))
    wrong = json.loads(_in_a_shell(['第1题 = "A"', hidden]))
    assert right["value"] == "None" and right["stderr"] == "" and right["stdout"]  # full marks: no number
    assert wrong["stderr"].strip() and wrong["stdout"] == "" and wrong["value"] == "None"  # zero: an error


@pytest.mark.cli  # a fresh interpreter
def test_self_check_from_the_old_path_reads_the_answers():
    import json

    public = {"第1题": {"type": "single", "options": "ABCD"}}
    cell = f"from autograder.selfcheck import self_check\nself_check({public!r})"
    good = json.loads(_in_a_shell(['第1题 = "b"', cell]))
    bad = json.loads(_in_a_shell(['第1题 = "Z"', cell]))
    assert "已读取：B" in "".join(good["html"])
    assert "不是本题的选项" in "".join(bad["html"]) or "只能" in "".join(bad["html"])
