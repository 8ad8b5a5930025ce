"""Class start on one server, ramped: 10, 20, 30, 40 students log in within a minute, open a chapter, run it, use the sandbox.

Deploys a throw-away class with `python -m autograder hub up` (root, Debian;
users named ``kb<pid>-…``, created once for the largest level and removed at
the end, also on Ctrl-C or failure).  At each level n, with every server
stopped before it:

1. n students arrive spread over one minute; each logs in (PAM form), starts
   its server and waits on the hub's progress stream as the browser's
   spawn page does (spawn time), then opens course/ch1_telephone.ipynb,
   starts a kernel and connects its websocket through the proxy (kernel
   start), and runs every code cell (notebook run);
2. RSS per single-user server (idle, right after spawn) and per kernel
   (after the chapter), from /proc;
3. the rewrite sandbox (`check(...)` in the student's kernel, what 「检查」
   runs): all n students click 5 times at once: round-trip p95.

One student's failure never stops the run: it is recorded with its stage
(login, spawn, kernel, notebook, sandbox) and error, and the others go on.
The client waits as long as a browser would (10 min), so a timeout reported
here is the server's, not the benchmark's.

    sudo .venv/bin/python bench/bench_hub.py [--levels 10,20,30,40] [--keep]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import pwd
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.hub.client import HubUser  # noqa: E402
from autograder.hub.process import free_port  # noqa: E402

TAG = f"kb{os.getpid() % 100000}"
CID = f"{TAG}-bench"
CHAPTER = "course/ch1_telephone.ipynb"
SANDBOX = "您好，这里是阳光通信客服中心，我是1024号客服小李，请问有什么可以帮您？"
CLIENT_TIMEOUT = 600  # a browser waits this long and more
STAGES = ("login", "spawn", "kernel", "notebook", "sandbox")
BY_HAND = {"spawn": "3-5 s", "server": "~165 MB", "kernel": "~120 MB"}  # measured one at a time, idle box


class PatientSession(requests.Session):
    """Every request waits CLIENT_TIMEOUT: the client's own timeout must not be what fails."""

    def request(self, *a, **kw):
        kw["timeout"] = CLIENT_TIMEOUT
        return super().request(*a, **kw)


@dataclass
class Student:
    login: str
    times: dict = field(default_factory=dict)  # stage -> seconds
    failed: tuple[str, str] | None = None  # (stage, error)
    idle_rss: float | None = None
    user: HubUser | None = None
    kernel: Kernel | None = None

    def stage(self, name: str, fn):
        """Run one stage, timing it; a failure is recorded and ends this student's run."""
        if self.failed:
            return None
        t = time.perf_counter()
        try:
            out = fn()
        except Exception as exc:  # noqa: BLE001 - any failure of one student is data
            self.failed = (name, f"{type(exc).__name__}: {str(exc)[:200]}")
            return None
        self.times[name] = time.perf_counter() - t
        return out


class Kernel:
    """One kernel of a user's server, driven over its websocket (through the proxy) like JupyterLab."""

    def __init__(self, user: HubUser, path: str):
        import websocket

        r = user.api("POST", "/api/sessions", data=json.dumps(
            {"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}}))
        r.raise_for_status()
        self.kernel_id = r.json()["kernel"]["id"]
        url = user.url(f"/api/kernels/{self.kernel_id}/channels").replace("http://", "ws://")
        self.ws = websocket.create_connection(url, header=[f"Authorization: token {user.token}"],
                                              timeout=CLIENT_TIMEOUT)
        self.session = uuid.uuid4().hex

    def run(self, code: str) -> float:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "", "session": self.session, "msg_type": "execute_request",
                       "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        t = time.perf_counter()
        while True:
            m = json.loads(self.ws.recv())
            if m.get("parent_header", {}).get("msg_id") == msg_id and m["msg_type"] == "execute_reply":
                if m["content"]["status"] != "ok":
                    raise RuntimeError(f"cell failed: {m['content'].get('ename')}: {m['content'].get('evalue')}")
                return time.perf_counter() - t

    def close(self):
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001
            pass


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(p / 100 * len(v)) - 1))] if v else float("nan")


def mean(values):
    return statistics.mean(values) if values else float("nan")


def hub(*args):
    r = subprocess.run([sys.executable, "-m", "autograder", "hub", *args], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"hub {args[0]} failed:\n{r.stdout}\n{r.stderr}")
    return r.stdout


def rss_mb(marker: str, uid: int | None = None) -> list[float]:
    """RSS of this class's processes whose command line holds ``marker`` (one user's if ``uid``)."""
    out = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            st_uid = (p / "status").stat().st_uid
            if uid is not None and st_uid != uid:
                continue
            cmd = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if marker in cmd and TAG in pwd.getpwuid(st_uid).pw_name:
                kb = next(int(line.split()[1]) for line in (p / "status").read_text().splitlines()
                          if line.startswith("VmRSS:"))
                out.append(kb / 1024)
        except (OSError, KeyError, StopIteration):
            pass
    return out


