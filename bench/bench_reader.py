"""Answer reader on hostile input: the fallback line reader before and after the linear pattern.

Prints, side by side, the time to read ``第1题 = "`` + n blanks + ``x`` (a cell
that does not parse) with the old lazy pattern (baseline, quadratic) and the
reader as it is now, and the parse count for a notebook whose answers sit
below 100 junk cells (each question used to re-parse every cell above it).

    python bench/bench_reader.py
"""
from __future__ import annotations

import re
import time
import unicodedata

from autograder.grading import answers
from autograder.grading.answers import answer_cells, find_answer, read_assignment


def _old_line_pattern(var: str) -> re.Pattern:
    name = re.escape(unicodedata.normalize("NFKC", var))
    return re.compile(rf"^[ \t]*{name}[ \t]*[=＝](?!=)[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    print(f"{'blanks':>8}  {'old pattern (s)':>16}  {'reader now (s)':>15}")
    for n in (2_000, 4_000, 8_000, 16_000, 199_980):
        text = '第1题 = "' + " " * n + "x"
        old = _timed(lambda: _old_line_pattern("第1题").findall(text)) if n <= 16_000 else float("nan")
        new = _timed(lambda: read_assignment(text, "第1题"))
        print(f"{n:>8}  {old:>16.3f}  {new:>15.4f}")
    print("(old pattern skipped at 199,980 blanks: quadratic, ~90 s on an idle machine)")

    names = " ".join(f"第{i}题" for i in range(1, 19))
    junk = [f"# {names}\n草稿 = [" + "1," * 2000 + "]"] * 100
    sources = junk + [f'第{i}题 = "A"' for i in range(1, 19)]
    calls = []
    real = answers._parse
    answers._parse = lambda text: calls.append(1) or real(text)
    try:
        t_plain = _timed(lambda: [find_answer(sources[:100], f"第{i}题") for i in range(1, 19)])
        plain = len(calls)
        calls.clear()
        cells = answer_cells(sources)
        t_cells = _timed(lambda: [find_answer(cells[:100], f"第{i}题") for i in range(1, 19)])
        once = len(calls)
    finally:
        answers._parse = real
    print(f"\n18 questions over 100 junk cells: {'parses':>7} {'seconds':>8}")
    print(f"  strings, per question (baseline) {plain:>7} {t_plain:>8.2f}")
    print(f"  answer_cells, once per notebook  {once:>7} {t_cells:>8.2f}")


if __name__ == "__main__":
    main()
