"""The kit grader's preprocessors come from the course config, through one mapping."""
from __future__ import annotations

import json

import nbformat
from traitlets.config import Config

from autograder.questionbank.load import load_bank
from autograder.cli import main
from autograder.grading.coursedir import load_config
from autograder.grading.grader import Grader
from autograder.grading.pipeline import configured_classes, kit_classes

from helpers import EXERCISES, fill, key_answers, release_notebook, scores, submit

CH1 = "ch1_telephone"
KIT_SANITIZE = ["ClearOutput", "DeduplicateIds", "DropEmptyMetadata", "SharedOverwriteKernelspec",
                "SharedOverwriteCells", "CheckMetadata"]
KIT_AUTOGRADE = ["KernelFreeGrade", "IgnorePattern", "ClearMetadataPreprocessor", "LimitOutput",
                 "SharedSaveAutoGrades", "SharedAssignLatePenalties", "CheckMetadata", "SanitizeStudentHtml"]


def _names(classes) -> list[str]:
    return [c.__name__ for c in classes]


def _kit(config) -> tuple[list[str], list[str]]:
    sanitize, autograde = kit_classes(*configured_classes(config))
    return _names(sanitize), _names(autograde)


def test_the_kit_course_config_gives_the_shared_session_pipeline():
    assert _kit(load_config(EXERCISES)) == (KIT_SANITIZE, KIT_AUTOGRADE)


def test_kernel_mode_config_still_grades_kernel_free(monkeypatch):
    monkeypatch.setenv("AUTOGRADER_EXECUTE", "1")
    configured = configured_classes(load_config(EXERCISES))[1]
    assert _names(configured)[:2] == ["Execute", "RescoreKitQuestions"]
    assert _kit(load_config(EXERCISES))[1] == KIT_AUTOGRADE


def test_nbgrader_defaults_get_the_kit_guarantees():
    """A course config that sets no list: nbgrader's own defaults, mapped, plus the kit's fixes."""
    assert _kit(Config()) == (KIT_SANITIZE, KIT_AUTOGRADE)


def test_the_sanitiser_runs_last_wherever_the_config_puts_it():
    config = Config()
    config.Autograde.autograde_preprocessors = ["autograder.preprocessors.SanitizeStudentHtml",
                                                "nbgrader.preprocessors.SaveAutoGrades"]
    assert _kit(config)[1] == ["KernelFreeGrade", "SharedSaveAutoGrades", "SanitizeStudentHtml"]


def test_the_old_names_in_a_config_are_the_shared_classes():
    config = Config()
    config.Autograde.sanitize_preprocessors = ["autograder.preprocessors.RestoreKernelspec",
                                               "autograder.preprocessors.RestoreCells"]
    config.Autograde.autograde_preprocessors = ["autograder.preprocessors.RecordGrades",
                                                "autograder.preprocessors.RecordLatePenalties"]
    assert _kit(config) == (["SharedOverwriteKernelspec", "SharedOverwriteCells"],
                            ["KernelFreeGrade", "SharedSaveAutoGrades", "SharedAssignLatePenalties",
                             "SanitizeStudentHtml"])


def test_a_preprocessor_added_in_the_course_config_runs_in_autograder_grade(course, capsys):
    """The instructor adds nbconvert's TagRemovePreprocessor to the list: ``grade`` runs it too."""
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write("\nc.Autograde.autograde_preprocessors.insert(-1, 'nbconvert.preprocessors.TagRemovePreprocessor')\n"
                "c.TagRemovePreprocessor.enabled = True\n"
                "c.TagRemovePreprocessor.remove_cell_tags = {'scratch'}\n")
    assert "TagRemovePreprocessor" in [type(p).__name__ for p in Grader(course).autograde]
    nb = fill(release_notebook(course, CH1), key_answers(CH1))
    nb["cells"].append({"cell_type": "markdown", "metadata": {"tags": ["scratch"]}, "source": "草稿：不要评分"})
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "留着的笔记"})
    submit(course, "s1", CH1, nb)
    assert main(["grade", "--course", str(course), CH1, "--quiet"]) == 0
    graded = nbformat.read(course / "autograded" / "s1" / CH1 / f"{CH1}.ipynb", as_version=4)
    text = json.dumps([c.source for c in graded.cells], ensure_ascii=False)
    assert "草稿：不要评分" not in text and "留着的笔记" in text
    got = scores(course, "s1", CH1)
    ch = next(c for c in load_bank(EXERCISES / "bank") if c.assignment == CH1)
    assert all(got[q.grade_cell][0] == q.points for q in ch.questions if q.type != "short")