def spawn(u: HubUser) -> None:
    """Start the server and follow the hub's progress stream (the browser's spawn page) until ready."""
    r = u._hub_api("POST", f"/users/{u.name}/server")
    if r.status_code not in (201, 202):
        raise RuntimeError(f"HTTP {r.status_code} {r.text[:200]}")
    if r.status_code == 202:
        with u._hub_api("GET", f"/users/{u.name}/server/progress", stream=True) as s:
            s.raise_for_status()
            for line in s.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    if event.get("failed"):
                        raise RuntimeError(event.get("message", "spawn failed"))
                    if event.get("ready"):
                        break
    server = u._hub_api("GET", f"/users/{u.name}").json().get("servers", {}).get("", {})
    if not server.get("ready"):
        raise RuntimeError(f"server not ready after its progress stream ended: {server}")


def stop_server(u: HubUser) -> None:
    u._hub_api("DELETE", f"/users/{u.name}/server")
    deadline = time.monotonic() + 120
    while u._hub_api("GET", f"/users/{u.name}").json().get("servers") and time.monotonic() < deadline:
        time.sleep(1)


class LoadSampler(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.done = 0.0, threading.Event()

    def run(self):
        while not self.done.wait(2):
            self.peak = max(self.peak, os.getloadavg()[0])


def run_level(base: str, logins: list[str], passwords: dict, window: float, clicks: int) -> dict:
    n = len(logins)
    students = [Student(login) for login in logins]
    sampler = LoadSampler()
    sampler.start()
    load_before = os.getloadavg()[0]

    def arrive(i: int) -> None:
        s = students[i]
        time.sleep(i * window / n)
        u = HubUser(base, s.login, session=PatientSession())
        s.user = u
        s.stage("login", lambda: (u.login(passwords[s.login]), u.take_token()))
        s.stage("spawn", lambda: spawn(u))
        if not s.failed:
            s.idle_rss = mean(rss_mb("jupyterhub-singleuser", pwd.getpwnam(s.login).pw_uid))
        s.kernel = s.stage("kernel", lambda: Kernel(u, CHAPTER))
        if s.failed:
            return
        s.stage("notebook", lambda: [s.kernel.run("".join(c["source"]) if isinstance(c["source"], list)
                                                  else c["source"])
                                     for c in u.read_notebook(CHAPTER)["cells"] if c["cell_type"] == "code"])

    pool = ThreadPoolExecutor(n)
    try:
        list(pool.map(arrive, range(n)))
        kernel_rss = rss_mb("ipykernel_launcher")
        code = f"from autograder import check\nr = check({SANDBOX!r}, 'opening')\nassert r.passed"
        rts: list[float] = []

        def click(s: Student) -> None:
            if s.kernel and not s.failed:
                got = s.stage("sandbox", lambda: [s.kernel.run(code) for _ in range(clicks)])
                rts.extend(got or [])

        list(pool.map(click, students))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        sampler.done.set()
    load_after = os.getloadavg()[0]
    for s in students:  # the next level starts from stopped servers
        if s.kernel:
            s.kernel.close()
    with ThreadPoolExecutor(min(n, 10)) as stopper:
        list(stopper.map(lambda s: s.user and s.user.token and _quiet(stop_server, s.user), students))
    spawn_s = [s.times["spawn"] for s in students if "spawn" in s.times]
    return {
        "n": n, "students": students, "spawn": spawn_s,
        "kernel": [s.times["kernel"] for s in students if "kernel" in s.times],
        "notebook": [s.times["notebook"] for s in students if "notebook" in s.times],
        "server_rss": [s.idle_rss for s in students if s.idle_rss == s.idle_rss and s.idle_rss is not None],
        "kernel_rss": kernel_rss, "sandbox": rts,
        "load": (load_before, sampler.peak, load_after),
    }


def _quiet(fn, *a):
    try:
        fn(*a)
    except Exception:  # noqa: BLE001 - best effort between levels; `hub down` stops the rest
        pass


def report(levels: list[dict], mem_gib: float, window: float) -> None:
    print(f"\nclass start ramp, {os.cpu_count()} cores / {mem_gib:.0f} GiB; logins spread over {window:.0f} s; "
          "p50 / p95 in seconds")
    head = f"{'':34}" + "".join(f"{'n=' + str(r['n']):>14}" for r in levels) + f"{'by hand, idle':>16}"
    print(head)

    def row(label, fn, ref=""):
        print(f"{label:34}" + "".join(f"{fn(r):>14}" for r in levels) + f"{ref:>16}")

    two = lambda xs: f"{pct(xs, 50):.1f} / {pct(xs, 95):.1f}" if xs else "-"  # noqa: E731
    row("load average 1 min (before/peak)", lambda r: f"{r['load'][0]:.1f} / {r['load'][1]:.1f}")
    row("spawn", lambda r: two(r["spawn"]), BY_HAND["spawn"])
    row("kernel start + websocket", lambda r: two(r["kernel"]))
    row("chapter 1 run, every code cell", lambda r: two(r["notebook"]))
    row("RSS per idle server, MB", lambda r: f"{mean(r['server_rss']):.0f}", BY_HAND["server"])
    row("RSS per kernel after chapter, MB", lambda r: f"{mean(r['kernel_rss']):.0f}", BY_HAND["kernel"])
    row("sandbox round trip, all at once", lambda r: two(r["sandbox"]))
    for stage in STAGES:
        row(f"failed at {stage}", lambda r, st=stage: str(sum(1 for s in r["students"]
                                                                  if s.failed and s.failed[0] == st)))
    for r in levels:
        for s in r["students"]:
            if s.failed:
                print(f"  n={r['n']} {s.login} failed at {s.failed[0]}: {s.failed[1]}")

    def ok(r, key):
        return not any(s.failed for s in r["students"]) and pct(r[key], 95) <= 10

    active = max((r["n"] for r in levels if ok(r, "sandbox")), default=0)
    arriving = max((r["n"] for r in levels if ok(r, "spawn")), default=0)
    top = max(r["n"] for r in levels)
    print(f"concurrent active students, sandbox p95 <= 10 s and no failure: {active or 'fewer than ' + str(levels[0]['n'])}"
          + (f" (every level measured, up to {top})" if active == top else ""))
    print(f"students arriving within a minute with spawn p95 <= 10 s: {arriving or 'fewer than ' + str(levels[0]['n'])}")
    per = (mean(levels[-1]["server_rss"]) + mean(levels[-1]["kernel_rss"])) / 1024
    if per == per:
        print(f"memory per active student ~{per:.2f} GiB -> {mem_gib / per:.0f} students fit in {mem_gib:.0f} GiB")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", default="10,20,30,40", help="class sizes, run in order (default 10,20,30,40)")
    ap.add_argument("--login-window", type=float, default=60.0, help="seconds over which logins arrive")
    ap.add_argument("--clicks", type=int, default=5, help="sandbox checks per student at each level")
    ap.add_argument("--keep", action="store_true", help="leave the class running")
    a = ap.parse_args()
    levels = [int(x) for x in a.levels.split(",") if x.strip()]
    if not levels or min(levels) < 1:
        raise SystemExit("--levels: comma-separated positive class sizes, e.g. 10,20,30,40")
    if os.geteuid() != 0:
        raise SystemExit("run as root (the benchmark creates unix users)")
    # SIGTERM/SIGHUP clean up like Ctrl-C
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.default_int_handler)
    n = max(levels)
    work = Path(tempfile.mkdtemp(prefix=f"{TAG}-"))
    course = work / "course"
    shutil.copytree(ROOT / "exercises", course, ignore=shutil.ignore_patterns("gradebook.db", "release"))
    cfg = course / "nbgrader_config.py"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('"kefu-etiquette"', repr(CID)), encoding="utf-8")
    roster = work / "roster.csv"
    with open(roster, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["学号", "姓名"]] + [[f"B{i:03d}", f"学生{i}"] for i in range(1, n + 1)])
    state = Path(f"/srv/{TAG}-state")
    port = free_port()
    common = ["--course", str(course), "--state-dir", str(state)]
    logins = [f"{TAG}-b{i:03d}" for i in range(1, n + 1)]
    results = []
    try:
        t = time.perf_counter()
        hub("up", *common, "--roster", str(roster), "--port", str(port), "--instructor", f"{TAG}-t",
            "--user-prefix", f"{TAG}-")
        print(f"hub up for {n} students: {time.perf_counter() - t:.1f} s", flush=True)
        rows = (state / "classes" / CID / "passwords.txt").read_text(encoding="utf-8").splitlines()[1:]
        passwords = {r.split("\t")[0]: r.split("\t")[3] for r in rows}
        for level in levels:
            t = time.perf_counter()
            results.append(run_level(f"http://127.0.0.1:{port}", logins[:level], passwords, a.login_window,
                                     a.clicks))
            r = results[-1]
            print(f"n={level}: {time.perf_counter() - t:.0f} s, spawn p95 {pct(r['spawn'], 95):.1f} s, "
                  f"sandbox p95 {pct(r['sandbox'], 95):.2f} s, failures {sum(1 for s in r['students'] if s.failed)}, "
                  f"load {r['load'][0]:.1f} -> peak {r['load'][1]:.1f}", flush=True)
    except KeyboardInterrupt:
        print("interrupted: cleaning up", flush=True)
    finally:
        if not a.keep:
            try:
                print(hub("down", *common).strip())
            except Exception as exc:  # noqa: BLE001 - go on removing users
                print(exc)
            log = state / "classes" / CID / "hub" / "jupyterhub.log"
            if log.exists():  # the hub's side of any failure
                shutil.copy(log, f"/tmp/{TAG}-jupyterhub.log")
                print(f"hub log kept at /tmp/{TAG}-jupyterhub.log")
            for login in logins + [f"{TAG}-t"]:
                subprocess.run(["userdel", "--remove", login], capture_output=True)
            subprocess.run(["groupdel", f"kefu-{CID}"[:32]], capture_output=True)
            shutil.rmtree(state, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)
    if results:
        report(results, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, a.login_window)
    return 0 if results and len(results) == len(levels) else 1


if __name__ == "__main__":
    raise SystemExit(main())
