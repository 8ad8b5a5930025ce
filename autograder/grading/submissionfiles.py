"""The files of a course's ``submitted/`` and ``autograded/`` folders, as the grader touches them.

Everything under ``submitted/`` is a student's: no symlink is followed and
only regular files are read (:mod:`autograder.grading.safefiles`), within the
size limits of :class:`autograder.grading.limits.SubmissionLimits`.  A folder
whose name is not a safe student id, or not on the roster when there is one
(:mod:`autograder.grading.studentids`), is refused.  What cannot be read
raises :class:`Ungradable` (the whole submission) or :class:`Unreadable`
(one notebook), with the reason in Chinese for the instructor and student.
"""
from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

from .gradereport import Refused

__all__ = ["SubmissionFiles", "Ungradable", "Unreadable"]


class Ungradable(RuntimeError):
    """The whole submission cannot be graded; the message (Chinese) says why."""


class Unreadable(RuntimeError):
    """One notebook file cannot be read; the message (Chinese) says why."""


class SubmissionFiles:
    """Finds, reads and copies the submitted files of one nbgrader course directory."""

    def __init__(self, coursedir, limits, delimiters, permissions: int = 0o444):
        self.coursedir = coursedir  # nbgrader's CourseDirectory
        self.limits = limits  # SubmissionLimits
        self.delimiters = delimiters  # keycopy.Delimiters
        self.permissions = permissions
        self._solutions: dict[tuple[str, str], dict[str, str]] = {}

    def path(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(step, student, assignment))

    def source(self, assignment: str) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment))

    def release(self, assignment: str) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.release_directory, ".", assignment))

    @property
    def submitted_root(self) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.submitted_directory, ".", ".")).resolve()

    # ------------------------------------------------------------------ discovery

    def submitted_assignments(self) -> set[str]:
        root = Path(self.coursedir.format_path(self.coursedir.submitted_directory, ".", "."))
        if not root.is_dir():
            return set()
        return {a.name for s in root.iterdir() if s.is_dir() and not s.is_symlink()
                for a in s.iterdir() if a.is_dir() and not a.is_symlink()}

    def submissions(self, assignment: str, roster: set[str] | None = None) -> tuple[list[str], list[Refused]]:
        """(folders to grade, folders refused) for ``assignment``; no link is followed."""
        from .safefiles import kind
        from .studentids import id_problem, shown

        root = self.submitted_root
        if kind(root) != "dir" and not root.is_dir():
            return [], []
        found, refused = [], []
        for name in sorted(os.listdir(root)):
            top = kind(root / name)
            if top == "symlink":
                if kind(os.path.join(root, name, assignment)) != "missing":  # only to say what it is
                    refused.append(Refused(shown(name), assignment, "学生文件夹是符号链接（快捷方式），不跟随、不评分"))
                continue
            if top != "dir" or kind(root / name / assignment) == "missing":
                continue
            problem = id_problem(name)
            if problem is None and roster is not None and name not in roster:
                problem = "不在名单中（成绩库里没有这个学号）：请先导入名单或核对文件夹名"
            if problem:
                refused.append(Refused(shown(name), assignment, problem))
            else:
                found.append(name)
        return found, refused

    # ------------------------------------------------------------------ reading

    def timestamp(self, student: str, assignment: str):
        """The submission time from timestamp.txt, None without one; :class:`Ungradable` when it is not a time."""
        from .safefiles import UnsafeFile, read_regular

        parts = (student, assignment, "timestamp.txt")
        try:
            data = read_regular(self.submitted_root, parts, self.limits.max_timestamp_bytes)
        except FileNotFoundError:
            return None
        except UnsafeFile as exc:
            raise Ungradable(f"timestamp.txt {exc.reason}：提交时间不明，无法判断是否迟交") from None
        try:
            text = data.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise Ungradable("timestamp.txt 不是文字：提交时间不明，无法判断是否迟交；"
                             "请核对后改正 timestamp.txt 再重新评分") from None
        if not text:
            return None  # as nbgrader: an empty file is no timestamp
        from nbgrader.utils import parse_utc

        try:
            return parse_utc(text)
        except Exception:
            from .studentids import shown

            raise Ungradable(f"timestamp.txt 的内容“{shown(text[:40])}”不是时间：提交时间不明，无法判断是否迟交；"
                             "请核对后改正 timestamp.txt 再重新评分（nbgrader autograde 也拒绝评分）") from None

    def read_notebook(self, student: str, assignment: str, notebook: str):
        """The submitted notebook as nbformat reads it; raises :class:`Unreadable` with the reason."""
        import nbformat
        from nbformat.warnings import MissingIDFieldWarning

        from .keycopy import key_copy_problem
        from .safefiles import UnsafeFile, decode_text, read_regular

        try:
            data = read_regular(self.submitted_root, (student, assignment, f"{notebook}.ipynb"),
                                self.limits.max_notebook_bytes)
        except UnsafeFile as exc:
            raise Unreadable(f"{notebook}.ipynb {exc.reason}，拒绝读取") from None
        try:
            raw, _ = decode_text(data)
            with warnings.catch_warnings():  # a student's file without cell ids (older Jupyter): nbformat adds them
                warnings.filterwarnings("ignore", category=MissingIDFieldWarning)
                nb = nbformat.reads(raw, as_version=4)
        except Exception as exc:
            raise Unreadable(f"文件无法打开（不是有效的 notebook：{exc_kind(exc)}）") from None
        problem = key_copy_problem(list(nb.get("cells", [])), self.delimiters, self._solutions_of(assignment, notebook))
        if problem:
            raise Unreadable(f"这不是学生自己的作答：文件{problem}，看起来是老师的源文件（答案），已拒绝")
        return nb

    def _solutions_of(self, assignment: str, notebook: str) -> dict[str, str]:
        from .keycopy import source_solutions

        key = (assignment, notebook)
        if key not in self._solutions:
            self._solutions[key] = source_solutions(self.source(assignment) / f"{notebook}.ipynb", self.delimiters)
        return self._solutions[key]

    # ------------------------------------------------------------------ autograded/

    def prepare_destination(self, student: str, assignment: str, dest: Path) -> str | None:
        """Rebuild ``dest``: the student's regular extra files, then the source's own files.

        Returns a note on the student's files that were not copied (links, special files), or None.
        """
        from nbgrader.utils import rmtree

        from .studentids import shown

        if dest.exists():
            rmtree(str(dest))  # re-grading: the gradebook keeps manual grades; files are rebuilt
        dest.mkdir(parents=True)
        ignore = list(self.coursedir.ignore) + ["*.ipynb"]
        skipped = self._copy_student_files(student, assignment, dest, ignore)
        self._copy_source_files(assignment, dest, ignore)
        if not skipped:
            return None
        names = "、".join(shown(n) for n in skipped[:5]) + (" 等" if len(skipped) > 5 else "")
        return f"这些附带文件是符号链接、特殊文件或太大，未复制：{names}"

    def _copy_student_files(self, student: str, assignment: str, dest: Path, ignore: list[str]) -> list[str]:
        """Copy the student's regular files into ``dest``; the names of those skipped."""
        from nbgrader.utils import is_ignored

        from .safefiles import UnsafeFile, copy_regular, kind

        root = self.submitted_root
        base = root / student / assignment
        limit = int(self.coursedir.max_file_size * 1000) if self.coursedir.max_file_size else 100_000_000
        skipped = []
        for dirname, dirnames, filenames in os.walk(base):  # os.walk does not descend into linked folders
            rel = Path(dirname).relative_to(base)
            if is_ignored(dirname, ignore) and dirname != str(base):
                dirnames[:] = []
                continue
            for d in list(dirnames):
                if kind(Path(dirname, d)) != "dir":
                    skipped.append(str(rel / d))
                    dirnames.remove(d)
            for filename in filenames:
                full = os.path.join(dirname, filename)
                if is_ignored(full, ignore):
                    continue
                parts = (student, assignment) + (rel / filename).parts
                try:
                    copy_regular(root, parts, dest / rel / filename, limit)
                except (UnsafeFile, OSError):
                    skipped.append(str(rel / filename))
        return skipped

    def _copy_source_files(self, assignment: str, dest: Path, ignore: list[str]) -> None:
        from nbgrader.utils import find_all_files

        source = self.source(assignment)
        for filename in find_all_files(str(source), ignore):  # the instructor's files win
            target = dest / os.path.relpath(filename, source)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()
            shutil.copy(filename, target)

    def set_permissions(self, dest: Path) -> None:
        for dirname, _, filenames in os.walk(dest):
            for filename in filenames:
                os.chmod(os.path.join(dirname, filename), self.permissions)


def exc_kind(exc: Exception) -> str:
    """The exception's type only: its text may quote the file (a symlinked /etc/passwd, say)."""
    return type(exc).__name__


def short(exc: Exception, limit: int = 80) -> str:
    """The exception's text on one line, cut to ``limit`` characters."""
    text = str(exc).replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"
