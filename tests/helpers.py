"""Plain helpers shared by the tests: paths, release notebooks, filling in answers, submitting, scores.

Import them from here (``from helpers import fill, submit``); ``tests/`` is on
``sys.path`` because pytest puts each test file's rootdir-relative folder there.
Fixtures and hooks stay in conftest.py.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

import pgtier
from tiers import CHROMIUM

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# DESIGN.md, "Rewrite checking: scenario catalogue": the keys in the catalogue's order
DESIGN_KEYS = [
    "opening", "outbound_opening", "hold", "resume_after_hold", "cannot_answer_now", "mishear",
    "complaint_accept", "angry_customer", "compensation_claim", "escalate", "price_objection",
    "closing", "out_of_scope", "profanity_warning", "wrong_number",
]


CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def fontconfig_with_course_font(tmp: Path) -> Path:
    """A fontconfig file that adds the pip-installed Noto Sans SC to the system's fonts.

    A bare Debian machine has no Chinese font at all, so Chromium would draw
    every Chinese character as a box.  Students' own machines have one; here
    the browser borrows the font the package already ships for the charts.
    """
    from autograder.teaching.fonts import font_path

    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{font_path().parent}</dir>\n"
        f"  <cachedir>{tmp / 'fontconfig-cache'}</cachedir>\n"
        "</fontconfig>\n", encoding="utf-8")
    return conf


@contextlib.contextmanager
def chromium(fonts_in: Path | None = None):
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser); closed on exit.

    ``fonts_in``: a folder for a fontconfig file that adds the course font (Chinese
    glyphs on a machine without a CJK font).  Browser tests skip or fail before this
    when Chromium is missing (tests/tiers.py); called elsewhere it raises.
    """
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        raise RuntimeError(f"{CHROMIUM} is missing: `make browser` (or apt-get install chromium) installs it")
    env = None if fonts_in is None else {**os.environ, "FONTCONFIG_FILE": str(fontconfig_with_course_font(fonts_in))}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, env=env)
        try:
            yield browser
        finally:
            browser.close()


def examples(full: int) -> int:
    """Examples a property test draws: ``full`` under Hypothesis's default profile
    (`make test`), scaled by the profile's ``max_examples`` against the default 100
    under a lighter one (`make test-fast` loads ``fast``, registered in conftest.py)."""
    from hypothesis import settings

    return max(10, full * settings.default.max_examples // 100)


def copy_course(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return pgtier.copy_database(src, dst)


def release_notebook(course: Path, assignment: str) -> dict:
    import json

    return json.loads((course / "release" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))


def grade_id(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def fill(nb: dict, answers: dict[str, str], short: str | None = None) -> dict:
    """Put answers into a release notebook: ``answers`` maps 第N题 to the assignment's right-hand side."""
    for cell in nb["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for var, rhs in answers.items():
            if cell["cell_type"] == "code" and f'{var} = ""' in src:
                src = src.replace(f'{var} = ""', f"{var} = {rhs}")
                cell["source"] = src
        if short is not None and grade_id(cell).endswith("_answer") and cell["cell_type"] == "markdown":
            cell["source"] = short
    return nb


def submit(course: Path, student: str, assignment: str, nb: dict | str | None,
           timestamp: str = "2026-11-20 10:00:00.000000 UTC") -> Path:
    """Write a submission as nbgrader's collect step leaves it (None: the notebook is missing)."""
    import json

    target = course / "submitted" / student / assignment
    target.mkdir(parents=True, exist_ok=True)
    (target / "timestamp.txt").write_text(timestamp, encoding="utf-8")
    path = target / f"{assignment}.ipynb"
    if nb is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(nb if isinstance(nb, str) else json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return path


def key_answers(assignment: str, wrong: bool = False) -> dict[str, str]:
    """Right (or wrong) answers for every autograded question of a chapter, from the bank."""
    import json

    from autograder.questionbank.load import load_bank

    ch = next(c for c in load_bank(EXERCISES / "bank") if c.assignment == assignment)
    out = {}
    for q in ch.questions:
        if q.type == "single":
            out[q.var] = json.dumps(next(o for o in q.options if o not in q.key) if wrong else q.key[0])
        elif q.type == "multiple":
            others = [o for o in q.options if o not in q.key]
            out[q.var] = json.dumps(others[0] + q.key[0] if wrong else "".join(q.key))
        elif q.type == "rewrite":
            out[q.var] = json.dumps(q.bad if wrong else q.model_answer, ensure_ascii=False)
        elif q.type == "call":
            lines = q.call.bad_call.lines if wrong else q.call.model_call
            out.update({var: json.dumps(line, ensure_ascii=False) for var, line in zip(q.turn_vars, lines)})
    return out


def scores(course: Path, student: str, assignment: str) -> dict[str, tuple]:
    """{grade cell: (auto_score, manual_score, needs_manual_grade)} from the course's gradebook."""
    from autograder.grading.coursedir import course_gradebook, quiet_nbgrader_warnings

    with quiet_nbgrader_warnings(), course_gradebook(course) as gb:
        sub = gb.find_submission_notebook(assignment, assignment, student)
        return {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade) for g in sub.grades}


# The language policy (autograder/messages.py): Chinese first, the English in full-width brackets,
# then optionally a detail after a full-width colon
POLICY_FORM = re.compile(r"^\S*[\u4e00-\u9fff][^（）]*（[A-Za-z][^（）]*）(：.*)?$")


def off_policy_lines(text: str) -> list[str]:
    """Lines of a run summary that are neither a 中文（English） message nor a ``- `` list item."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [line for line in lines if not (POLICY_FORM.match(line) or line.startswith("- "))]
