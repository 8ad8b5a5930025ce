"""Benchmark: kernel-free grading against stock ``nbgrader autograde``, side by side.

    .venv/bin/python bench/bench_grade.py [--students 20] [--class-size 60] [--out bench-output]

1. The same 20 honest simulated submissions (chapter 1) graded by stock
   nbgrader (kernel execution, AUTOGRADER_EXECUTE=1) and by
   ``python -m autograder grade``, each a fresh process: seconds, ms per
   notebook, ratio (target: kit ≥ 10× faster).
2. A class of 60 students × 4 chapters (240 notebooks, with the usual bad
   inputs) graded by the kit (target ≤ 20 s), against the floor: reading and
   parsing those notebooks alone; then where the time above the floor goes.
Run from the project root.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from autograder.grading.coursedir import quiet_nbgrader_warnings, scripts_env

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


def run(cmd: list[str], cwd: Path, env_extra: dict | None = None) -> float:
    env = scripts_env(**(env_extra or {}))
    started = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr[-2000:]}")
    return elapsed


def fresh_course(base: Path, name: str) -> Path:
    from autograder.classroom.release import new_course, release

    target = base / name
    if target.exists():
        shutil.rmtree(target)
    course = new_course(target, ROOT / "exercises")
    release(course)
    return course


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=20, help="submissions for the stock comparison")
    p.add_argument("--class-size", type=int, default=60, help="students in the full-class run (× 4 chapters)")
    p.add_argument("--out", default="bench-output", type=Path)
    args = p.parse_args()
    os.chdir(ROOT)
    args.out.mkdir(exist_ok=True)
    from autograder.classroom.simulate import simulate_class

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    bare = min(run([sys.executable, "-c", "pass"], ROOT) for _ in range(3))
    print(f"bare `python -c pass`: {bare * 1000:.0f} ms\n")

    # ---- 1. the same honest submissions, stock vs kit
    n = args.students
    stock = fresh_course(args.out, "stock")
    simulate_class(stock, n_students=n, seed=2026, assignments=["ch1_telephone"], bad_inputs=False)
    kit = args.out / "kit"
    if kit.exists():
        shutil.rmtree(kit)
    shutil.copytree(stock, kit)
    t_stock = run([str(BIN / "nbgrader"), "autograde", "ch1_telephone"], stock, {"AUTOGRADER_EXECUTE": "1"})
    t_kit = run([sys.executable, "-m", "autograder", "grade", "--course", str(kit), "ch1_telephone", "--quiet"], ROOT)
    print(f"1. {n} submissions of ch1_telephone, each grader a fresh process (start-up included)")
    print(f"   {'grader':38} {'seconds':>8} {'ms/notebook':>12}")
    print(f"   {'stock nbgrader autograde (kernel)':38} {t_stock:8.2f} {t_stock / n * 1000:12.0f}")
    print(f"   {'python -m autograder grade':38} {t_kit:8.2f} {t_kit / n * 1000:12.0f}")
    print(f"   speed-up: {t_stock / t_kit:.1f}×  (target ≥ 10×)")
    same = _scores(stock) == _scores(kit)
    print(f"   identical scores: {'yes' if same else 'NO'}\n")

    # ---- 2. a class of 60 × 4 chapters, with bad inputs
    big = fresh_course(args.out, "class")
    simulate_class(big, n_students=args.class_size, seed=2026)
    notebooks = sorted((big / "submitted").glob("*/*/*.ipynb"))
    total = args.class_size * 4
    t_class = run([sys.executable, "-m", "autograder", "grade", "--course", str(big), "--quiet"], ROOT)

    import nbformat

    started = time.perf_counter()
    for path in notebooks:
        try:
            json.loads(path.read_bytes())
        except ValueError:
            pass
    t_json = time.perf_counter() - started
    started = time.perf_counter()
    for path in notebooks:
        try:
            nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
        except Exception:
            pass
    t_nbformat = time.perf_counter() - started
    t_import = run([sys.executable, "-c", "import sys; sys.modules['rfc3987_syntax'] = None; "
                    "import autograder.grading.grader, autograder.preprocessors, nbgrader.api"], ROOT)

    from autograder.grading.grader import grade_course

    again = args.out / "class-again"  # the same first grading in-process, for the breakdown
    if again.exists():
        shutil.rmtree(again)
    shutil.copytree(big, again, ignore=shutil.ignore_patterns("autograded", "gradebook.db"))
    from autograder.classroom.release import release

    release(again)
    report = grade_course(again, progress=False)
    print(f"2. a class of {args.class_size} students × 4 chapters = {total} notebooks ({len(notebooks)} files; "
          "some missing or broken on purpose)")
    print(f"   kit, fresh process, start-up included: {t_class:6.2f} s  ({t_class / total * 1000:.0f} ms/notebook; "
          "target ≤ 20 s)")
    print(f"   floor, read + json.loads only:          {t_json:6.2f} s  ({t_json / total * 1000:.1f} ms/notebook)")
    print(f"   floor, read + nbformat.reads:           {t_nbformat:6.2f} s")
    print(f"   above the floor: {t_class / t_json:.0f}× the json floor. Where the time goes:")
    print(f"     process start-up (imports: nbgrader, nbformat, SQLAlchemy …): {t_import:5.2f} s")
    print(f"     grading loop, in-process:                                    {report.seconds:5.2f} s, of which")
    for step, seconds in sorted(report.timings.items(), key=lambda kv: -kv[1])[:10]:
        print(f"       {step:28} {seconds:5.2f} s")
    rest = report.seconds - sum(report.timings.values())
    print(f"       {'other':28} {rest:5.2f} s")


def _scores(course: Path) -> dict:

    from autograder.grading.coursedir import course_gradebook

    with quiet_nbgrader_warnings():
        with course_gradebook(course) as gb:
            return {(s.student.id, g.name): g.auto_score
                    for a in gb.assignments for s in a.submissions for nb in s.notebooks for g in nb.grades}


if __name__ == "__main__":
    main()
