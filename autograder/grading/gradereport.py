"""What a grading run did, as typed results: one per submitted notebook, the
folders refused, course-level errors and warnings, and the text summary
``python -m autograder grade`` prints for the instructor."""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Issue", "SubmissionResult", "Refused", "GradeReport"]


@dataclass(frozen=True, slots=True)
class Issue:
    student: str
    assignment: str
    notebook: str | None
    question: str | None  # 第N题, or None for the whole file
    message: str


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    notebook: str
    status: str  # graded | missing | unreadable
    score: float = 0.0
    max_score: float = 0.0
    outcomes: list = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Refused:
    """A folder in ``submitted/`` that was not graded and left no trace in the gradebook."""

    folder: str  # printable
    assignment: str
    reason: str


@dataclass
class GradeReport:
    """What one grading run did: each submission's result, the refused
    submissions, course-level errors and warnings, and the time it took."""
    results: list[SubmissionResult] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)  # course-level problems (nothing graded)
    warnings: list[str] = field(default_factory=list)  # course-level doubts (graded all the same)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, summed over notebooks

    @property
    def issues(self) -> list[Issue]:
        return [i for r in self.results for i in r.issues]

    def summary(self) -> str:
        """The report as text; print it through :func:`autograder.terminal.printable`."""
        graded = sum(r.status == "graded" for r in self.results)
        students = len({r.student for r in self.results})
        lines = [f"评分完成 graded: {len(self.results)} notebooks of {students} students "
                 f"in {self.seconds:.1f} s ({graded} read fully or in part)"]
        lines += [f"error: {e}" for e in self.errors]
        lines += [f"警告 warning: {w}" for w in self.warnings]
        lines += self._refused_lines() + self._issue_lines()
        from ..terminal import printable

        return printable("\n".join(lines))

    def _refused_lines(self) -> list[str]:
        if not self.refused:
            return []
        lines = [f"未评分、未写入成绩库的文件夹 folders refused, nothing written ({len(self.refused)}):"]
        for r in self.refused:
            where = f"{r.folder}/{r.assignment}" if r.assignment else r.folder
            lines.append(f"  - {where}: {r.reason}")
        return lines

    def _issue_lines(self) -> list[str]:
        by_student: dict[str, list[Issue]] = {}
        for issue in self.issues:
            by_student.setdefault(issue.student, []).append(issue)
        if not by_student:
            return ["所有提交都已完整读取 every submission was read fully."]
        lines = [f"无法完整读取的提交 submissions not read fully ({len(by_student)} students):"]
        for student in sorted(by_student):
            lines.append(f"  {student}:")
            for i in by_student[student]:
                where = f"{i.assignment}/{i.notebook or ''}".rstrip("/")
                q = f" {i.question}" if i.question else ""
                lines.append(f"    - {where}{q}: {i.message}")
        return lines
