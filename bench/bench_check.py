"""Benchmark of the rewrite checker (autograder.check), this tree beside a baseline.

    python bench/bench_check.py [--runs N] [--rounds N] [--quick] [--no-sweep] [--baseline REF]

Every figure is measured twice in one run: on this tree and on a baseline
(``--baseline``, a git ref, default 5a385b1; ``--baseline none`` skips it).
The script checks the baseline out into a temporary ``git worktree add
--detach``, runs the same measurements there in child processes with
PYTHONPATH pointing at it, prints both columns and the ratio, and removes
the worktree.  The two trees are measured alternately, section by section,
so that a change in the machine's load hits both columns alike, and
``--rounds`` times over (each tree's lowest figures are kept; the sweep runs
once): on a shared machine the ratio is the figure to trust, the absolute
numbers are inflated by whatever else runs (the load average is printed
before and after).

Figures (targets from issue 12):
  * start-up: a bare ``python -c pass``, then ``python -c "from autograder
    import check; check(…, 'opening')"`` (median of N fresh processes each,
    after a warm-up run that writes the bytecode and the load cache); the
    difference must be at most 80 ms;
  * µs per check on ~40-character utterances over several scenarios, good
    and bad (target: at most 60 µs);
  * ms for one 100,000-character answer, realistic and pathological,
    through the engine without the length cap (target: at most 50 ms), and
    through ``check`` as graded (over the 2,000-character cap: fails at once);
  * the ReDoS sweep (issue 15 item 7): every character that appears in any
    rule or reader pattern repeated 200,000 times, and every rule example
    repeated to 200,000 characters, in every scenario (target: each at most 50 ms).
    ``--quick`` sweeps one character and example in ten.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BASELINE = "5a385b1"  # the checker before the speed work of issue 12

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
FIRST_CHECK = "from autograder import check; check('您好，这里是客服中心，请问有什么可以帮您？', 'opening')"


# --------------------------------------------------------------------------- measurements
# Each runs in a child process whose PYTHONPATH and working directory are the
# tree measured, and returns plain data (printed as JSON).

def _median_run(cmd: list[str], runs: int, cwd: Path, env: dict) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=cwd, env=env, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def measure_startup(tree: Path, runs: int) -> dict:
    env = _tree_env(tree)
    py = sys.executable
    for _ in range(2):  # warm the file cache, write bytecode and the rule-pack load cache
        subprocess.run([py, "-c", FIRST_CHECK], check=True, cwd=tree, env=env, stdout=subprocess.DEVNULL)
    bare = _median_run([py, "-c", "pass"], runs, tree, env)
    first = _median_run([py, "-c", FIRST_CHECK], runs, tree, env)
    return {"bare": bare, "first": first, "over": first - bare}


def measure_per_check(seconds: float = 2.0) -> dict:
    from autograder import check

    for key, text in UTTERANCES:
        check(text, key)
    calls = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for key, text in UTTERANCES:
            check(text, key)
        calls += len(UTTERANCES)
    us = (time.perf_counter() - t0) / calls * 1e6
    worst = []
    for key, text in UTTERANCES:
        n = 1000
        t = time.perf_counter()
        for _ in range(n):
            check(text, key)
        worst.append(((time.perf_counter() - t) / n * 1e6, f"{key}: {text[:10]}…"))
    slowest = max(worst)
    return {"us": us, "calls": calls, "slowest": slowest[0], "slowest_case": slowest[1]}


def measure_long(repeats: int = 5) -> dict:
    from autograder import check
    from autograder.engine import scenarios

    keys = [s.key for s in scenarios()]
    for key in keys:  # compile what the checks need first: this times matching
        for text in LONG_INPUTS.values():
            check(text[:3000], key, max_length=None)
    out = {}
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
        out[label] = {"ms": worst, "capped": capped}
    return out


def measure_sweep(length: int = 200_000, quick: bool = False) -> dict:
    """Every pattern character repeated, every rule example repeated, in every scenario."""
    from autograder import check
    from autograder.engine import scenarios
    try:
        from autograder.devtools.sweep import example_texts, sweep_characters
    except ImportError:
        return {}

    keys = [s.key for s in scenarios()]
    chars = sweep_characters()
    examples = example_texts()
    if quick:
        chars, examples = chars[::10], examples[::10]
    for key in keys:  # compile the whole pack first: the sweep times matching
        check("您好" * 3, key)
    out = {}
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
        out[label] = {"texts": len(texts), "checks": runs, "seconds": time.perf_counter() - t_all,
                      "slowest": worst, "slowest_case": worst_case, "over": over}
    return out


def _tree_env(tree: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode
    return env


def _child(section: str, tree: Path, args: argparse.Namespace) -> dict:
    """Run one section in a fresh process on ``tree``; its result as data."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", section, "--runs", str(args.runs)]
    if args.quick:
        cmd.append("--quick")
    done = subprocess.run(cmd, cwd=tree, env=_tree_env(tree), capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _run_section(section: str, args: argparse.Namespace) -> dict:
    import autograder

    here = Path(autograder.__file__).resolve().parents[1]
    if here != Path.cwd().resolve():  # the editable install must not shadow the tree measured
        raise SystemExit(f"measuring {Path.cwd()} but autograder comes from {here}")
    if section == "startup":
        return measure_startup(Path.cwd(), args.runs)
    if section == "per_check":
        return measure_per_check()
    if section == "long":
        return measure_long()
    if section == "sweep":
        return measure_sweep(quick=args.quick)
    raise SystemExit(f"unknown section {section!r}")


# --------------------------------------------------------------------------- report

def _load() -> str:
    if not hasattr(os, "getloadavg"):
        return "n/a"
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _cell(value: float | None, unit: str) -> str:
    return f"{'—':>9}" if value is None else f"{value:9.1f} {unit}"


def _row(label: str, now: float | None, base: float | None, unit: str, target: float | None) -> None:
    ratio = f"{now / base:5.2f}×" if now is not None and base else "     "
    verdict = ""
    if target is not None and now is not None:
        verdict = f"target <= {target:g} {unit}  {'OK' if now <= target else 'OVER'}"
    print(f"  {label:52} {_cell(now, unit)} {_cell(base, unit)}  {ratio}  {verdict}")


def _get(result: dict | None, *path: str) -> float | None:
    for key in path:
        if not isinstance(result, dict) or key not in result:
            return None
        result = result[key]
    return result


def _baseline_tree(ref: str) -> tuple[Path, str]:
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    tree = tmp / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT, check=True,
                   capture_output=True)
    return tree, sha


