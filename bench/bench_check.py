"""Benchmark of the rewrite checker (autograder.check), figures side by side.

    python bench/bench_check.py [--runs N]

Prints, in one run:
  * start-up: a bare `python -c pass`, then `python -c "from autograder import
    check; check(…, 'opening')"` (median of N subprocess runs each), and the
    difference (target: at most 80 ms).  The first process after a rule file
    changes also parses the YAML and compiles the regexes ("cold"); later
    ones reuse the load cache ("warm", see autograder/engine.py).  Both are
    shown; the target is about the warm figure, the usual case.
  * µs per check on ~40-character utterances, over many calls and several
    scenarios (target: at most 60 µs);
  * ms for one 100,000-character answer (target: under 50 ms), realistic and
    pathological, through the engine itself (no length cap), and the same
    through ``check`` as graded (over the 2,000-character cap: fails at once);
  * the ReDoS sweep (issue 15 item 7): every character that appears in any
    rule or reader pattern repeated 200,000 times, and every rule example
    repeated to 200,000 characters, in every scenario (target: each < 50 ms).
    ``--quick`` sweeps a sample of characters.
Wall-clock medians; the machine's load average is printed because other
processes on a shared 2-core machine inflate every figure.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

UTTERANCES = [  # (scenario, ~40-character answer), good and bad
    ("opening", "您好，这里是阳光保险客服中心，工号1025的小李为您服务，请问有什么可以帮您？"),
    ("opening", "喂，你好，找谁啊？那个，我们这里是客服中心，有啥事你就直接说吧，快点讲。"),
    ("hold", "好的，我需要帮您核实一下这张订单的信息，麻烦您稍候片刻，请不要挂机好吗？"),
    ("complaint_accept", "非常抱歉给您添麻烦了，我马上安排师傅上门处理，今天下午五点前给您答复。"),
    ("cannot_answer_now", "我不知道，这事不归我们管，你找营业厅问去吧，我也没办法帮你查，就这样。"),
    ("price_objection", "我理解您的顾虑，这款净水器的品质和售后服务都有保障，您可以先体验一下。"),
    ("price_objection", "这样的价格还嫌贵？我们这里从不打折，别家的都是便宜货，买不起就别买了。"),
    ("closing", "请问您还有其他问题吗？感谢您的来电，祝您生活愉快，再见！欢迎您再次致电。"),
    ("mishear", "對不起，我這邊線路有雜音沒有聽清楚，請您再重複一遍您的訂單號碼，好嗎？"),
    ("escalate", "对不起，这件事超出了我的处理权限，我请主管在两小时内与您联系，您看可以吗？"),
]

SENTENCE = "您好，这里是平安客服中心，工号3577为您服务，请问有什么可以帮您？非常抱歉给您添麻烦了，我马上派人上门处理，今天下午五点前给您答复……"
LONG_INPUTS = {
    "realistic (sentences, full-width punctuation, ……)": (SENTENCE * 2000)[:100_000],
    "realistic, Traditional script": ("您好，這裡是平安客服中心，請問有什麼可以幫您？非常抱歉給您添麻煩了，我們兩個工作日內回覆您。 " * 3000)[:100_000],
    "pathological: 你 × 100,000": "你" * 100_000,
    "pathological: 迷你 × 50,000 (all excused)": "迷你" * 50_000,
    "pathological: 嗯， × 50,000 (fillers)": "嗯，" * 50_000,
}


def _median_run(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def startup(runs: int) -> None:
    py = sys.executable
    code = "from autograder import check; check('您好，这里是客服中心，请问有什么可以帮您？', 'opening')"
    subprocess.run([py, "-c", "pass"], check=True)  # warm the OS file cache
    bare = _median_run([py, "-c", "pass"], runs)
    first = _median_run([py, "-c", code], runs)
    print(f"start-up (median of {runs} runs, fresh processes)")
    print(f"  bare `python -c pass`                 {bare:7.1f} ms")
    print(f"  import + first check                  {first:7.1f} ms   difference {first - bare:6.1f} ms"
          f"   target <= 80 ms  {'OK' if first - bare <= 80 else 'OVER'}")


def per_check(seconds: float = 2.0) -> None:
    from autograder import check

    for key, text in UTTERANCES:
        check(text, key)
    calls = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for key, text in UTTERANCES:
            check(text, key)
        calls += len(UTTERANCES)
    elapsed = time.perf_counter() - t0
    us = elapsed / calls * 1e6
    mean_len = statistics.mean(len(t) for _, t in UTTERANCES)
    print(f"per check ({calls} calls over {len(UTTERANCES)} utterances of ~{mean_len:.0f} characters,"
          f" {len({k for k, _ in UTTERANCES})} scenarios, good and bad)")
    print(f"  {us:7.1f} µs per check   target <= 60 µs  {'OK' if us <= 60 else 'OVER'}")
    worst = []
    for key, text in UTTERANCES:
        n = 2000
        t = time.perf_counter()
        for _ in range(n):
            check(text, key)
        worst.append(((time.perf_counter() - t) / n * 1e6, key, text[:14]))
    slowest = max(worst)
    print(f"  slowest single utterance: {slowest[0]:.1f} µs ({slowest[1]}: {slowest[2]}…)")


def long_inputs(repeats: int = 5) -> None:
    from autograder import check
    from autograder.engine import scenarios

    keys = [s.key for s in scenarios()]
    print(f"one 100,000-character answer (median of {repeats}, slowest scenario of {len(keys)});"
          f" engine without the cap | check() as graded (capped)")
    for label, text in LONG_INPUTS.items():
        worst = capped = 0.0
        for key in keys:
            times, graded = [], []
            for _ in range(repeats):
                t = time.perf_counter()
                check(text, key, max_length=None)
                times.append(time.perf_counter() - t)
                t = time.perf_counter()
                check(text, key)
                graded.append(time.perf_counter() - t)
            worst = max(worst, statistics.median(times) * 1000)
            capped = max(capped, statistics.median(graded) * 1000)
        print(f"  {label:48} {worst:7.1f} ms | {capped:5.2f} ms   target < 50 ms  {'OK' if worst < 50 else 'OVER'}")


def sweep(length: int = 200_000, quick: bool = False) -> None:
    """Every pattern character repeated, every rule example repeated, in every scenario."""
    from autograder import check
    from autograder.engine import scenarios
    from autograder.sweep import example_texts, sweep_characters

    keys = [s.key for s in scenarios()]
    chars = sweep_characters()
    examples = example_texts()
    if quick:
        chars, examples = chars[::10], examples[::10]
    for key in keys:  # compile the whole pack first: the sweep times matching
        check("您好" * 3, key)
    for label, texts in (("pattern characters", [c * length for c in chars]),
                         ("rule examples", [(e * (length // len(e) + 1))[:length] for e in examples])):
        worst, worst_case, over, runs = 0.0, "", 0, 0
        t_all = time.perf_counter()
        for text in texts:
            for key in keys:
                t = time.perf_counter()
                check(text, key, max_length=None)
                took = (time.perf_counter() - t) * 1000
                runs += 1
                over += took >= 50
                if took > worst:
                    worst, worst_case = took, f"{text[:6]!r}… in {key}"
        print(f"  {label:20} {len(texts):4d} texts × {len(keys)} scenarios = {runs:5d} checks of {length:,} chars"
              f" in {time.perf_counter() - t_all:6.1f} s; slowest {worst:7.1f} ms ({worst_case}); "
              f"{over} over 50 ms")


def whole_call(seconds: float = 2.0) -> None:
    """ms per ``check_call`` of a 10-turn call, warm, next to its baseline: the
    same 10 turns through ``check`` alone (the call-level rules are the difference)."""
    from autograder import check, check_call

    phases = ["opening", "free", "hold", "hold", "resume_after_hold", "free", "complaint_accept", "free",
              "free", "closing"]
    good = ["您好，星河宽带客服中心，工号2316，请问有什么可以帮您？", "您是说前天报修的宽带还没有师傅上门，对吗？",
            "我帮您查询一下报修单的进度，请您稍等。", "还在帮您查询，系统有点慢，请您再稍等一下好吗？",
            "让您久等了，报修单派错了片区，已经改派给您小区的师傅。", "给您添麻烦了，真的很抱歉。",
            "我马上给您加急，师傅今天下午五点前上门处理。", "我跟您核对一下，电话是尾号1234的这个吗？",
            "师傅出发前会先给您打电话。", "请问您还有其他问题吗？感谢您的来电，再见！"]
    bad = ["喂，你好。", "嗯，那个，你说的是宽带吧？", "等着！", "然后呢，就是说还要等。", "查到了。",
           "这事不归我们管。", "明天上门。", "三个工作日内上门。", "好的，再见！", "您到时候再打我们热线问吧。"]
    spec = {"direction": "inbound", "turns": [{"customer": "（电话铃响）"}] + [{"agent": p} for p in phases]}

    def per_run(fn) -> tuple[float, float]:
        fn()  # warm: rule files loaded, regexes compiled
        runs, wall, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - wall < seconds / 4:
            fn()
            runs += 1
        return ((time.perf_counter() - wall) / runs * 1000, (time.process_time() - cpu) / runs * 1000)

    print("whole call: check_call on 10 agent turns (turn checks + call-level rules), warm;"
          " baseline: the same 10 turns through check() alone")
    for label, turns in (("good", good), ("bad", bad)):
        wall, cpu = per_run(lambda: check_call(turns, spec))
        base_wall, base_cpu = per_run(lambda: [check(t, p) for t, p in zip(turns, phases)])
        print(f"  {label:5} {wall:6.3f} ms per call (cpu {cpu:6.3f}) | baseline {base_wall:6.3f} ms"
              f" (cpu {base_cpu:6.3f})   target < 1 ms  {'OK' if wall < 1 else 'OVER'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15, help="subprocess runs per start-up figure")
    ap.add_argument("--quick", action="store_true", help="sweep one character and example in ten")
    ap.add_argument("--no-sweep", action="store_true", help="skip the 200,000-character ReDoS sweep")
    args = ap.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores, load average {load:.2f}")
    startup(args.runs)
    per_check()
    long_inputs()
    whole_call()
    if not args.no_sweep:
        print("ReDoS sweep (issue 15 item 7), engine without the length cap; target: each < 50 ms")
        sweep(quick=args.quick)


if __name__ == "__main__":
    main()
