"""nbgrader preprocessors of the kit (one class per module, like nbgrader's own)."""
from .checkmetadata import CheckMetadata
from .dropemptymetadata import DropEmptyMetadata
from .feedbackanswers import FeedbackAnswers
from .feedbackquestions import FeedbackQuestions
from .kernelfreegrade import KernelFreeGrade
from .recordgrades import RecordGrades
from .recordlatepenalties import RecordLatePenalties
from .restorecells import RestoreCells
from .rescorekitquestions import RescoreKitQuestions
from .restorekernelspec import RestoreKernelspec
from .sanitizestudenthtml import SanitizeStudentHtml

__all__ = ["KernelFreeGrade", "CheckMetadata", "FeedbackAnswers", "FeedbackQuestions", "DropEmptyMetadata", "RestoreCells", "RecordGrades",
           "RecordLatePenalties", "RestoreKernelspec", "RescoreKitQuestions", "SanitizeStudentHtml"]
