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
        """The report as text, in the instructor form 中文（English） (:mod:`autograder.messages`);
        control characters a student put in a name are escaped (:func:`autograder.terminal.printable`)."""
        from ..messages import error_line, say
        from ..terminal import printable

        n, graded = len(self.results), sum(r.status == "graded" for r in self.results)
        students = len({r.student for r in self.results})
        lines = [say(f"评分完成，{students} 名学生的 {n} 份 notebook，{graded} 份全部或部分读取",
                     f"graded {n} notebooks of {students} students, {graded} read fully or in part")
                 + f"：{self.seconds:.1f} s"]
        lines += [error_line(e) for e in self.errors]
        lines += [f"{say('警告', 'warning')}：{w}" for w in self.warnings]
        lines += self._refused_lines() + self._issue_lines()
        return printable("\n".join(lines))

    def _refused_lines(self) -> list[str]:
        from ..messages import say

        if not self.refused:
            return []
        n = len(self.refused)
        lines = [say(f"未评分、未写入成绩库的文件夹，共 {n} 个", f"folders refused, nothing written: {n}") + "："]
        for r in self.refused:
            where = f"{r.folder}/{r.assignment}" if r.assignment else r.folder
            lines.append(f"  - {where}：{r.reason}")
        return lines

    def _issue_lines(self) -> list[str]:
        from ..messages import say

        by_student: dict[str, list[Issue]] = {}
        for issue in self.issues:
            by_student.setdefault(issue.student, []).append(issue)
        if not by_student:
            return [say("所有提交都已完整读取", "every submission was read fully")]
        n = len(by_student)
        lines = [say(f"未能完整读取的提交，共 {n} 名学生", f"submissions not read fully, students: {n}") + "："]
        for student in sorted(by_student):
            lines.append(f"  {student}：")
            for i in by_student[student]:
                where = f"{i.assignment}/{i.notebook or ''}".rstrip("/")
                q = f" {i.question}" if i.question else ""
                lines.append(f"    - {where}{q}：{i.message}")
        return lines
