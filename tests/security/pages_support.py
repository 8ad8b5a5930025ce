"""Helpers for the attacks that end in a page: payloads, a beacon, a formgrader server (Chromium: helpers.chromium).

A payload "fires" when it sets ``window.__pwned`` or makes the browser
request the beacon (a small HTTP server on 127.0.0.1 that records every
request).  Tests load a page, give handlers and animations time to run, and
then assert that neither happened.
"""
from __future__ import annotations

import contextlib
import http.server
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from autograder.grading.coursedir import quiet_nbgrader_warnings

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
ASSIGNMENT = "ch1_telephone"
BIN = Path(sys.executable).parent


import helpers as kit  # noqa: E402  (tests/helpers.py: the kit's course helpers, e.g. kit.submit)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Beacon:
    """An HTTP server on 127.0.0.1 that records the path of every request it gets."""

    def __init__(self):
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self):
                hits.append(self.path)
                self.send_response(204)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()

            do_GET = do_POST = do_PUT = do_OPTIONS = _record

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Beacon":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def fire(beacon: str, name: str) -> str:
    """JavaScript that proves a payload ran: a global flag and a request to the beacon."""
    return f"window.__pwned=(window.__pwned||[]).concat('{name}');fetch('{beacon}/{name}',{{mode:'no-cors'}})"


def payloads(beacon: str) -> dict[str, str]:
    """HTML and markdown a student can type into an answer, each one firing under its own name."""
    f = lambda name: fire(beacon, name)  # noqa: E731
    return {
        "script": f"<script>{f('script')}</script>",
        "img_onerror": f'<img src="x" onerror="{f("img_onerror")}">',
        "svg_animate_onbegin": f'<svg><animate onbegin="{f("svg_animate_onbegin")}" attributeName="x" dur="1s"></animate></svg>',
        "details_ontoggle": f'<details open ontoggle="{f("details_ontoggle")}"><summary>展开</summary>内容</details>',
        "iframe_srcdoc": f'<iframe srcdoc="<img src=x onerror=&quot;parent.{f("iframe_srcdoc")}&quot;>"></iframe>',
        "body_onload": f'<body onload="{f("body_onload")}">',
        "input_autofocus": f'<input autofocus onfocus="{f("input_autofocus")}">',
        "style_import": f"<style>@import url('{beacon}/style_import');</style>",
        "object_data": f'<object data="{beacon}/object_data"></object>',
        "meta_refresh": f'<meta http-equiv="refresh" content="0;url={beacon}/meta_refresh">',
        "mxss_math_style": f'<math><mtext><table><mglyph><style><img src=x onerror="{f("mxss_math_style")}">',
        "html_javascript_link": f'<a id="jslink" href="javascript:{f("html_javascript_link")}">看这里</a>',
        "markdown_javascript_link": "[点这里看完整答案](javascript:window.__pwned=['markdown_javascript_link'])",
    }


# clicked after the page settles: links only fire when someone clicks them
CLICK_LINKS = ("看这里", "点这里看完整答案")
HONEST_TEXT = "我会先问候客户，再报出公司名称和工号。"  # the visible part of the attacker's short answer


def attack_notebook(course: Path, beacon: str) -> dict:
    """The release notebook with every payload in the short answer, an added cell, a raw cell and an answer."""
    every = "\n\n".join(payloads(beacon).values())
    nb = kit.fill(kit.release_notebook(course, ASSIGNMENT), kit.key_answers(ASSIGNMENT, wrong=True),
                  short=f"{HONEST_TEXT}\n\n{every}")
    # a choice answer the reader cannot read: its message goes into the autograder comment
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "第1题 = " in "".join(cell["source"]):
            cell["source"] = "".join(cell["source"]).replace(
                "第1题 = ", "第1题 = " + json.dumps(payloads(beacon)["img_onerror"]) + " #", 1)
            break
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": every})
    nb["cells"].append({"cell_type": "markdown", "metadata": {"nbgrader": {"grade_id": "mallory_locked", "locked": True,
                                                                   "solution": False, "grade": False,
                                                                   "schema_version": 3}},
                        "source": payloads(beacon)["img_onerror"].replace("img_onerror", "forged_locked")})
    nb["cells"].append({"cell_type": "raw", "metadata": {"raw_mimetype": "text/html", "format": "text/html"},
                        "source": every})
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2,
                                                                              "version_minor": 0}}
    return nb


def honest_notebook(course: Path) -> dict:
    return kit.fill(kit.release_notebook(course, ASSIGNMENT), kit.key_answers(ASSIGNMENT),
                    short="接听电话要先问候，再报公司名称和工号，然后询问客户需要什么帮助。")


def nbgrader(course: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    run_env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **(env or {}))
    out = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=run_env, capture_output=True,
                         text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    return out


def kit_grade(course: Path) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(course), "--quiet",
                          ASSIGNMENT], cwd=course, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return out


def old_config(course: Path) -> None:
    """Replace the course config by one copied before the sanitiser existed (no mention of it)."""
    path = course / "nbgrader_config.py"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if "SanitizeStudentHtml" not in line]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def submission_ids(course: Path) -> dict[str, str]:
    """{student: id of their ch1 submission notebook} from the gradebook (formgrader's URLs use it)."""

    from autograder.grading.coursedir import course_gradebook

    with quiet_nbgrader_warnings():
        with course_gradebook(course) as gb:
            return {s.student.id: s.notebooks[0].id for s in gb.find_assignment(ASSIGNMENT).submissions}


@contextlib.contextmanager
def formgrader(course: Path, home: Path):
    """A Jupyter server with nbgrader's formgrader on 127.0.0.1, the course as root; yields (base, token)."""
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               JUPYTER_PLATFORM_DIRS="1", PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("JUPYTER_PATH", None)
    port, token = free_port(), secrets.token_hex(16)
    log = home / "server.log"
    home.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={course}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=course, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter server did not answer within 90 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base, token
    finally:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue


def visit(browser, url: str, settle_ms: int = 2500) -> list:
    """Open ``url``, wait for handlers and animations, click the student's links; return what fired.

    Returns the list in ``window.__pwned`` (empty when nothing ran), read
    before the clicks and after them, and after any navigation a click caused.
    """
    page = browser.new_page()
    try:
        page.set_default_timeout(30_000)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url, wait_until="load")
        page.wait_for_timeout(settle_ms)
        fired = list(page.evaluate("window.__pwned || []"))
        for text in CLICK_LINKS:
            for link in page.get_by_text(text, exact=False).all():
                with contextlib.suppress(Exception):
                    link.click(timeout=2000)
                    page.wait_for_timeout(300)
                    fired += list(page.evaluate("window.__pwned || []"))
        fired += [f"dialog:{m}" for m in dialogs]
        return fired, page.content()
    finally:
        page.close()