def _remove_tree(tree: Path) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
    shutil.rmtree(tree.parent, ignore_errors=True)
    subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True)


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
    ap.add_argument("--baseline", default=DEFAULT_BASELINE,
                    help=f"git ref measured beside this tree (default {DEFAULT_BASELINE}); 'none' skips it")
    ap.add_argument("--rounds", type=int, default=2,
                    help="measure start-up, per-check and long answers this many times, the trees taking turns, "
                         "and keep each tree's lowest figures")
    ap.add_argument("--measure", help=argparse.SUPPRESS)  # internal: one section, in a child process
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(_run_section(args.measure, args)))
        return

    base_tree = sha = None
    if args.baseline.lower() != "none":
        base_tree, sha = _baseline_tree(args.baseline)
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores; load average {_load()} (1, 5, 15 min)")
        print(f"this tree: {ROOT} at {head}{' + uncommitted changes' if dirty else ''}; "
              f"baseline: {sha or 'none'}")
        print(f"  {'':52} {'this tree':>12} {'baseline':>12}  ratio")
        sections = ["startup", "per_check", "long"] + ([] if args.no_sweep else ["sweep"])
        for section in sections:
            rounds = 1 if section == "sweep" else args.rounds
            now = base = None
            for i in range(rounds):  # the trees take turns, each going first in every other round
                order = ["now", "base"] if i % 2 == 0 else ["base", "now"]
                for which in order:
                    if which == "now":
                        now = _best(now, _child(section, ROOT, args))
                    elif base_tree:
                        base = _best(base, _child(section, base_tree, args))
            for label, result in (("this tree", now), ("baseline", base)):
                if result and "error" in result:
                    print(f"  ({label}: {section} failed: {result['error']})")
            _report(section, now, base, args)
        whole_call()  # this tree only; its baseline is the same turns through check() alone
        print(f"load average at the end {_load()}")
    finally:
        if base_tree is not None:
            _remove_tree(base_tree)


def _best(kept: dict | None, new: dict) -> dict:
    """The lower of each figure over rounds (load from other processes only ever adds time)."""
    if kept is None or "error" in kept:
        return new
    if "error" in new:
        return kept
    out = {}
    for key, value in kept.items():
        other = new.get(key)
        if isinstance(value, dict) and isinstance(other, dict):
            out[key] = _best(value, other)
        elif isinstance(value, (int, float)) and isinstance(other, (int, float)):
            out[key] = min(value, other)
        else:
            out[key] = value
    return out


def _report(section: str, now: dict, base: dict | None, args: argparse.Namespace) -> None:
    if section == "startup":
        print(f"start-up (median of {args.runs} fresh processes each)")
        _row("bare `python -c pass`", _get(now, "bare"), _get(base, "bare"), "ms", None)
        _row("import + first check", _get(now, "first"), _get(base, "first"), "ms", None)
        _row("import + first check over bare", _get(now, "over"), _get(base, "over"), "ms", 80)
    elif section == "per_check":
        print(f"per check ({len(UTTERANCES)} utterances of ~40 characters, "
              f"{len({k for k, _ in UTTERANCES})} scenarios, good and bad)")
        _row("mean per check", _get(now, "us"), _get(base, "us"), "µs", 60)
        _row("slowest single utterance", _get(now, "slowest"), _get(base, "slowest"), "µs", None)
        print(f"    (slowest here: {_get(now, 'slowest_case')}; baseline: {_get(base, 'slowest_case')})")
    elif section == "long":
        print("one 100,000-character answer, engine without the cap (median of 5, slowest scenario)")
        for label in LONG_INPUTS:
            _row(label, _get(now, label, "ms"), _get(base, label, "ms"), "ms", 50)
        worst = max((_get(now, label, "capped") or 0.0) for label in LONG_INPUTS)
        print(f"    check() as graded (over the 2,000-character cap, fails at once): at most {worst:.2f} ms")
    elif section == "sweep":
        print(f"ReDoS sweep, 200,000 characters each, engine without the cap{' (--quick)' if args.quick else ''};"
              f" target: each at most 50 ms")
        for label in ("pattern characters", "rule examples"):
            n = _get(now, label, "checks")
            print(f"  {label}: {n} checks" if n is not None else f"  {label}:")
            _row("  slowest check", _get(now, label, "slowest"), _get(base, label, "slowest"), "ms", 50)
            _row("  whole sweep", _get(now, label, "seconds"), _get(base, label, "seconds"), "s", None)
            _row("  checks over 50 ms", _get(now, label, "over"), _get(base, label, "over"), "", None)
            print(f"    (slowest here: {_get(now, label, 'slowest_case')}; baseline: {_get(base, label, 'slowest_case')})")


if __name__ == "__main__":
    main()
