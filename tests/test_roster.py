"""Roster import: CSV (BOM, GBK), XLSX, bad rows by line number, idempotence, grades kept."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pgtier
from helpers import chromium, copy_course, off_policy_lines

from autograder.classroom.roster import RosterError, import_roster, join_name, read_roster, split_name, student_classes, validate_id
from autograder.grading.coursedir import quiet_nbgrader_warnings

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
ROSTERS = Path(__file__).resolve().parent / "fixtures" / "roster"


@pytest.fixture(scope="module")
def migrated_empty_course(tmp_path_factory) -> Path:
    """The kit's nbgrader_config.py and an empty gradebook, migrated once (read-only: copy before changing)."""
    from autograder.grading.coursedir import course_gradebook, quiet_nbgrader_warnings

    course = tmp_path_factory.mktemp("empty") / "course"
    course.mkdir()
    shutil.copy(EXERCISES / "nbgrader_config.py", course / "nbgrader_config.py")
    pgtier.use_database(course)
    with quiet_nbgrader_warnings(), course_gradebook(course):  # nbgrader creates the tables and runs its migrations
        pass
    return course


@pytest.fixture
def empty_course(migrated_empty_course: Path, tmp_path: Path) -> Path:
    """A private copy of a course with an empty gradebook."""
    return copy_course(migrated_empty_course, tmp_path / "course")


def _students(course: Path) -> dict[str, tuple]:
    from autograder.grading.coursedir import course_gradebook

    with quiet_nbgrader_warnings():
        with course_gradebook(course) as gb:
            classes = student_classes(gb)
            return {s.id: (s.last_name, s.first_name, classes.get(s.id, "")) for s in gb.students}


def test_utf8_bom_csv(empty_course: Path):
    report = import_roster(ROSTERS / "utf8_bom.csv", empty_course)
    assert report.added == ["2024001", "2024002", "2024003", "2024004"] and not report.skipped
    students = _students(empty_course)
    assert students["2024001"] == ("王伟", "", "客服2401班")  # the whole name: formgrader lists read 王伟
    assert students["2024003"] == ("欧阳娜娜", "", "客服2402班")
    assert join_name(*students["2024004"][:2]) == "艾力·买买提"


def test_gbk_csv_as_excel_saves_it(empty_course: Path):
    raw = (ROSTERS / "gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really GBK
    roster = read_roster(ROSTERS / "gbk.csv")
    assert roster.encoding == "GBK/GB18030"
    report = import_roster(ROSTERS / "gbk.csv", empty_course)
    assert sorted(report.added) == ["2024101", "2024102", "2024103"]
    students = _students(empty_course)
    assert students["2024101"] == ("张三丰", "", "客服2403班")
    assert students["2024103"] == ("诸葛亮", "", "客服2403班")


def test_xlsx_with_title_row_numeric_ids_and_header_notes(empty_course: Path):
    roster = read_roster(ROSTERS / "roster.xlsx")
    assert [e.id for e in roster.entries] == ["2024201", "2024202", "2024203"]  # 2024202.0 read as a number
    assert [e.line for e in roster.entries] == [3, 4, 6]  # sheet rows (title in row 1, a blank row 5)
    import_roster(ROSTERS / "roster.xlsx", empty_course)
    students = _students(empty_course)
    assert students["2024202"][:2] == ("李雷", "") and students["2024202"][2] == "客服2401班"
    assert students["2024203"][2] == ""  # no 班级 in that row


def test_bad_rows_are_reported_by_line_and_skipped(empty_course: Path):
    report = import_roster(ROSTERS / "bad_rows.csv", empty_course)
    problems = {p.line: p for p in report.skipped}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10, 13]
    assert "重复" in problems[3].reason and "第2行" in problems[3].reason
    assert "为空" in problems[4].reason
    assert "/" in problems[5].reason
    assert "\\" in problems[6].reason
    assert "." in problems[7].reason
    assert ":" in problems[8].reason and "*" not in problems[8].reason
    assert "控制字符" in problems[9].reason
    assert "科学计数法" in problems[10].reason
    assert "|" in problems[13].reason  # lines 11–12 hold one row: a quoted name with a line break
    assert sorted(report.added) == ["2024301", "2024302", "2024303"]
    assert _students(empty_course)["2024303"][:2] == ("周杰", "")  # full-width digits, line break in the name
    text = report.summary()
    assert "第4行" in text and "跳过 9 行" in text and "9 rows skipped" in text
    assert off_policy_lines(text) == []


