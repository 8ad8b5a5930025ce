"""Export: scores.csv / scores.xlsx / charts from a graded simulated class, checked cell by cell."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import copy_course

from autograder.teaching.fonts import glyph_problems
from autograder.report.table import ANSWER_UNREADABLE, FILE_UNREADABLE, GRADED, MISSING, PENDING, STATUSES, UNREADABLE, neutralise
from autograder.report.export import ExportError, export_course, read_scores, write_csv
from autograder.grading.coursedir import quiet_nbgrader_warnings

ROOT = Path(__file__).resolve().parents[1]
NOBODY = "2099001"  # on the roster, submitted nothing
FORMULA_NAME = '=HYPERLINK("http://example.invalid","点我")'
FORMULA_ANSWER = "=1+1"


@dataclass
class Exported:
    course: Path
    out: Path
    result: object
    chapters: list  # autograder.report.table.Chapter
    formula_student: str  # name starts with "="
    planted_student: str  # a rewrite answer "=1+1" in chapter 1
    unreadable_student: str  # chapter 2 notebook is not JSON
    missing_student: str  # chapter 3 notebook deleted
    bad_letter_student: str  # chapter 1: one single choice answered with a letter that is not an option
    glyph_messages: list[str]
    students: list[str]


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def _gradebook(course: Path):
    from autograder.grading.coursedir import course_gradebook

    return course_gradebook(course)


@pytest.fixture(scope="module")
def exported(graded_class, tmp_path_factory) -> Exported:
    from autograder.grading.sourcenotebooks import load_course
    from autograder.grading.grader import grade_course
    from autograder.classroom.roster import import_roster

    src, sim, _ = graded_class
    base = tmp_path_factory.mktemp("export")
    course = base / "course"
    copy_course(src, course)
    notebooks = load_course(course)
    assignments = sorted({nb.assignment for nb in notebooks})
    clean = [s for s in sim.students if not any((s.id, a) in sim.problems for a in assignments)]
    formula, planted, unreadable, missing, bad_letter = (s.id for s in clean[:5])

    # the roster: everyone simulated, one name that looks like a formula, one student who submitted nothing
    roster = base / "roster.csv"
    with roster.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["学号", "姓名", "班级"])
        for s in sim.students:
            w.writerow([s.id, FORMULA_NAME if s.id == formula else s.name, s.klass])
        w.writerow([NOBODY, "缺交生", "客服2402班"])
    assert not import_roster(roster, course).skipped

    by_chapter = sorted(notebooks, key=lambda nb: nb.chapter)
    ch1, ch2, ch3 = by_chapter[:3]
    q = next(q for q in ch1.questions if q.type == "rewrite")
    path = course / "submitted" / planted / ch1.assignment / f"{ch1.notebook}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == q.answer_cell:
            cell["source"] = f'{q.var} = "{FORMULA_ANSWER}"'
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    single = next(q for q in ch1.questions if q.type == "single")
    path = course / "submitted" / bad_letter / ch1.assignment / f"{ch1.notebook}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == single.answer_cell:
            cell["source"] = f'{single.var} = "Z"'
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    (course / "submitted" / unreadable / ch2.assignment / f"{ch2.notebook}.ipynb").write_text(
        '{"cells": [ 这不是 JSON', encoding="utf-8")
    (course / "submitted" / missing / ch3.assignment / f"{ch3.notebook}.ipynb").unlink()
    grade_course(course, [ch1.assignment, ch2.assignment, ch3.assignment], progress=False)

    with glyph_problems() as glyphs:
        result = export_course(course, base / "out")
    return Exported(course, base / "out", result, result.table.chapters, formula, planted, unreadable, missing,
                    bad_letter, glyphs, [s.id for s in sim.students] + [NOBODY])


def _row(rows, sid):
    return next(r for r in rows if r[0] == sid)


def _chapter_cells(header, row, chapter):
    """(question cells, total, status) of one chapter in a CSV row."""
    qcols = [header.index(q.label) for q in chapter.questions]
    return ([row[i] for i in qcols], row[header.index(f"{chapter.title}·合计")],
            row[header.index(f"{chapter.title}·状态")])


def test_csv_is_utf8_with_bom_and_clear_headers(exported: Exported):
    raw = (exported.out / "scores.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    header, _ = _read_csv(exported.out / "scores.csv")
    assert header[:3] == ["学号", "姓名", "班级"]
    assert header[-1] == "总分"
    for ch in exported.chapters:
        assert f"{ch.title}·合计" in header and f"{ch.title}·状态" in header
        for q in ch.questions:
            assert q.label == f"{ch.title}·{q.var}" and q.label in header
    assert len(header) == len(set(header))


def test_one_row_per_roster_student_in_a_deterministic_order(exported: Exported):
    header, rows = _read_csv(exported.out / "scores.csv")
    ids = [r[0] for r in rows]
    assert sorted(ids) == sorted(exported.students) and len(ids) == len(set(ids))
    assert all(len(r) == len(header) for r in rows)
    again = exported.out / "again.csv"
    write_csv(read_scores(exported.course), again)
    assert again.read_bytes() == (exported.out / "scores.csv").read_bytes()


def test_student_who_submitted_nothing_has_empty_cells_not_zeros(exported: Exported):
    header, rows = _read_csv(exported.out / "scores.csv")
    row = _row(rows, NOBODY)
    assert row[1] == "缺交生" and row[2] == "客服2402班"
    for ch in exported.chapters:
        cells, total, status = _chapter_cells(header, row, ch)
        assert status == MISSING
        assert cells == [""] * len(cells) and total == ""
    assert row[-1] == ""


def test_missing_notebook_is_not_a_zero(exported: Exported):
    header, rows = _read_csv(exported.out / "scores.csv")
    row = _row(rows, exported.missing_student)
    cells, total, status = _chapter_cells(header, row, exported.chapters[2])
    assert status == MISSING and set(cells) == {""} and total == ""
    other, other_total, _ = _chapter_cells(header, row, exported.chapters[0])
    assert other_total != "" and any(c != "" for c in other)


def test_unreadable_submission_is_marked_and_scores_zero(exported: Exported):
    header, rows = _read_csv(exported.out / "scores.csv")
    cells, total, status = _chapter_cells(header, _row(rows, exported.unreadable_student), exported.chapters[1])
    assert status == UNREADABLE
    assert set(cells) == {"0"} and total == "0"


def test_statuses_are_the_known_words(exported: Exported):
    header, rows = _read_csv(exported.out / "scores.csv")
    cols = [i for i, h in enumerate(header) if h.endswith("·状态")]
    seen = {word for r in rows for i in cols for word in r[i].split("、")}
    assert seen <= set(STATUSES)
    assert {MISSING, FILE_UNREADABLE, ANSWER_UNREADABLE, PENDING} <= seen


def test_one_bad_letter_is_not_an_unreadable_file_and_keeps_the_pending_short_answer(exported: Exported):
    """One letter that is not an option: that answer scores 0, the rest count, the short answer still waits."""
    header, rows = _read_csv(exported.out / "scores.csv")
    ch1 = exported.chapters[0]
    cells, total, status = _chapter_cells(header, _row(rows, exported.bad_letter_student), ch1)
    assert status == f"{ANSWER_UNREADABLE}、{PENDING}"
    assert FILE_UNREADABLE not in status
    assert _num(total) > 0 and "" in cells  # other answers scored; the short answer's cell stays empty
    single = next(q for q in ch1.questions if q.type == "single")  # the one answered "Z"
    assert cells[ch1.questions.index(single)] == "0"
    _, _, whole = _chapter_cells(header, _row(rows, exported.unreadable_student), exported.chapters[1])
    assert whole == FILE_UNREADABLE

    from openpyxl import load_workbook

    ws = load_workbook(exported.out / "scores.xlsx")["需关注"]
    listed = [(r[3], r[4]) for r in ([c.value for c in row] for row in ws.iter_rows(min_row=2))
              if r[0] == exported.bad_letter_student and r[2] == ch1.label]
    assert any(status == ANSWER_UNREADABLE for _, status in listed)
    assert any(status == PENDING for _, status in listed)
    assert not any(q == "（整份）" for q, _ in listed)


def test_status_words_are_counted_apart(exported: Exported):
    from openpyxl import load_workbook

    ws = load_workbook(exported.out / "scores.xlsx")["成绩统计"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    at = next(i for i, r in enumerate(values) if r[0] and str(r[0]).startswith("各章提交状态"))
    head = values[at + 1]
    assert {FILE_UNREADABLE, ANSWER_UNREADABLE, PENDING} <= set(head)
    ch1 = dict(zip(head, values[at + 2]))
    assert ch1[ANSWER_UNREADABLE] >= 1 and ch1[PENDING] >= ch1[ANSWER_UNREADABLE]
    ch2 = dict(zip(head, values[at + 3]))
    assert ch2[FILE_UNREADABLE] >= 1


def _num(text: str) -> float:
    return float(text) if text else 0.0


def test_totals_add_up_and_match_nbgrader(exported: Exported):
    header, rows = _read_csv(exported.out / "scores.csv")
    with quiet_nbgrader_warnings():
        with _gradebook(exported.course) as gb:
            for row in rows:
                chapter_totals = []
                for ch in exported.chapters:
                    cells, total, status = _chapter_cells(header, row, ch)
                    if status == MISSING:
                        continue
                    assert _num(total) == pytest.approx(sum(_num(c) for c in cells), abs=0.011)
                    assert _num(total) == pytest.approx(gb.find_submission(ch.assignment, row[0]).score, abs=0.011)
                    chapter_totals.append(_num(total))
                if chapter_totals:
                    assert _num(row[-1]) == pytest.approx(sum(chapter_totals), abs=0.011)


def test_short_answer_waits_for_a_manual_score(exported: Exported, tmp_path: Path):
    course = tmp_path / "course"
    copy_course(exported.course, course)
    table = read_scores(course)
    student, chapter = next((s, ch) for s in table.students for ch in table.chapters
                            if s.chapters[ch.assignment].status == PENDING)
    short = next(q for q in chapter.questions if q.type == "short")
    before = student.chapters[chapter.assignment]
    assert before.marks[short.key].score is None and before.marks[short.key].state == "pending"

    with quiet_nbgrader_warnings():
        with _gradebook(course) as gb:  # what formgrader does when a grader enters a score
            grade = gb.find_grade(short.grade_cell, short.notebook, chapter.assignment, student.id)
            grade.manual_score = 3.5
            grade.needs_manual_grade = False
            gb.db.commit()
    write_csv(read_scores(course), tmp_path / "scores.csv")
    header, rows = _read_csv(tmp_path / "scores.csv")
    row = _row(rows, student.id)
    cells, total, status = _chapter_cells(header, row, chapter)
    assert status == GRADED
    assert row[header.index(short.label)] == "3.5"
    assert _num(total) == pytest.approx(before.total + 3.5, abs=0.011)


def test_formula_text_is_neutralised_in_csv_and_xlsx(exported: Exported):
    from openpyxl import load_workbook

    header, rows = _read_csv(exported.out / "scores.csv")
    assert _row(rows, exported.formula_student)[1] == "'" + FORMULA_NAME
    wb = load_workbook(exported.out / "scores.xlsx")
    ws = wb["成绩"]
    names = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1)}
    cell = names[exported.formula_student]
    assert cell.value == "'" + FORMULA_NAME and cell.data_type == "s"
    planted = [c for row in wb["改写规则"].iter_rows() for c in row
               if isinstance(c.value, str) and c.value.lstrip("'").startswith(FORMULA_ANSWER)]
    # the example answer of the rule only it breaks, and the offending phrase quoted from it
    assert "'" + FORMULA_ANSWER in [c.value for c in planted]
    assert all(c.value.startswith("'" + FORMULA_ANSWER) and c.data_type == "s" for c in planted)
    for sheet in wb.worksheets:  # nothing anywhere is a formula
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)
                assert not (isinstance(c.value, str) and c.value[:1] in "=+-@\t\r"), (sheet.title, c.coordinate)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_neutralise_prefixes_formula_starts(text):
    assert neutralise(text) == "'" + text


def test_neutralise_leaves_other_values_alone():
    assert neutralise("王伟") == "王伟" and neutralise("2024001") == "2024001"
    assert neutralise(-1.5) == -1.5 and neutralise(None) is None


def test_xlsx_has_the_table_and_the_analysis_sheets(exported: Exported):
    from openpyxl import load_workbook

    wb = load_workbook(exported.out / "scores.xlsx")
    for name in ("成绩", "总表", "成绩统计", "题目分析", "改写规则", "需关注", "说明"):
        assert name in wb.sheetnames
    for ch in exported.chapters:
        assert ch.label in wb.sheetnames
    header, rows = _read_csv(exported.out / "scores.csv")
    ws = wb["成绩"]
    assert [c.value for c in ws[1]] == header
    for r, row in enumerate(rows, start=2):
        got = ["" if c.value is None else c.value for c in ws[r]]
        for g, want in zip(got, row):
            if isinstance(g, (int, float)):
                assert g == pytest.approx(float(want))
            else:
                assert g == want
    assert ws.freeze_panes == "D2"
    for sheet in ("成绩", "总表", ch.label, "题目分析"):
        s = wb[sheet]
        assert s.page_setup.orientation == "landscape" and str(s.page_setup.paperSize) == s.PAPERSIZE_A4 == "9"
        assert s.page_setup.fitToWidth == 1 and s.sheet_properties.pageSetUpPr.fitToPage
        assert s.print_title_rows
    assert ws.cell(1, 1).font.bold


def test_item_analysis_sheet(exported: Exported):
    from openpyxl import load_workbook

    ws = load_workbook(exported.out / "scores.xlsx")["题目分析"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    questions = [r for r in rows if r["题型"] != "通话题·逐句"]
    assert len(questions) == sum(len(ch.questions) for ch in exported.chapters)
    options = [h for h in head if h and h.startswith("选")]
    choice_rows = [r for r in rows if r["题型"] in ("单选题", "多选题")]
    assert choice_rows
    for r in rows:
        if r["难度 p"] is not None:
            assert 0 <= r["难度 p"] <= 1
        if r["区分度 D"] is not None:
            assert -1 <= r["区分度 D"] <= 1
    for r in choice_rows:
        assert r["答案"] and sum(r[o] or 0 for o in options) > 0
        if r["题型"] == "单选题":  # one letter per readable answer
            assert sum(r[o] or 0 for o in options) <= r["得分人数"]
    # the simulated class discriminates: most choice questions have D > 0
    assert sum((r["区分度 D"] or 0) > 0 for r in choice_rows) > len(choice_rows) / 2
    stats = exported.result.items
    assert set(stats) == {ch.assignment for ch in exported.chapters}


def test_rewrite_rules_sheet(exported: Exported):
    from openpyxl import load_workbook

    ws = load_workbook(exported.out / "scores.xlsx")["改写规则"]
    head = [c.value for c in ws[2]]
    rows = [dict(zip(head, [c.value for c in r])) for r in ws.iter_rows(min_row=3)]
    assert rows and exported.result.rewrite_answers > 0
    counts = [r["合计（份）"] for r in rows]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    for r in rows:
        assert r["规则"] and r["示例作答"] and r["类型"] in ("违规用语", "缺少要素", "提醒", "整通电话·必须改",
                                                          "整通电话·提醒")
        assert sum(r[ch.label] or 0 for ch in exported.chapters if ch.label in r) == r["合计（份）"]
    assert any(r["类型"] == "缺少要素" for r in rows)


def test_summary_helpers_for_the_demo(exported: Exported):
    result = exported.result
    hardest = result.hardest_items(3)
    assert len(hardest) == 3 and [st.p for st in hardest] == sorted(st.p for st in hardest)
    every = [st.p for stats in result.items.values() for st in stats if st.p is not None]
    assert hardest[0].p == min(every)
    phrases = result.common_phrases(5)
    assert phrases and [c for _, c, _ in phrases] == sorted((c for _, c, _ in phrases), reverse=True)
    assert "导出完成" in result.summary() and "scores.xlsx" in result.summary()


def test_attention_sheet_lists_what_a_grader_must_look_at(exported: Exported):
    from openpyxl import load_workbook

    ws = load_workbook(exported.out / "scores.xlsx")["需关注"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    whole = {(r[0], r[4]) for r in rows if r[3] == "（整份）"}
    assert (NOBODY, MISSING) in whole and (exported.missing_student, MISSING) in whole
    assert (exported.unreadable_student, UNREADABLE) in whole
    assert any(r[4] == PENDING for r in rows)


def test_statistics_sheet_counts_submissions(exported: Exported):
    from openpyxl import load_workbook

    ws = load_workbook(exported.out / "scores.xlsx")["成绩统计"]
    head = [c.value for c in ws[2]]
    rows = {r[0].value: dict(zip(head, [c.value for c in r])) for r in ws.iter_rows(min_row=3, max_row=3 + len(exported.chapters))}
    header, csv_rows = _read_csv(exported.out / "scores.csv")
    for ch in exported.chapters:
        col = header.index(f"{ch.title}·状态")
        submitted = sum(r[col] != MISSING for r in csv_rows)
        assert rows[ch.label]["实交人数"] == submitted
        assert rows[ch.label]["应交人数"] == len(csv_rows)
        assert 0 <= rows[ch.label]["及格率（≥60%）"] <= 1


def test_charts_are_png_with_no_missing_glyphs(exported: Exported):
    for name in ("score_distribution.png", "difficulty_discrimination.png", "top_rules.png"):
        data = (exported.out / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000, name
    assert exported.glyph_messages == []
    assert exported.result.warnings == []


def test_course_without_submissions_exports_the_roster(course: Path, tmp_path: Path):
    from openpyxl import load_workbook

    from autograder.classroom.roster import import_rows

    import_rows([{"学号": "2024001", "姓名": "王伟"}, {"学号": "2024002", "姓名": "李娜"}], course)
    result = export_course(course, tmp_path / "out")
    header, rows = _read_csv(tmp_path / "out" / "scores.csv")
    assert [r[:2] for r in rows] == [["2024001", "王伟"], ["2024002", "李娜"]]
    assert "班级" not in header  # no roster with 班级
    statuses = [h for h in header if h.endswith("·状态")]
    assert len(statuses) == len(result.table.chapters) == 4
    for r in rows:
        assert {r[header.index(h)] for h in statuses} == {MISSING}
        assert set(r[2:]) - {MISSING} == {""}
    load_workbook(tmp_path / "out" / "scores.xlsx")
    assert (tmp_path / "out" / "top_rules.png").read_bytes().startswith(b"\x89PNG")
    assert result.rewrite_answers == 0 and result.rules == []


@pytest.mark.cli
def test_missing_gradebook_is_a_clear_error(tmp_path: Path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "exercises" / "nbgrader_config.py", course)
    with pytest.raises(ExportError, match="gradebook"):
        export_course(course, tmp_path / "out")
    assert not (course / "gradebook.db").exists()  # not created by looking
    done = subprocess.run([sys.executable, "-m", "autograder", "export", "--course", str(course),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 2 and "gradebook" in done.stderr
    with pytest.raises(ExportError):
        export_course(tmp_path / "nowhere", tmp_path / "out")


def test_item_statistics_of_a_small_class_carry_a_caveat(course: Path, tmp_path: Path, exported: Exported):
    from openpyxl import load_workbook

    from autograder.grading.grader import grade_course
    from autograder.classroom.simulate import simulate_class

    simulate_class(course, n_students=6, seed=3, bad_inputs=False)
    grade_course(course, progress=False)
    result = export_course(course, tmp_path / "out")
    assert 0 < result.sample_size() < 20
    assert "少于 20 人" in result.summary() and f"{result.sample_size()} 名学生" in result.summary()
    ws = load_workbook(tmp_path / "out" / "scores.xlsx")["题目分析"]
    notes = [c.value for c in ws["A"] if isinstance(c.value, str) and "少于 20 人" in c.value]
    assert len(notes) == len(result.table.chapters)
    assert any("样本少" in (r[-1] or "") for r in ws.iter_rows(min_row=2, values_only=True))
    # a class of 31: no caveat anywhere
    assert "少于 20 人" not in exported.result.summary()
    big = load_workbook(exported.out / "scores.xlsx")["题目分析"]
    assert not any(("少于 20 人" in str(v) or "样本少" in str(v)) for row in big.iter_rows(values_only=True) for v in row if v)


# --------------------------------------------------------------------------- whole-call questions


def _calls(exported: Exported):
    calls = [q for q in exported.result.table.questions if q.type == "call"]
    assert calls, "the bank has a call exercise per chapter"
    return calls


def test_a_call_is_one_column_of_the_score_table(exported: Exported):
    header, _ = _read_csv(exported.out / "scores.csv")
    for q in _calls(exported):
        assert header.count(q.label) == 1
        assert not any(h.startswith(q.label + "_") or h.startswith(q.label + "·第") for h in header)


def test_call_turn_scores_are_in_the_xlsx_detail_and_agree_with_the_grade(exported: Exported):
    from openpyxl import load_workbook

    from autograder import check_call

    ws = load_workbook(exported.out / "scores.xlsx")["通话逐句"]
    head = [c.value for c in ws[2]]
    rows = [dict(zip(head, [c.value for c in r])) for r in ws.iter_rows(min_row=3)]
    calls = {q.key: q for q in _calls(exported)}
    checked = [c for c in exported.result.calls]
    assert len(rows) == len(checked) > 0
    table = exported.result.table
    students = {s.id: s for s in table.students}
    for c in checked:
        q = calls[c.key]
        row = next(r for r in rows if r["学号"] == c.student and r["题号"] == q.var and r["章节"] == c.chapter)
        turns = [row[f"第{n}句"] for n in range(1, q.turns + 1)]
        assert turns == pytest.approx(list(c.turn_scores)) and all(0 <= t <= 1 for t in turns)
        # the re-check gives what the gradebook holds, and the walkthrough's call findings are listed
        again = check_call(list(c.lines), q.call)
        assert [t.score for t in again.turns] == pytest.approx(list(c.turn_scores), abs=1e-4)
        mark = students[c.student].chapters[q.assignment].marks[q.key]
        if mark.state == "graded":
            assert row["得分"] == pytest.approx(mark.score)
            assert mark.score == pytest.approx(again.score * q.max_score, abs=0.01 * q.max_score + 0.01)
        for f in again.findings:
            assert f.message in row["整通电话问题"]
    # the class is not uniform: some calls full marks, some with an empty or failed turn
    assert any(all(t == 1 for t in c.turn_scores) for c in checked)
    assert any(0 in c.turn_scores for c in checked)


def test_item_analysis_has_a_row_per_call_turn_under_its_question(exported: Exported):
    from openpyxl import load_workbook

    ws = load_workbook(exported.out / "scores.xlsx")["题目分析"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, [c.value for c in r])) for r in ws.iter_rows(min_row=2)]
    for q in _calls(exported):
        ch = next(ch for ch in exported.chapters if ch.assignment == q.assignment)
        at = next(i for i, r in enumerate(rows) if r["章节"] == ch.label and r["题号"] == q.var)
        assert rows[at]["题型"] == "通话题"
        turns = rows[at + 1: at + 1 + q.turns]
        assert [r["题号"] for r in turns] == [f"{q.var}·第{n}句" for n in range(1, q.turns + 1)]
        assert all(r["题型"] == "通话题·逐句" and r["满分"] == 1 for r in turns)
        assert all(r["难度 p"] is None or 0 <= r["难度 p"] <= 1 for r in turns)
        stats = exported.result.turn_items[q.key]
        assert [st.p for st in stats] == [r["难度 p"] for r in turns]


def test_rule_statistics_include_call_turns_and_call_level_rules(exported: Exported):
    result = exported.result
    labels = {q.label for q in _calls(exported)}
    turn_checks = [c for c in result.checks if any(c.question.startswith(label + "·第") for label in labels)]
    call_checks = [c for c in result.checks if c.question in labels]
    assert turn_checks and len(call_checks) == len(result.calls)
    kinds = {st.kind for st in result.rules}
    assert {"call_error", "call_warning"} & kinds, "a simulated class breaks some call-level rule"
    turn_rules = {f[0] for c in turn_checks for f in c.findings}
    assert turn_rules and turn_rules <= {st.rule for st in result.rules}


def test_a_call_answer_is_read_turn_by_turn_as_grading_reads_it():
    from autograder.report.table import ScoreColumn
    from autograder.report.answers import _read_one

    def _read_call(sources, ids, q):
        return _read_one(q, sources, ids)

    call = {"turns": [{"customer": "（电话铃响）"}, {"agent": "opening"}, {"agent": "free"}, {"agent": "closing"}]}
    q = ScoreColumn("k", "a", "n", "第5题_test", "第5题_answer", "第5题", "call", 10, "x", call=call)
    assert q.turns == 3
    # Chinese quotes are read; a turn written as a list cannot be read and counts as empty, the rest stays
    read = _read_call(['第5题_第1句 = “您好，请问有什么可以帮您？”\n第5题_第2句 = ""\n第5题_第3句 = ["再见"]'],
                      ["第5题_answer"], q)
    assert read.state == "answered" and read.lines == ("您好，请问有什么可以帮您？", "", "")
    # the answer cell moved below its test cell is still found
    read = _read_call(["# 测试", '第5题_第1句 = "您好"\n第5题_第2句 = "好的"\n第5题_第3句 = "再见"'],
                      ["第5题_test", "第5题_answer"], q)
    assert read.lines == ("您好", "好的", "再见")
    assert _read_call(['第5题_第1句 = ""\n第5题_第2句 = ""\n第5题_第3句 = ""'], [None], q).state == "empty"
    assert _read_call(["x = 1"], [None], q).state == "unreadable"
