"""A real browser: JupyterLab + Debian's Chromium, driven by Playwright, as a student would use a chapter.

Starts JupyterLab on 127.0.0.1 with a random token on a temporary copy of
course/, with the interface switched to Chinese (the zh-CN language pack),
opens chapter 1, runs all cells from the 运行 menu, answers a quiz question,
types into the rewrite sandbox, clicks 检查 and checks the feedback.
Screenshots go to test-artifacts/browser/.

Chromium comes from Debian (`make test` installs it through the Makefile's
`browser` target); Playwright only drives it and never downloads a browser.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import CHROMIUM, chromium

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
SETTINGS = {
    # the student's choice under Settings → Language, made in advance
    "@jupyterlab/translation-extension/plugin.jupyterlab-settings": {"locale": "zh_CN"},
    # no "would you like news?" toast over the page on a machine without internet
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}
pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.kernel]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a copy of course/; yields (base url, token, log path)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser test needs Debian's chromium. "
                    f"`make test` installs it (Makefile target `browser`), or run "
                    f"`apt-get install chromium` yourself.")
    root = tmp_path / "course"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    home = tmp_path / "jupyter"
    settings = home / "lab-settings"
    for rel, value in SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    env = dict(os.environ,
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), IPYTHONDIR=str(home / "ipython"),
               MPLCONFIGDIR=str(home / "mpl"), JUPYTER_PLATFORM_DIRS="1")
    env.pop("JUPYTER_PATH", None)
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path / "jupyterlab.log"
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser",
           "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI and this machine run as root
        cmd.append("--allow-root")
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=root, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within 90 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base, token, log
    finally:
        # end the server and the kernels it started (its own process group), nothing else
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


def test_student_runs_chapter_and_uses_the_sandbox(jupyterlab):
    from playwright.sync_api import expect

    base, token, log = jupyterlab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium(fonts_in=Path(log).parent) as browser:
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page.set_default_timeout(60_000)
            page.goto(f"{base}/lab/tree/ch1_telephone.ipynb?token={token}")

            # the notebook opens with its kernel; the interface is in Chinese
            page.locator(".jp-NotebookPanel").first.wait_for()
            menubar = page.locator(".lm-MenuBar-content")
            expect(menubar).to_contain_text("运行")
            _wait_for_kernel(page, base, token)

            # 运行 → 运行所有单元格, as a student would
            page.locator(".lm-MenuBar-item", has_text="运行").first.click()
            page.locator(".lm-Menu-item:visible", has_text=re.compile(r"^运行所有单元格")).first.click()
            first_prompt = page.locator(".jp-CodeCell .jp-InputPrompt").first
            expect(first_prompt).to_have_text(re.compile(r"\[[\d*]+\]"), timeout=30_000)

            # the last widget appears once every cell has run
            sandboxes = page.locator("textarea[placeholder*='规范说法']")
            expect(sandboxes).to_have_count(_count_in_notebook("练习.sandbox("), timeout=90_000)
            chart = page.locator(".jp-OutputArea-output img").first
            expect(chart).to_be_visible()
            _screenshot_around(page, chart, ARTIFACTS / "ch1_chart.png")
            assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
            assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']").count() == 0

            # a quiz question: pick A, submit, see the verdict and the explanation
            quiz = page.locator(".widget-vbox", has_text="小测：接听电话的规矩").first
            first_question = quiz.locator(".widget-vbox", has_text="第1题").first
            first_question.scroll_into_view_if_needed()
            first_question.get_by_role("button", name="A", exact=True).click()
            first_question.get_by_role("button", name="提交答案").click()
            expect(first_question).to_contain_text("回答正确")
            expect(first_question).to_contain_text("解析")
            page.screenshot(path=str(ARTIFACTS / "ch1_quiz.png"))

            # the first rewrite sandbox: a typical half-right first attempt
            from autograder.widgets import load_practice

            opening = load_practice("ch1_telephone", base=COURSE).get_sandbox("opening")
            sandbox = page.locator(".widget-vbox", has=page.locator("textarea[placeholder*='规范说法']")).filter(
                has_text=opening.bad).last
            box = sandbox.locator("textarea")
            box.scroll_into_view_if_needed()
            box.click()
            box.press_sequentially("喂，你好，嗯，你找谁？", delay=10)
            sandbox.get_by_role("button", name="检查").click()
            feedback = sandbox.locator(".widget-html", has_text="修改建议")
            expect(feedback).to_contain_text("未通过")
            expect(feedback.locator("mark").first).to_be_visible()
            expect(feedback).to_contain_text("您")  # the suggested wording
            feedback.scroll_into_view_if_needed()
            _screenshot_around(page, sandbox, ARTIFACTS / "ch1_sandbox_fail.png")

            # the second attempt passes
            box.fill("")
            box.press_sequentially("您好，这里是阳光通信客服中心，我是1024号客服小李，请问有什么可以帮您？",
                                   delay=5)
            sandbox.get_by_role("button", name="检查").click()
            expect(sandbox).to_contain_text("通过！得分 100 分")
            sandbox.get_by_role("button", name="看参考说法").click()
            expect(sandbox).to_contain_text("参考说法")
            _screenshot_around(page, sandbox, ARTIFACTS / "ch1_sandbox_pass.png")
        except Exception:
            try:
                page.screenshot(path=str(ARTIFACTS / "failure.png"))
            except Exception:
                pass
            print(Path(log).read_text()[-3000:])
            raise


def _wait_for_kernel(page, base: str, token: str) -> None:
    """Until the notebook's kernel has started and the page shows it idle (空闲)."""
    from playwright.sync_api import expect

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5) as r:
            sessions = json.load(r)
        if any(s.get("kernel", {}).get("execution_state") == "idle" for s in sessions):
            break
        time.sleep(0.3)
    else:
        pytest.fail("the notebook's kernel did not start within 90 s")
    expect(page.locator(".jp-StatusBar-Widget, .jp-StatusBar").first).to_contain_text("空闲", timeout=60_000)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(1)


def _count_in_notebook(call: str, name: str = "ch1_telephone") -> int:
    nb = json.loads((COURSE / f"{name}.ipynb").read_text(encoding="utf-8"))
    return sum("".join(c["source"]).count(call) for c in nb["cells"] if c["cell_type"] == "code")


def _screenshot_around(page, locator, path: Path) -> None:
    """Scroll so the widget sits near the top of the notebook, then capture the window."""
    locator.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