def test_missing_header_names_the_headers_found(empty_course: Path, tmp_path: Path):
    path = tmp_path / "no_name.csv"
    path.write_text("学号,名称,班级\n2024001,王伟,客服2401班\n", encoding="utf-8")
    with pytest.raises(RosterError) as err:
        read_roster(path)
    assert "姓名" in str(err.value) and "学号、名称、班级" in str(err.value)
    path.write_text("编号,名字\n1,王伟\n", encoding="utf-8")
    with pytest.raises(RosterError, match="编号"):
        read_roster(path)


def test_reimport_is_idempotent(empty_course: Path):
    first = import_roster(ROSTERS / "utf8_bom.csv", empty_course)
    before = _students(empty_course)
    again = import_roster(ROSTERS / "utf8_bom.csv", empty_course)
    assert not again.added and not again.updated
    assert sorted(again.unchanged) == sorted(first.added)
    assert _students(empty_course) == before


def test_dry_run_writes_nothing(empty_course: Path):
    report = import_roster(ROSTERS / "utf8_bom.csv", empty_course, dry_run=True)
    assert len(report.added) == 4
    assert _students(empty_course) == {}


def test_existing_students_keep_their_grades(graded_class, tmp_path: Path):
    from autograder.grading.coursedir import course_gradebook

    src, sim, _ = graded_class
    course = tmp_path / "course"
    copy_course(src, course)
    def scores():
        with quiet_nbgrader_warnings():
            with course_gradebook(course) as gb:
                return {(s.id, a.name): gb.find_submission(a.name, s.id).score
                        for s in gb.students for a in gb.assignments if s.submissions}

    before = scores()
    assert any(v > 0 for v in before.values())
    first = sim.students[0]
    roster = tmp_path / "roster.csv"
    roster.write_text("学号,姓名,班级\n"
                      f"{first.id},{first.name},{first.klass}\n"
                      "2099001,新同学,客服2401班\n", encoding="utf-8-sig")
    report = import_roster(roster, course)
    assert report.added == ["2099001"] and report.updated == [first.id]
    assert len(report.kept) == len(sim.students) - 1  # not in the file: kept, not deleted
    text = report.summary()
    assert f"已更新（updated）：{first.id}" in text and "kept, not removed" in text
    assert off_policy_lines(text) == []
    assert scores() == before
    students = _students(course)
    assert join_name(*students[first.id][:2]) == first.name
    assert len(students) == len(sim.students) + 1


def test_name_split_is_lossless():
    for name in ("王伟", "欧阳娜娜", "司马光", "欧阳", "李", "艾力·买买提", "Anna Li", "买买提 艾力"):
        last, first = split_name(name)
        assert last + first == name
        assert join_name(last, first) == name
    assert join_name("Smith", "John") == "John Smith"
    assert join_name(None, None) == ""


@pytest.mark.parametrize("raw, ok", [
    ("2024001", True), ("李雷", True), ("2024-040", True), ("zhang.san@school", True), ("２０２４００１", True),
    ("2024 040", False), ("a+b", False), ("<img src=x onerror=alert(1)>", False), ("-x", False),
    ("a\x1b[2Jb", False), ("a&amp;b", False),
    ("", False), ("a/b", False), ("a\\b", False), (".x", False), ("..", False), ("a:b", False),
    ("a*b", False), ("a?b", False), ('a"b', False), ("a<b", False), ("a>b", False), ("a|b", False),
    ("a\x00b", False), ("a\u200bb", False), ("2.02401E+11", False), ("x" * 129, False),
])
def test_validate_id(raw, ok):
    sid, problem = validate_id(raw)
    assert (problem is None) == ok, problem
    if raw == "２０２４００１":
        assert sid == "2024001"


