"""The main job end to end on a simulated class (``python -m autograder demo``).

What an instructor does over a term, in one run, with the embedded SQLite
gradebook: set up the course from the kit, release the four chapters with
nbgrader, import the class roster, collect submissions (simulated: students
of different ability, with a few broken files), grade them kernel-free,
export scores and statistics, and print what a teaching office wants to know.
"""
from __future__ import annotations

import csv
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from .grading.coursedir import quiet_nbgrader_warnings

from .messages import say

__all__ = ["DemoResult", "run_demo"]


@dataclass
class DemoResult:
    out_dir: Path
    course_dir: Path
    students: int
    notebooks: int
    seconds: dict[str, float] = field(default_factory=dict)
    summary: str = ""


def _step(label: str, log) -> float:
    log(label)
    return time.perf_counter()


def run_demo(students: int = 40, out_dir: str | Path = "demo-output", seed: int = 2026,
             exercises: str | Path = "exercises", log=print) -> DemoResult:
    """The main job end to end on a simulated class of ``students``: build,
    release, simulated submissions (some deliberately broken), grade, export,
    into ``out_dir`` (its ``course/`` is replaced).  ``log`` receives the
    progress lines; the result carries the summary and the timings."""
    from .report.export import export_course
    from .grading.grader import grade_course
    from .classroom.release import new_course, release
    from .classroom.roster import import_roster
    from .classroom.simulate import make_roster, simulate_class

    out = Path(out_dir).resolve()
    course = out / "course"
    if course.exists():
        shutil.rmtree(course)  # a fresh class every run
    out.mkdir(parents=True, exist_ok=True)
    times: dict[str, float] = {}
    started = time.perf_counter()

    t = _step(f"[1/6] {say('建立课程', 'set up the course')}：{course}", log)
    new_course(course, exercises)
    times["set up"] = time.perf_counter() - t

    t = _step("[2/6] " + say("发布四章作业", "release the four chapters: nbgrader generate_assignment"), log)
    names = release(course)
    times["release"] = time.perf_counter() - t

    t = _step(f"[3/6] {say(f'导入名单，{students} 名学生', f'import the class roster, {students} students')}", log)
    roster = make_roster(students, seed)
    imported = import_roster(_write_roster(roster, out / "roster.csv"), course)
    times["roster"] = time.perf_counter() - t

    t = _step("[4/6] " + say("收作业：模拟的班级，故意放了几份坏文件",
                             "collect submissions: a simulated class, a few broken files on purpose"), log)
    simulate_class(course, seed=seed, students=roster)
    times["simulate"] = time.perf_counter() - t

    t = _step("[5/6] " + say("评分，不运行学生代码，写入 nbgrader 成绩库", "grade kernel-free into the nbgrader gradebook"), log)
    report = grade_course(course)
    (out / "grading-report.txt").write_text(report.summary() + "\n", encoding="utf-8")
    times["grade"] = time.perf_counter() - t

    t = _step("      " + say("人工评分：第一章的简答题由教师在 formgrader 里评分，其余各章仍为待人工评分",
                            "a grader marks chapter 1's short answers, as in formgrader; the other chapters stay pending"),
              log)
    marked = _mark_short_answers(course, names[0])
    times["manual grading"] = time.perf_counter() - t

    t = _step(f"[6/6] {say('导出成绩和统计', 'export scores and statistics')}：{out / 'export'}", log)
    exported = export_course(course, out / "export")
    times["export"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - started

    result = DemoResult(out, course, len(roster), len(report.results), times)
    result.summary = _summary(result, names, imported, report, exported, marked)
    log(result.summary)
    return result


def _write_roster(roster, path: Path) -> Path:
    """The simulated class as the roster file a school office hands out (UTF-8 with BOM, as Excel saves it)."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["学号", "姓名", "班级"])
        writer.writeheader()
        writer.writerows({"学号": s.id, "姓名": s.name, "班级": s.klass} for s in roster)
    return path


def _mark_short_answers(course: Path, assignment: str) -> int:
    """What a grader does in formgrader: a manual score and comment on each short answer."""
    import json

    from .grading.sourcenotebooks import load_course
    from .grading.coursedir import course_gradebook

    shorts = [q for nb in load_course(course, [assignment]) for q in nb.questions if q.type == "short"]
    marked = 0
    with quiet_nbgrader_warnings():
        with course_gradebook(course) as gb:
            for submission in gb.find_assignment(assignment).submissions:
                path = course / "autograded" / submission.student.id / assignment / f"{assignment}.ipynb"
                if not path.exists():
                    continue
                cells = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): c
                         for c in json.loads(path.read_text(encoding="utf-8"))["cells"]}
                for q in shorts:
                    cell = cells.get(q.answer_cell)
                    text = "".join(cell["source"]) if cell else ""
                    grade = gb.find_grade(q.grade_cell, q.notebook, assignment, submission.student.id)
                    if grade.auto_score is not None:  # unanswered: already 0
                        continue
                    share = 0.8 if len(text) >= 40 else 0.4 if len(text) >= 10 else 0.1
                    grade.manual_score = round(q.points * share)
                    comment = gb.find_comment(q.answer_cell, q.notebook, assignment, submission.student.id)
                    comment.manual_comment = "要点齐全，表达清楚。" if share >= 0.8 else "要点不全，请对照评分要点补充。"
                    marked += 1
            gb.db.commit()
    return marked


def _summary(result: DemoResult, names, imported, report, exported, marked: int) -> str:
    lines = ["", "=" * 72, "演示结果 demo summary", "=" * 72]
    lines.append(f"班级 class: {result.students} 名学生（名单导入：新增 {len(imported.added)}，"
                 f"跳过 {len(imported.skipped)}）；作业 assignments: {', '.join(names)}")
    lines.append(f"评分 graded: {result.notebooks} 份 notebook，用时 {result.seconds['grade']:.1f} s（不运行任何学生代码）；"
                 f"无法完整读取的提交 {len({i.student for i in report.issues})} 名学生，"
                 f"明细见 grading-report.txt")
    lines.append(f"人工评分 manual grading: 第1章简答题 {marked} 份已打分，其余各章简答题待人工评分（formgrader）")

    lines.append("")
    lines.append("各章平均分 class averages:")
    lines += [f"  {s.label:8} {s.describe()}" for s in exported.summaries]

    lines.append("")
    lines.append("最难的三道题 the three hardest questions (难度 p = 平均得分率):")
    for st in exported.hardest_items(3):
        lines.append(f"  {st.item.label:14} p = {st.p:.2f}  区分度 D = {_fmt(st.discrimination)}")

    phrases = exported.common_phrases(5)
    lines.append("")
    lines.append("最常见的禁语 the most common taboo phrases in rewrites (出现在几份答案里):")
    lines.append("  " + ("，".join(f"「{p}」{n} 份" for p, n, _ in phrases) if phrases else "（无）"))

    lines += _call_summary(exported)

    lines.append("")
    lines.append("文件 files:")
    lines.append(f"  课程目录 nbgrader course: {result.course_dir}  (cd 进去即可用 nbgrader / formgrader)")
    for name, path in exported.files.items():
        lines.append(f"  {name}: {path}")
    lines.append(f"  评分明细 grading report: {result.out_dir / 'grading-report.txt'}")
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items() if k != "total")
    lines.append(f"用时 time: {result.seconds['total']:.1f} s ({steps})")
    return "\n".join(lines)


def _call_summary(exported) -> list[str]:
    """The whole-call exercises: turn by turn how the class did, the call-level rules most often broken,
    and one student's call as the walkthrough tells it."""
    calls = [q for q in exported.table.questions if q.type == "call"]
    if not calls:
        return []
    lines = ["", "通话题 whole-call exercises (逐句得分率 = 该句平均得分，0–1):"]
    for q in calls:
        answers = [c for c in exported.calls if c.key == q.key]
        turns = exported.turn_items.get(q.key, [])
        mean = sum(c.score for c in answers) / len(answers) if answers else None
        lines.append(f"  {q.label}（{q.turns} 句，满分 {q.max_score:g}）：{len(answers)} 份作答，"
                     f"平均得分率 {_fmt(mean)}")
        if turns:
            lines.append("    逐句 " + " · ".join(f"第{n}句 {_fmt(st.p)}" for n, st in enumerate(turns, 1)))
    broken = [st for st in exported.rules if st.kind.startswith("call_")][:3]
    lines.append("  整通电话最常见的问题 call-level rules most often broken:")
    lines += ([f"    {st.rule}（{st.label or st.kind_label}）：{st.answers} 份" for st in broken] or ["    （无）"])
    flawed = sorted((c for c in exported.calls if c.score < 1 and any(line.strip() for line in c.lines)),
                    key=lambda c: (-len(c.findings), c.score, c.student))
    if flawed:  # one student's call, as the feedback walks through it
        c = flawed[0]
        scores = "、".join(f"第{n}句 {round(v * 100)}" for n, v in enumerate(c.turn_scores, 1))
        lines.append(f"  示例 example（{c.question}，学号 {c.student}，得分率 {c.score:.2f}）：逐句 {scores}")
        said = {check.question: check for check in exported.checks if check.student == c.student}
        for n, (text, score) in enumerate(zip(c.lines, c.turn_scores), 1):
            if score >= 1:
                continue
            check = said.get(f"{c.question}·第{n}句")
            why = check.findings[0][2] if check and check.findings else "没有作答，本句得 0 分。"
            quote = text.strip() if len(text.strip()) <= 30 else text.strip()[:30] + "…"
            lines.append(f"    第{n}句「{quote}」：{why}")
        lines += [f"    整通电话：{_at_turn(t, m)}{m}" for _rule, _level, m, t in c.findings]
    from .terminal import printable

    return [printable(line) for line in lines]  # messages quote what students wrote


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _at_turn(turn: int | None, message: str) -> str:
    """``第N句：`` before a call-level finding, unless its message already names that turn."""
    return f"第{turn}句：" if turn and f"第{turn}句" not in message else ""
