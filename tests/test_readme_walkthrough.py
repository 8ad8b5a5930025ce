"""The README's instructor walkthrough, run as written, in a course folder whose path is "我的 课程/kefu2026".

The block marked ``instructor-walkthrough`` in README.md is executed by bash
line for line (``set -euo pipefail``) from the project root, with HOME in a
temporary folder.  Two lines stand for what people do, not commands: the
students' comment line becomes three students fetching, answering and
submitting through nbgrader's exchange (``nbgrader fetch_assignment`` /
``submit --student ID``, the id a student's own server would submit under), and ``jupyter lab`` becomes a real JupyterLab
started in the course folder whose formgrader must list the course's
assignment and submissions.  The roster file is put into the course folder
just before the line that imports it, as the README asks.

Run as a script (``python tests/test_readme_walkthrough.py students|roster|lab``)
it performs those stand-in steps; the test calls it from the bash script.
"""
from __future__ import annotations

import csv
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "ch1_telephone"
COURSE_ID = "kefu2026a"
STUDENTS = {"2024001": "张伟", "2024002": "欧阳娜娜", "2024003": "李雷"}
WRONG = "2024003"  # answers everything wrong


def walkthrough() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- instructor-walkthrough[^>]*-->\s*```bash\n(.*?)```", text, re.S)
    assert m, "README.md has no instructor-walkthrough block"
    return m.group(1).splitlines()


def _script(lines: list[str]) -> str:
    me = f"{shlex.quote(sys.executable)} {shlex.quote(str(Path(__file__).resolve()))}"
    out = ["set -euo pipefail"]
    for line in lines:
        command = line.split("  #", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line.lstrip().startswith("# （学生"):
            out.append(f"{me} students")
        elif command == "jupyter lab":
            out.append(f"{me} lab")
        elif command:
            if command.startswith("kefu-autograder roster import"):
                out.append(f"{me} roster")
            out.append(command)
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------- the stand-in steps


def _nbgrader(*args: str, cwd: Path, user: str) -> None:
    env = dict(os.environ, USER=user, LOGNAME=user)
    done = subprocess.run(["nbgrader", *args, "--course", COURSE_ID], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def students() -> None:
    """Each student fetches the assignment in a folder of their own, answers it and submits it."""
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import fill, key_answers

    for sid in STUDENTS:
        home = Path(os.environ["HOME"]) / "students" / sid
        home.mkdir(parents=True, exist_ok=True)
        _nbgrader("fetch_assignment", ASSIGNMENT, cwd=home, user=sid)
        path = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb = fill(nb, key_answers(ASSIGNMENT, wrong=sid == WRONG), short="接听电话要先问候，再报公司和工号。")
        path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
        _nbgrader("submit", ASSIGNMENT, f"--student={sid}", cwd=home, user=sid)  # as JupyterHub's user would


def roster() -> None:
    with open("名单.csv", "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["学号", "姓名", "班级"])
        w.writerows([sid, name, "客服2401班"] for sid, name in STUDENTS.items())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab() -> None:
    """``jupyter lab`` started in the course folder: its formgrader sees the assignment and the submissions."""
    port, token = _free_port(), secrets.token_hex(16)
    cmd = ["jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = Path(os.environ["HOME"]) / "jupyter-lab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
                time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/formgrader/api/assignments?token={token}", timeout=60) as r:
            assignments = {a["name"]: a for a in json.loads(r.read())}
        assert ASSIGNMENT in assignments, assignments
        assert assignments[ASSIGNMENT]["num_submissions"] == len(STUDENTS), assignments[ASSIGNMENT]
        with urllib.request.urlopen(f"{base}/formgrader/api/students?token={token}", timeout=60) as r:
            names = {s["id"]: s["last_name"] for s in json.loads(r.read())}
        assert names == STUDENTS, names
        print(f"formgrader: {ASSIGNMENT} with {len(STUDENTS)} submissions")
    finally:
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=wait)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue


# ----------------------------------------------------------------------------- the test


def test_walkthrough_block_is_what_the_test_runs():
    lines = walkthrough()
    script = _script(lines)
    for command in ("new-course", "build", "generate_assignment", "release_assignment", "roster import", "collect",
                    "grade", "generate_feedback", "release-feedback", "export"):
        assert command in script, command
    assert " students\n" in script and " lab\n" in script
    assert any('"我的 课程"' in line for line in lines)  # the README's own example path has a space and Chinese


@pytest.mark.cli
@pytest.mark.nbgrader
@pytest.mark.slow
def test_readme_walkthrough_runs_as_written(tmp_path: Path):
    home = tmp_path / "home"
    jupyter = tmp_path / "jupyter"
    (jupyter / "config").mkdir(parents=True)
    exchange = tmp_path / "exchange"
    # the machine's Jupyter config names the exchange (new-course takes it from there)
    (jupyter / "config" / "nbgrader_config.py").write_text(f"c.Exchange.root = {str(exchange)!r}\n", encoding="utf-8")
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_PATH", "VIRTUAL_ENV", "PYTHONPATH")}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(jupyter / "config"), JUPYTER_DATA_DIR=str(jupyter / "data"),
               JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"), IPYTHONDIR=str(jupyter / "ipython"),
               JUPYTER_PLATFORM_DIRS="1",
               PATH=os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                    if Path(p).resolve() != (ROOT / ".venv" / "bin").resolve()))
    done = subprocess.run(["bash", "-c", _script(walkthrough())], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert f"formgrader: {ASSIGNMENT} with 3 submissions" in done.stdout

    course = home / "我的 课程" / "kefu2026"
    assert (course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert sorted(p.name for p in (course / "submitted").iterdir()) == sorted(STUDENTS)
    with open(course / "成绩" / "scores.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["学号"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(STUDENTS) and {r["姓名"] for r in rows.values()} == set(STUDENTS.values())
    total = next(k for k in rows[WRONG] if k.endswith("·合计") and k.startswith("电话礼仪"))
    assert float(rows["2024001"][total]) > float(rows[WRONG][total])
    status = total.replace("合计", "状态")
    assert rows["2024001"][status] == "待人工评分"  # the short answer waits for formgrader
    feedback = exchange / COURSE_ID / "feedback"
    assert len([p for p in feedback.iterdir() if p.suffix == ".html"]) == len(STUDENTS), list(feedback.iterdir())


if __name__ == "__main__":
    {"students": students, "roster": roster, "lab": lab}[sys.argv[1]]()
