"""nbgrader preprocessors of the kit (one class per module, like nbgrader's own).

``Shared<Parent>`` classes are nbgrader's own preprocessors on the grading
run's shared gradebook (:mod:`autograder.grading.session`); course configs
made by older kits name them by their old names, kept here as aliases.
"""
from .checkmetadata import CheckMetadata
from .dropemptymetadata import DropEmptyMetadata
from .feedbackanswers import FeedbackAnswers
from .feedbackquestions import FeedbackQuestions
from .kernelfreegrade import KernelFreeGrade
from .rescorekitquestions import RescoreKitQuestions
from .sanitizestudenthtml import SanitizeStudentHtml
from .sharedassignlatepenalties import SharedAssignLatePenalties
from .sharedoverwritecells import SharedOverwriteCells
from .sharedoverwritekernelspec import SharedOverwriteKernelspec
from .sharedsaveautogrades import SharedSaveAutoGrades

# Old names (released course configs and notebooks name them): the same classes.
RecordGrades = SharedSaveAutoGrades
RecordLatePenalties = SharedAssignLatePenalties
RestoreCells = SharedOverwriteCells
RestoreKernelspec = SharedOverwriteKernelspec

__all__ = ["KernelFreeGrade", "CheckMetadata", "FeedbackAnswers", "FeedbackQuestions", "DropEmptyMetadata",
           "SharedOverwriteCells", "SharedSaveAutoGrades", "SharedAssignLatePenalties", "SharedOverwriteKernelspec",
           "RescoreKitQuestions", "SanitizeStudentHtml",
           "RecordGrades", "RecordLatePenalties", "RestoreCells", "RestoreKernelspec"]
