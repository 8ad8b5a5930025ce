"""Class start on one server: N students log in within a minute, open a chapter, run it, use the sandbox.

Deploys a throw-away class with `python -m autograder hub up` (root, Debian;
users named ``kb<pid>-…``, removed at the end), then:

1. N students log in over one minute (staggered) and their servers spawn:
   spawn time p50/p95;
2. each opens course/ch1_telephone.ipynb, starts a kernel and runs every
   code cell (charts, quizzes, sandboxes): notebook run time p50/p95;
3. RSS per single-user server and per kernel, from /proc;
4. the rewrite sandbox (`check(...)` in the student's kernel, what the
   「检查」 button runs) with k = 5, 10, 20 … N students clicking at once:
   round-trip p95 per k — the largest k with p95 under 10 s is how many
   concurrent active students this machine holds.

    sudo .venv/bin/python bench/bench_hub.py [--students 40] [--keep]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import pwd
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.hub.client import HubUser  # noqa: E402
from autograder.hub.process import free_port  # noqa: E402

TAG = f"kb{os.getpid() % 100000}"
CID = f"{TAG}-bench"
SANDBOX = "您好，这里是阳光通信客服中心，我是1024号客服小李，请问有什么可以帮您？"


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, round(p / 100 * len(v)) - 1))] if v else float("nan")


def hub(*args):
    r = subprocess.run([sys.executable, "-m", "autograder", "hub", *args], capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"hub {args[0]} failed:\n{r.stdout}\n{r.stderr}")
    return r.stdout


class Kernel:
    """One kernel of a user's server, driven over its websocket like JupyterLab does."""

    def __init__(self, user: HubUser, path: str):
        import websocket

        r = user.api("POST", "/api/sessions", data=json.dumps(
            {"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}}))
        r.raise_for_status()
        self.kernel_id = r.json()["kernel"]["id"]
        url = user.url(f"/api/kernels/{self.kernel_id}/channels").replace("http://", "ws://")
        self.ws = websocket.create_connection(url, header=[f"Authorization: token {user.token}"], timeout=300)
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


def rss_mb(marker: str) -> list[float]:
    out = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            cmd = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if marker in cmd and TAG in pwd.getpwuid((p / "status").stat().st_uid).pw_name:
                kb = next(int(line.split()[1]) for line in (p / "status").read_text().splitlines()
                          if line.startswith("VmRSS:"))
                out.append(kb / 1024)
        except (OSError, KeyError, StopIteration):
            pass
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--login-window", type=float, default=60.0, help="seconds over which logins arrive")
    ap.add_argument("--keep", action="store_true", help="leave the class running")
    a = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root (the benchmark creates unix users)")
    n = a.students
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
    t = time.perf_counter()
    hub("up", *common, "--roster", str(roster), "--port", str(port), "--instructor", f"{TAG}-t",
        "--user-prefix", f"{TAG}-")
    up_s = time.perf_counter() - t
    rows = (state / "classes" / CID / "passwords.txt").read_text(encoding="utf-8").splitlines()[1:]
    passwords = {r.split("\t")[0]: r.split("\t")[3] for r in rows}
    logins = [f"{TAG}-b{i:03d}" for i in range(1, n + 1)]
    base = f"http://127.0.0.1:{port}"
    try:
        def arrive(i_login):
            i, login = i_login
            time.sleep(i * a.login_window / n)
            u = HubUser(base, login)
            t0 = time.perf_counter()
            u.login(passwords[login])
            u.take_token()
            u.spawn(timeout=300)
            return u, time.perf_counter() - t0

        t = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            arrived = list(pool.map(arrive, enumerate(logins)))
        all_in = time.perf_counter() - t
        users = [u for u, _ in arrived]
        spawn = [s for _, s in arrived]
        idle_server = rss_mb("jupyterhub-singleuser")

        def open_and_run(u: HubUser):
            nb = u.read_notebook("course/ch1_telephone.ipynb")
            k = Kernel(u, "course/ch1_telephone.ipynb")
            t0 = time.perf_counter()
            for cell in nb["cells"]:
                if cell["cell_type"] == "code":
                    k.run("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"])
            return k, time.perf_counter() - t0

        with ThreadPoolExecutor(n) as pool:
            opened = list(pool.map(open_and_run, users))
        kernels = [k for k, _ in opened]
        run_s = [s for _, s in opened]
        server_rss = rss_mb("jupyterhub-singleuser")
        kernel_rss = rss_mb("ipykernel_launcher")

        code = f"from autograder import check\nr = check({SANDBOX!r}, 'opening')\nassert r.passed"
        stages, ceiling = [], 0
        k_values = sorted({k for k in (5, 10, 20, 40, 60, 80, n) if k <= n})
        for k in k_values:
            def clicks(kernel):
                return [kernel.run(code) for _ in range(5)]

            with ThreadPoolExecutor(k) as pool:
                rts = [x for xs in pool.map(clicks, kernels[:k]) for x in xs]
            p95 = pct(rts, 95)
            stages.append((k, statistics.median(rts), p95))
            if p95 <= 10:
                ceiling = k
    finally:
        if not a.keep:
            print(hub("down", *common).strip())
            for login in logins + [f"{TAG}-t"]:
                subprocess.run(["userdel", "--remove", login], capture_output=True)
            subprocess.run(["groupdel", f"kefu-{CID}"[:32]], capture_output=True)
            shutil.rmtree(state, ignore_errors=True)
            shutil.rmtree(work, ignore_errors=True)

    cores = os.cpu_count()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"\nclass start, {n} students, {cores} cores / {mem:.0f} GiB "
          f"(baseline measured by hand earlier: spawn 3-5 s, ~165 MB per idle server, ~120 MB per kernel)")
    print(f"  hub up (venv ready)            {up_s:7.1f} s")
    print(f"  all logged in and spawned      {all_in:7.1f} s   (logins spread over {a.login_window:.0f} s)")
    print(f"  spawn p50 / p95                {pct(spawn, 50):7.1f} / {pct(spawn, 95):.1f} s   (baseline 3-5 s)")
    print(f"  chapter 1 run p50 / p95        {pct(run_s, 50):7.1f} / {pct(run_s, 95):.1f} s")
    print(f"  RSS per idle server            {statistics.mean(idle_server):7.0f} MB   (baseline ~165 MB)")
    print(f"  RSS per server after the run   {statistics.mean(server_rss):7.0f} MB")
    print(f"  RSS per kernel (chapter run)   {statistics.mean(kernel_rss):7.0f} MB   (baseline ~120 MB)")
    print("  sandbox round trip with k students clicking at once:")
    for k, p50, p95 in stages:
        print(f"    k={k:3d}   p50 {p50 * 1000:7.0f} ms   p95 {p95 * 1000:7.0f} ms")
    more = "" if ceiling < n else f" (at least: every one of the {n} measured)"
    print(f"  concurrent active students with sandbox p95 <= 10 s: {ceiling}{more}")
    per_student = (statistics.mean(server_rss) + statistics.mean(kernel_rss)) / 1024
    print(f"  memory per active student ~{per_student:.2f} GiB -> {mem / per_student:.0f} students fit in RAM")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