@pytest.mark.cli
def test_cli_import_and_bad_header(empty_course: Path, tmp_path: Path):
    cmd = [sys.executable, "-m", "autograder", "roster", "import", str(ROSTERS / "utf8_bom.csv"),
           "--course", str(empty_course)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "新增 4 人" in done.stdout and off_policy_lines(done.stdout) == [], done.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("学号,名称\n1,王伟\n", encoding="utf-8")
    done = subprocess.run(cmd[:5] + [str(bad), "--course", str(empty_course)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 2 and "姓名" in done.stderr and "名称" in done.stderr
    assert done.stderr.startswith("出错（error）：") and off_policy_lines(done.stderr) == [], done.stderr


def test_empty_name_is_rejected_with_its_line(empty_course: Path, tmp_path: Path):
    path = tmp_path / "roster.csv"
    path.write_text("学号,姓名,班级\n"
                    "2024001,王伟,客服2401班\n"
                    "2024002,,客服2401班\n"
                    "2024003,   ,客服2401班\n"
                    "2024004,\u200b,客服2401班\n"
                    "2024005,李娜,客服2401班\n", encoding="utf-8-sig")
    report = import_roster(path, empty_course)
    assert report.added == ["2024001", "2024005"]
    problems = {p.line: p for p in report.skipped}
    assert sorted(problems) == [3, 4, 5]
    assert all("姓名为空" in p.reason for p in problems.values())
    assert problems[3].id == "2024002"
    assert set(_students(empty_course)) == {"2024001", "2024005"}
    text = report.summary()
    assert "第3行（学号 '2024002'）：姓名为空" in text and "跳过 3 行" in text
    assert off_policy_lines(text) == []


def test_extra_columns_are_reported_not_dropped_silently(empty_course: Path, tmp_path: Path):
    path = tmp_path / "roster.csv"
    path.write_text("学号,姓名,性别,班级,手机号\n"
                    "2024001,王伟,男,客服2401班,13800000000\n"
                    "2024002,李娜,女,客服2401班,,备注写在了表头外\n", encoding="utf-8-sig")
    report = import_roster(path, empty_course)
    assert report.added == ["2024001", "2024002"] and not report.skipped
    assert report.ignored_columns == ["性别", "手机号"]
    assert report.stray_cells == [3]
    text = report.summary()
    assert "性别、手机号" in text and "未导入" in text and "第3行" in text
    assert off_policy_lines(text) == []
    assert _students(empty_course)["2024001"] == ("王伟", "", "客服2401班")
    done = subprocess.run([sys.executable, "-m", "autograder", "roster", "import", str(path), "--course",
                           str(empty_course), "--dry-run"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0 and "性别、手机号" in done.stdout, done.stderr
    assert done.stdout.startswith("试运行，未写入：将新增 0 人") and off_policy_lines(done.stdout) == [], done.stdout


def test_only_the_three_columns_leave_nothing_to_report(empty_course: Path):
    report = import_roster(ROSTERS / "utf8_bom.csv", empty_course)
    assert report.ignored_columns == [] and report.stray_cells == []
    assert "未导入" not in report.summary()


def test_reimport_moves_split_names_to_the_whole_name(empty_course: Path):
    from autograder.grading.coursedir import course_gradebook

    with quiet_nbgrader_warnings():
        with course_gradebook(empty_course) as gb:  # a gradebook written when 姓 and 名 were stored apart
            gb.add_student("2024001", last_name="王", first_name="伟")
            gb.db.commit()
    assert join_name("王", "伟") == "王伟"
    report = import_roster(ROSTERS / "utf8_bom.csv", empty_course)
    assert "2024001" in report.updated
    assert _students(empty_course)["2024001"][:2] == ("王伟", "")


@pytest.mark.browser
@pytest.mark.slow
def test_formgrader_lists_chinese_names_whole(released_course: Path, tmp_path: Path):
    """Real formgrader in real Chromium: the student list shows 张伟 and 欧阳娜娜, never "张, 伟" or "None"."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pages_support", ROOT / "tests" / "security" / "pages_support.py")
    pages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pages)

    course = copy_course(released_course, tmp_path / "course")
    roster = tmp_path / "roster.csv"
    roster.write_text("学号,姓名\n2024001,张伟\n2024002,欧阳娜娜\n2024003,艾力·买买提\n", encoding="utf-8-sig")
    assert not import_roster(roster, course).skipped
    with pages.formgrader(course, tmp_path / "jupyter") as (base, token), chromium() as browser:
        page = browser.new_page()
        try:
            page.goto(f"{base}/formgrader/manage_students?token={token}", wait_until="load")
            page.wait_for_selector("td:has-text('2024003')", timeout=30_000)
            rows = page.eval_on_selector_all("table tbody tr", "rows => rows.map(r => r.innerText)")
        finally:
            page.close()
    names = {}
    for row in rows:
        cells = [c.strip() for c in row.split("\t")]
        if len(cells) > 1 and cells[1].startswith("2024"):
            names[cells[1]] = cells[0]
    assert set(names) == {"2024001", "2024002", "2024003"}, rows
    for sid, name in (("2024001", "张伟"), ("2024002", "欧阳娜娜"), ("2024003", "艾力·买买提")):
        shown = names[sid]
        # formgrader (nbgrader 0.9.6) joins last_name + ", " + first_name: the name comes whole, then its separator
        assert shown.startswith(name) and shown.removeprefix(name).strip() in ("", ","), shown
        assert "None" not in shown and "张, 伟" not in shown
