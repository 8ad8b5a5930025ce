"""The kit grader's preprocessors, read from the course config as ``nbgrader autograde`` reads them.

``Autograde.sanitize_preprocessors`` and ``Autograde.autograde_preprocessors``
(nbgrader's defaults when the config does not set them) are taken as they
are, except for the classes in :data:`IN_PLACE_OF`: those become the kit's
shared-session subclasses (one gradebook for the whole run), ``Execute``
becomes ``KernelFreeGrade`` (no student code runs), and
``RescoreKitQuestions`` goes (``KernelFreeGrade`` already scored every bank
question outside any kernel).  Whatever a config lists, the kit's guarantees
hold: ``DropEmptyMetadata`` follows ``DeduplicateIds``, ``KernelFreeGrade``
grades, and ``SanitizeStudentHtml`` runs last.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Pipeline", "IN_PLACE_OF", "configured_classes", "kit_classes", "build_pipeline"]

# nbgrader's class (dotted path) -> the class the kit's grader runs instead (None: not run).
IN_PLACE_OF: dict[str, str | None] = {
    "nbgrader.preprocessors.OverwriteKernelspec": "autograder.preprocessors.SharedOverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells": "autograder.preprocessors.SharedOverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata": "autograder.preprocessors.CheckMetadata",
    "nbgrader.preprocessors.Execute": "autograder.preprocessors.KernelFreeGrade",
    "nbgrader.preprocessors.SaveAutoGrades": "autograder.preprocessors.SharedSaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties": "autograder.preprocessors.SharedAssignLatePenalties",
    "autograder.preprocessors.RescoreKitQuestions": None,
}


@dataclass
class Pipeline:
    """The preprocessor instances of the two passes, in order."""

    sanitize: list
    autograde: list


def _cls(item):
    from traitlets.utils.importstring import import_item

    return import_item(item) if isinstance(item, str) else item


def configured_classes(config) -> tuple[list[type], list[type]]:
    """(sanitize, autograde) classes as ``nbgrader autograde`` would run them for ``config``."""
    from nbgrader.converters.autograde import Autograde

    lists = []
    for trait in ("sanitize_preprocessors", "autograde_preprocessors"):
        items = config.Autograde[trait] if trait in config.Autograde else Autograde.class_traits()[trait].default()
        lists.append([_cls(item) for item in items])
    return lists[0], lists[1]


def kit_classes(sanitize: list[type], autograde: list[type]) -> tuple[list[type], list[type]]:
    """The configured classes with :data:`IN_PLACE_OF` applied and the kit's guarantees added."""
    from ..preprocessors import DropEmptyMetadata, KernelFreeGrade, SanitizeStudentHtml
    from nbgrader.preprocessors import DeduplicateIds

    in_place = {_cls(k): (_cls(v) if v else None) for k, v in IN_PLACE_OF.items()}

    def mapped(classes: list[type]) -> list[type]:
        out = [in_place.get(c, c) for c in classes]
        return [c for c in out if c is not None]

    sanitize, autograde = mapped(sanitize), mapped(autograde)
    if DeduplicateIds in sanitize and DropEmptyMetadata not in sanitize:
        sanitize.insert(sanitize.index(DeduplicateIds) + 1, DropEmptyMetadata)
    if KernelFreeGrade not in autograde:
        autograde.insert(0, KernelFreeGrade)
    autograde = [c for c in autograde if c is not SanitizeStudentHtml] + [SanitizeStudentHtml]
    return sanitize, autograde


def build_pipeline(config, log) -> Pipeline:
    """Instances of the kit's preprocessors for ``config``, each configured by it and logging to ``log``."""
    def make(cls):
        pp = cls(config=config)
        pp.log = log
        return pp

    sanitize, autograde = kit_classes(*configured_classes(config))
    return Pipeline([make(c) for c in sanitize], [make(c) for c in autograde])
