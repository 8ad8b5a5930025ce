"""A real class on one server, end to end on 127.0.0.1 (root only; marker ``hub``).

`python -m autograder hub up --postgres` with an instructor and three
students (real unix users, PAM, LocalProcessSpawner, nbgrader's filesystem
exchange, a private PostgreSQL gradebook), then the whole cycle: login and
spawn, isolation, roster, release, fetch/edit/submit over HTTP, collect,
kernel-free grading, formgrader, export, feedback, and one student in
Chromium.  Teardown: `hub down`, then every user, group and folder the test
created is removed (names start with ``kx<pid>``).
"""
from __future__ import annotations

import csv
import json
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import CHROMIUM, EXERCISES, chromium, fill, key_answers, off_policy_lines

ROOT = Path(__file__).resolve().parents[2]
TAG = f"kx{os.getpid() % 100000}"
CID = f"{TAG}-class"
CH1 = "ch1_telephone"
STUDENTS = {"A001": "张三", "A002": "李四", "A003": "王五"}
pytestmark = [pytest.mark.hub, pytest.mark.slow]


def _hub(*args, check=True):
    r = subprocess.run([sys.executable, "-m", "autograder", "hub", *args], capture_output=True, text=True,
                       timeout=900)
    if check and r.returncode:
        raise AssertionError(f"hub {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("the hub test creates unix users: run as root")
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("Debian's postgresql is not installed (make hub-deps)")
    from autograder.hub.process import free_port

    work = tmp_path_factory.mktemp("hub")
    course = work / "course"
    shutil.copytree(EXERCISES, course, ignore=shutil.ignore_patterns("gradebook.db", "release", "submitted"))
    cfg = course / "nbgrader_config.py"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('"kefu-etiquette"', repr(CID)), encoding="utf-8")
    roster = work / "名单.csv"
    with open(roster, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([["学号", "姓名", "班级"]] + [[k, v, "客服2401"] for k, v in STUDENTS.items()])
    state = Path(f"/srv/{TAG}-state")
    port = free_port()
    args = ["--course", str(course), "--state-dir", str(state)]
    up = ["up", *args, "--roster", str(roster), "--postgres", "--port", str(port),
          "--instructor", f"{TAG}-teach", "--user-prefix", f"{TAG}-", "--cull-idle", "600"]
    info = {"course": course, "roster": roster, "state": state, "port": port, "args": args, "up": up,
            "base": f"http://127.0.0.1:{port}", "teacher": f"{TAG}-teach",
            "logins": {sid: f"{TAG}-{sid.lower()}" for sid in STUDENTS}}
    try:
        r = _hub(*up)
        info["up_output"] = r.stdout
        layout = state / "classes" / CID
        rows = (layout / "passwords.txt").read_text(encoding="utf-8").splitlines()[1:]
        info["passwords"] = {r.split("\t")[0]: r.split("\t")[3] for r in rows}
        info["layout"] = layout
        info["teacher_course"] = Path(pwd.getpwnam(info["teacher"]).pw_dir) / CID
        yield info
    finally:
        _teardown(info)


def _teardown(info):
    r = _hub("down", *info["args"], check=False)
    print(r.stdout, r.stderr)
    from autograder.hub.process import stop_user_processes

    logins = [info["teacher"], *info["logins"].values()]
    uids = set()
    for login in logins:
        try:
            uids.add(pwd.getpwnam(login).pw_uid)
        except KeyError:
            pass
    stop_user_processes(uids, "")  # by pid: anything still running as this test's users
    for login in logins:
        subprocess.run(["userdel", "--remove", login], capture_output=True)
    subprocess.run(["groupdel", f"kefu-{CID}"[:32]], capture_output=True)
    shutil.rmtree(info["state"], ignore_errors=True)


def _as(login, *cmd, cwd=None, teacher_env=None):
    """Run ``cmd`` as ``login`` with the environment its hub server has."""
    pw = pwd.getpwnam(login)
    env = {"HOME": pw.pw_dir, "USER": login, "LANG": "C.UTF-8",
           "PATH": "/opt/kefu-hub/venv/bin:/usr/bin:/bin"}
    if teacher_env:
        env["JUPYTER_CONFIG_PATH"] = str(teacher_env)
    return subprocess.run(list(cmd), cwd=cwd or pw.pw_dir, user=pw.pw_uid, group=pw.pw_gid,
                          extra_groups=[g for g in os.getgrouplist(login, pw.pw_gid)], env=env,
                          capture_output=True, text=True, timeout=600)


def _teacher(klass, *cmd):
    r = _as(klass["teacher"], *cmd, cwd=klass["teacher_course"], teacher_env=klass["layout"] / "instructor-jupyter")
    assert r.returncode == 0, f"{cmd}: {r.stdout}\n{r.stderr}"
    return r


@pytest.fixture(scope="module")
def users(klass):
    from autograder.hub.client import HubUser

    out = {}
    for login in [klass["teacher"], *klass["logins"].values()]:
        u = HubUser(klass["base"], login)
        u.login(klass["passwords"][login])
        u.take_token()
        u.spawn()
        out[login] = u
    return out


def test_up_creates_accounts_with_private_homes_and_root_only_passwords(klass):
    assert "is up" in klass["up_output"] and off_policy_lines(klass["up_output"]) == [], klass["up_output"]
    for login in [klass["teacher"], *klass["logins"].values()]:
        assert os.stat(pwd.getpwnam(login).pw_dir).st_mode & 0o777 == 0o700
    for name in ("passwords.txt", "accounts.tsv"):
        st = os.stat(klass["layout"] / name)
        assert (st.st_uid, st.st_mode & 0o777) == (0, 0o600)
    mapping = (klass["layout"] / "accounts.tsv").read_text(encoding="utf-8")
    assert f"{TAG}-a001\tA001\t张三" in mapping
    cfg = klass["teacher_course"] / "nbgrader_config.py"
    assert os.stat(cfg).st_mode & 0o777 == 0o600 and "postgresql+psycopg://" in cfg.read_text()
    exchange_course = klass["state"] / "exchange" / CID
    assert pwd.getpwuid(os.stat(exchange_course).st_uid).pw_name == klass["teacher"]


def test_bad_input_is_refused_and_changes_nothing(klass, tmp_path):
    r = _hub(*klass["up"], check=False)  # a second up
    assert r.returncode != 0 and "already running" in r.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("学号,姓名\nB+01,甲\nB02,乙\nb02,丙\n", encoding="utf-8")
    other = tmp_path / "other"
    shutil.copytree(klass["course"], other)
    cfg = other / "nbgrader_config.py"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(repr(CID), repr(f"{TAG}-other")), encoding="utf-8")
    state = ["--course", str(other), "--state-dir", str(klass["state"])]
    r = _hub("up", *state, "--roster", str(bad), "--user-prefix", f"{TAG}b-", "--instructor", f"{TAG}b-t",
             "--port", str(klass["port"] + 1 if klass["port"] < 65000 else 20000), check=False)
    assert r.returncode != 0 and "B+01" in r.stderr and "differ only in case" in r.stderr
    r = _hub("up", *state, "--roster", str(klass["roster"]), "--user-prefix", f"{TAG}b-",
             "--instructor", f"{TAG}b-t", "--port", str(klass["port"]), check=False)
    assert r.returncode != 0 and "in use" in r.stderr
    with pytest.raises(KeyError):
        pwd.getpwnam(f"{TAG}b-b02")
    with pytest.raises(KeyError):
        pwd.getpwnam(f"{TAG}b-t")
    assert not (klass["state"] / "classes" / f"{TAG}-other").exists()
    r = _hub("down", *state, check=False)
    assert r.returncode == 0 and "not running" in r.stdout and off_policy_lines(r.stdout) == [], r.stdout


def test_login_spawn_and_a_wrong_password(klass, users):
    from autograder.hub.client import HubUser, LoginFailed

    with pytest.raises(LoginFailed):
        HubUser(klass["base"], klass["logins"]["A001"]).login("not-the-password")
    for u in users.values():
        assert u.spawn_seconds > 0
        assert u.get_json("/api/status")["started"]
    # chapters copied into the student's home on first spawn
    student = users[klass["logins"]["A001"]]
    names = {c["name"] for c in student.get_json("/api/contents/course")["content"]}
    assert "ch1_telephone.ipynb" in names and "practice" in names and "src" not in names


def test_isolation(klass, users):
    a1, a2 = klass["logins"]["A001"], klass["logins"]["A002"]
    teacher_home = pwd.getpwnam(klass["teacher"]).pw_dir
    for path in (klass["teacher_course"] / "nbgrader_config.py", klass["teacher_course"] / "bank",
                 Path(pwd.getpwnam(a2).pw_dir), klass["layout"] / "postgres", klass["layout"] / "passwords.txt"):
        r = _as(a1, "ls" if path.is_dir() else "cat", str(path))
        assert r.returncode != 0 and "Permission denied" in r.stderr, path
    assert _as(a1, "cat", f"{teacher_home}/{CID}/nbgrader_config.py").returncode != 0
    # the kit students' kernels import is the venv's installed copy: no bank, no source tree
    r = _as(a1, "/opt/kefu-hub/venv/bin/python", "-c",
            "import autograder, pathlib; p = pathlib.Path(autograder.__file__).parent; "
            "print(p); print(sorted(x.name for x in p.parent.iterdir() if 'bank' in x.name or x.name == 'exercises'))")
    where, banks = r.stdout.split("\n")[:2]
    assert where.startswith("/opt/kefu-hub/venv/lib/") and banks == "[]", r.stdout + r.stderr
    # another user's server: 403; the student's formgrader: 404, the instructor's: 200
    s1 = users[a1]
    assert s1.api("GET", "/api/contents", user=a2).status_code == 403
    assert s1.api("GET", "/api/contents", user=klass["teacher"]).status_code == 403
    assert s1.api("GET", "/formgrader").status_code == 404
    assert s1.api("GET", "/formgrader/api/assignments").status_code == 404
    assert s1.api("GET", "/assignments?course_id=" + CID).status_code == 200
    assert users[klass["teacher"]].api("GET", "/formgrader/api/assignments").status_code == 200
    # JupyterLab: the instructor plugins are off for students, the language is Chinese
    student_page = s1.api("GET", "/lab").text
    teacher_page = users[klass["teacher"]].api("GET", "/lab").text
    assert "@jupyter/nbgrader:formgrader" in student_page
    assert "@jupyter/nbgrader:formgrader" not in teacher_page
    settings = s1.get_json("/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert settings["schema"]["properties"]["locale"]["default"] == "zh_CN"  # the venv's overrides.json
    news = s1.get_json("/lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert news["schema"]["properties"]["fetchNews"]["default"] == "false"


def test_the_class_cycle(klass, users):
    teacher = klass["teacher"]
    _teacher(klass, "python", "-m", "autograder", "roster", "import", str(_readable(klass["roster"])), "--course", ".")
    _teacher(klass, "nbgrader", "generate_assignment", CH1)
    _teacher(klass, "nbgrader", "release_assignment", CH1)
    answers = {"A001": key_answers(CH1), "A002": key_answers(CH1, wrong=True)}
    for sid, ans in answers.items():
        u = users[klass["logins"][sid]]
        listed = u.assignments(CID)
        assert [a["assignment_id"] for a in listed if a["status"] == "released"] == [CH1]
        u.assignment_action("fetch", CID, CH1)
        path = f"{CH1}/{CH1}.ipynb"
        nb = u.read_notebook(path)
        assert "BEGIN HIDDEN TESTS" not in json.dumps(nb, ensure_ascii=False)
        u.write_notebook(path, fill(nb, ans, short="先问候客户，再报工号和姓名。"))
        u.assignment_action("submit", CID, CH1)
        assert any(a["status"] == "submitted" for a in u.assignments(CID))
    _teacher(klass, "nbgrader", "collect", CH1)
    course = klass["teacher_course"]
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["A001", "A002"]
    r = _teacher(klass, "python", "-m", "autograder", "grade", "--course", ".", "--quiet")
    assert "error" not in r.stdout.lower()
    assert not (course / "gradebook.db").exists()  # the gradebook is Postgres, nothing else

    # formgrader (the instructor's own server) shows the scores the kit wrote
    fg = users[teacher].get_json(f"/formgrader/api/submissions/{CH1}")
    got = {s["student"]: s["score"] for s in fg if s["submitted"]}
    r = _teacher(klass, "python", "-c", (
        "import json; from pathlib import Path; from nbgrader.coursedir import CourseDirectory;"
        "from autograder.grading.coursedir import load_config, open_gradebook;"
        "cd = CourseDirectory(config=load_config(Path('.').resolve()));"
        f"gb = open_gradebook(cd.db_url, cd.course_id);"
        f"print(json.dumps({{s.student.id: s.score for s in gb.assignment_submissions('{CH1}')}}))"))
    assert got == json.loads(r.stdout.strip().splitlines()[-1])
    assert got["A001"] > got["A002"] > 0 or got["A001"] > got["A002"]

    out = Path(pwd.getpwnam(teacher).pw_dir) / "export"
    _teacher(klass, "python", "-m", "autograder", "export", "--course", ".", "--out", str(out), "--no-charts")
    text = (out / "scores.csv").read_text(encoding="utf-8-sig")
    assert "A001" in text and "张三" in text and "A003" in text

    _teacher(klass, "nbgrader", "generate_feedback", CH1)
    _teacher(klass, "nbgrader", "release_feedback", CH1)
    from autograder.questionbank.load import load_bank

    chapter = next(c for c in load_bank(EXERCISES / "bank") if c.assignment == CH1)
    for sid in answers:
        u = users[klass["logins"][sid]]
        u.assignment_action("fetch_feedback", CID, CH1)
        listing = u.get_json(f"/api/contents/{CH1}/feedback")["content"]
        stamp = listing[0]["name"]
        html = u.get_json(f"/api/contents/{CH1}/feedback/{stamp}/{CH1}.html?content=1&type=file&format=text")["content"]
        for marker in ("BEGIN HIDDEN TESTS", "run_test", "评分要点", "MARK SCHEME"):
            assert marker not in html
        for q in chapter.questions:
            if q.type == "rewrite" and sid == "A002":  # A001 answered with the model answers themselves
                assert q.model_answer not in html
            for item in q.rubric:
                assert item not in html
        assert "回答不正确" in html or "回答正确" in html


def _readable(path: Path) -> Path:
    """A copy of a root-owned test file the instructor can read."""
    dest = Path("/tmp") / f"{TAG}-{path.name}"
    shutil.copy(path, dest)
    dest.chmod(0o644)
    return dest


@pytest.mark.browser
def test_a_student_in_chromium(klass, users):
    """A003 logs in, sees 中文, opens the assignment from the Assignment List, answers, self-checks, submits."""
    import re

    from playwright.sync_api import expect

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make browser)")
    login = klass["logins"]["A003"]
    artifacts = ROOT / "test-artifacts" / "hub"
    artifacts.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=60_000)  # JupyterLab's first load on a busy 2-core machine
    # the course font: CJK glyphs in screenshots on a server without fonts
    with chromium(fonts_in=artifacts) as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page.set_default_timeout(60_000)
        try:
            page.goto(f"{klass['base']}/hub/login")
            page.fill("#username_input", login)
            page.fill("#password_input", klass["passwords"][login])
            page.click("#login_submit")
            page.wait_for_url(re.compile(rf"/user/{login}/lab"), timeout=120_000)
            menubar = page.locator(".lm-MenuBar-content")
            expect(menubar).to_contain_text("运行")  # the Chinese interface, nobody chose it
            expect(menubar).to_contain_text("文件")
            assert page.locator(".jp-toast-container, .Toastify__toast").count() == 0  # no news popup

            page.locator(".lm-MenuBar-item", has_text="Nbgrader").click()
            items = page.locator(".lm-Menu-item:visible")
            expect(items.filter(has_text="Assignment List")).to_have_count(1)
            expect(items.filter(has_text="Formgrader")).to_have_count(0)
            expect(items.filter(has_text="Create assignment")).to_have_count(0)
            items.filter(has_text="Assignment List").click()
            page.locator("#released_assignments_list").get_by_role("button", name="Fetch").click()
            fetched = page.locator("#fetched_assignments_list")
            fetched.locator("a", has_text=CH1).first.click()
            fetched.locator(".nested_list_item a", has_text=CH1).first.click()

            cell = page.locator(".jp-Notebook .jp-CodeCell", has_text='第1题 = ""').first
            page.locator(".jp-Notebook .jp-Cell").first.wait_for()
            for _ in range(30):  # JupyterLab renders cells as they scroll into view
                if cell.count():
                    break
                page.mouse.move(800, 500)
                page.mouse.wheel(0, 500)
                page.wait_for_timeout(200)
            cell.scroll_into_view_if_needed()
            cell.locator(".cm-content").click()
            page.keyboard.press("Control+a")
            page.keyboard.insert_text('第1题 = "B"')
            page.locator(".lm-MenuBar-item", has_text="运行").first.click()
            page.locator(".lm-Menu-item:visible", has_text=re.compile(r"^运行所有单元格")).first.click()
            report = page.locator(".jp-OutputArea-output", has_text="自查结果").first
            expect(report).to_be_visible(timeout=120_000)
            page.keyboard.press("Control+s")
            expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(1)
            page.screenshot(path=str(artifacts / "student_selfcheck.png"))

            page.locator(".lm-TabBar-tab", has_text="Assignments").first.click()
            fetched.get_by_role("button", name="Submit").first.click()
            expect(page.locator("#submitted_assignments_list")).to_contain_text(CH1, timeout=60_000)
            page.screenshot(path=str(artifacts / "student_submitted.png"))
        except Exception:
            page.screenshot(path=str(artifacts / "failure.png"))
            raise
    inbound = klass["state"] / "exchange" / CID / "inbound"
    mine = [p for p in inbound.iterdir() if p.name.startswith(f"A003+{CH1}+")]
    assert len(mine) == 1
    nb = json.loads((mine[0] / f"{CH1}.ipynb").read_text(encoding="utf-8"))
    assert any('第1题 = "B"' in "".join(c["source"]) for c in nb["cells"])


def test_reset_for_a_new_term(klass, users):
    home = Path(pwd.getpwnam(klass["logins"]["A001"]).pw_dir)
    cache = home / ".local/share/jupyter/nbgrader_cache"
    assert cache.is_dir()  # left by the submission
    r = _hub("reset", *klass["args"])
    assert "stopped" in r.stdout
    assert not cache.exists()
    assert list((klass["state"] / "exchange" / CID).iterdir()) == []
    assert (home / CH1).is_dir()  # a student's own work stays
    r = _hub("status", *klass["args"], check=False)
    assert r.returncode != 0 and "not running" in r.stdout
