"""A simulated class: deterministic submissions for tests, benchmarks and the demo.

Students differ in ability (a one-parameter logistic model against a
per-question difficulty), so scores spread and item statistics mean
something.  Answers are typed the many ways real students type them
(lower case, full-width letters, 「A、C」, lists, Chinese quotes).  With
``bad_inputs`` a sprinkling of submissions is broken the ways real ones
break: invalid JSON, another assignment's notebook, deleted / duplicated /
reordered / retyped cells, extra cells, enormous outputs, a missing notebook,
answers written as code, and the known cheats against kernel execution.
"""
from __future__ import annotations

import copy
import hashlib
import json
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from ..grading.question import Question
from ..grading.sourcenotebooks import SourceNotebook, load_course
from ..messages import say

__all__ = ["SimStudent", "SimulatedClass", "make_roster", "simulate_class", "call_answer",
           "BAD_INPUTS", "CHEATS", "CALL_MISTAKES"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇晨欣怡佳琪雨婷子涵浩然梓轩思远"
CLASSES = ("客服2401班", "客服2402班")

# (name, what the student did) — the sprinkling of broken submissions
BAD_INPUTS = (
    "invalid_json", "other_assignment", "deleted_answer_cell", "duplicated_answer_cell",
    "reordered_cells", "retyped_answer_cell", "extra_cells", "enormous_output",
    "missing_notebook", "answer_as_code", "cheat",
)

# Cheats that fool a grader which runs student code; here they are plain text.
CHEATS = {
    "shadow_set": "set = lambda *a, **k: {'A', 'B', 'C', 'D', 'E'}\nfrozenset = set",
    "str_subclass": ("class _Any(str):\n    def __eq__(self, other):\n        return True\n"
                     "    def __hash__(self):\n        return 0\n{var} = _Any('A')"),
    "input_transformer": ("ip = get_ipython()\n"
                          "ip.input_transformers_cleanup.append(lambda lines: [l.replace('assert', 'pass') for l in lines])"),
    "monkeypatch": ("import autograder.autotest as _t\n"
                    "_t.grade_question = lambda spec, sources: _t.Outcome(spec['qid'], spec['var'], "
                    "float(spec['points']), float(spec['points']), 'correct', 'ok')"),
    "read_key": "print(open('../../../source/' + __import__('os').listdir('../../../source')[0]).read()[:100])",
    "write_gradebook": ("import sqlite3\ncon = sqlite3.connect('../../../gradebook.db')\n"
                        "con.execute('update grade set auto_score = 100')\ncon.commit()"),
}


@dataclass(frozen=True, slots=True)
class SimStudent:
    id: str
    name: str
    klass: str
    ability: float


@dataclass
class SimulatedClass:
    students: list[SimStudent]
    # (student id, assignment) -> the bad input planted there
    problems: dict[tuple[str, str], str] = field(default_factory=dict)


def make_roster(n: int, seed: int = 2026, odd_ids: bool = True) -> list[SimStudent]:
    rng = random.Random(seed)
    students = []
    for i in range(n):
        sid = f"2024{i + 1:03d}"
        if odd_ids and n >= 10 and i == n - 1:
            sid = f"2024-{i + 1:03d}"  # a hyphen in the id (hand-typed roster)
        if odd_ids and n >= 10 and i == n - 2:
            sid = "李雷"  # a Chinese id
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        students.append(SimStudent(sid, name, CLASSES[i % len(CLASSES)], rng.gauss(0.9, 1.0)))
    return students


def _difficulty(qid: str) -> float:
    h = int(hashlib.sha256(qid.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return -1.6 + 3.0 * h


def _p_correct(ability: float, qid: str) -> float:
    return 1.0 / (1.0 + math.exp(-1.7 * (ability - _difficulty(qid))))


_STYLES = ("plain", "lower", "fullwidth", "dotted", "comma", "list", "cnquote")


def _spell(letters: str, rng: random.Random) -> str:
    """The right-hand side of the assignment, typed one of many ways."""
    style = rng.choices(_STYLES, weights=(60, 10, 6, 6, 8, 5, 5))[0]
    if style == "lower":
        return json.dumps(letters.lower())
    if style == "fullwidth":
        return json.dumps("".join(chr(ord(c) + 0xFEE0) for c in letters), ensure_ascii=False)
    if style == "dotted" and len(letters) == 1:
        return json.dumps(f"{letters}.")
    if style == "comma" and len(letters) > 1:
        return json.dumps("、".join(letters), ensure_ascii=False)
    if style == "list" and len(letters) > 1:
        return json.dumps(list(letters))
    if style == "cnquote":
        return f"“{letters}”"
    return json.dumps(letters)


def _choice_answer(q: Question, ability: float, rng: random.Random) -> str:
    key = q.spec["key"]
    options = q.spec["options"]
    others = [o for o in options if o not in key]
    p = _p_correct(ability, q.qid)
    if rng.random() < 0.03:
        return '""'
    if q.type == "single":
        if rng.random() < p:
            return _spell(key, rng)
        # the first distractor is the attractive one; the last is rarely chosen
        weights = [3.0 / (i + 1) for i in range(len(others))]
        return _spell(rng.choices(others, weights=weights)[0], rng)
    if rng.random() < p:
        return _spell(key, rng)
    if rng.random() < 0.55 and len(key) > 1:
        k = rng.randint(1, len(key) - 1)
        return _spell("".join(sorted(rng.sample(key, k))), rng)
    chosen = set(rng.sample(key, rng.randint(1, len(key)))) | {rng.choice(others)}
    return _spell("".join(sorted(chosen)), rng)


_TABOO_PREFIXES = ("我不清楚，", "你好，", "喂，", "这个我没办法，", "嗯，那个，")


def _rewrite_answer(q: Question, ability: float, rng: random.Random) -> str:
    model, bad = q.spec.get("model") or "", q.spec.get("bad") or ""
    p = _p_correct(ability, q.qid)
    r = rng.random()
    if r < 0.03:
        text = ""
    elif r < 0.03 + p * 0.9:
        text = model if rng.random() < 0.8 else "嗯，" + model  # a filler: a warning, still passes
    else:
        mode = rng.choice(("partial", "taboo", "unchanged", "you"))
        if mode == "partial":
            first = model.replace("，", ",").split(",")[0]
            text = first if first != model else model[: max(2, len(model) // 3)]
        elif mode == "taboo":
            text = rng.choice(_TABOO_PREFIXES) + model
        elif mode == "unchanged":
            text = bad
        else:
            text = model.replace("您", "你")
    return json.dumps(text, ensure_ascii=False)


# What a weak student gets wrong in a whole call (see call_answer)
CALL_MISTAKES = ("empty_turn", "wrong_order", "rude_turn", "bad_call")
_RUDE_PREFIXES = ("喂，", "这个我不清楚，", "那个，")


def call_answer(spec: dict, ability: float, rng: random.Random) -> tuple[list[str], str]:
    """The lines a simulated student writes for a call question, and what they did.

    A strong student writes the model call (now and then with a filler, a
    warning that still passes); a weak one makes one of the mistakes real
    students make: leaves a turn empty, says things in the wrong order
    (closes before the business is done), is rude in one turn (你 for 您,
    喂, 我不清楚), or writes the bank's worked bad call.  Returns
    ``(lines, what)`` with ``what`` in ``("model", "blank", *CALL_MISTAKES)``.
    """
    model = [str(x) for x in (spec.get("model") or spec.get("model_call") or [])]
    n = len(model)
    if n == 0:
        return [], "blank"
    r = rng.random()
    if r < 0.02:
        return [""] * n, "blank"
    if r < 0.02 + _p_correct(ability, spec.get("qid", "call")) * 0.9:
        lines = list(model)
        if rng.random() < 0.2:
            i = rng.randrange(n)
            lines[i] = "嗯，" + lines[i]
        return lines, "model"
    bad = (spec.get("bad_call") or {}).get("lines") if isinstance(spec.get("bad_call"), dict) else None
    mistakes = CALL_MISTAKES if bad and len(bad) == n else CALL_MISTAKES[:-1]
    what = rng.choice(mistakes if n > 1 else ("empty_turn", "rude_turn"))
    lines = list(model)
    if what == "empty_turn":
        lines[rng.randrange(1, n) if n > 1 else 0] = ""
    elif what == "wrong_order":  # the closing words come one turn early
        lines[-1], lines[-2] = lines[-2], lines[-1]
    elif what == "rude_turn":
        i = rng.randrange(n)
        lines[i] = rng.choice(_RUDE_PREFIXES) + lines[i].replace("您", "你")
    else:
        lines = [str(x) for x in bad]
    return lines, what


_SHORT_GOOD = ("先安抚客户的情绪，认真倾听，表示理解并真诚道歉，然后查明原因、协商解决方案，最后跟踪回访。"
               "接听时铃响一声内接起，先问候再报公司名称和工号，通话中用您称呼客户，结束时感谢来电，等客户先挂机。")
_SHORT_WEAK = ("要有礼貌，态度好一点。", "微笑服务，耐心。", "不知道。")


def _short_answer(q: Question, ability: float, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.05:
        return ""
    if rng.random() < _p_correct(ability, q.qid):
        return _SHORT_GOOD
    return rng.choice(_SHORT_WEAK)


def _call_answer(q: Question, source: str, ability: float, rng: random.Random) -> str:
    """A call answer: each turn the model line (a stronger student more often) or left empty."""
    import json as _json

    p = _p_correct(ability, q.qid)
    for n, line in enumerate(q.spec.get("model") or [], 1):
        if rng.random() < p:
            var = f"{q.var}_第{n}句"
            source = source.replace(f'{var} = ""', f"{var} = {_json.dumps(line, ensure_ascii=False)}", 1)
    return source


def _src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def _grade_id(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def _turn_var(var: str, number: int) -> str:
    return f"{var}_第{number}句"


def _fill_call(cells: list[dict], q: Question, ability: float, rng: random.Random) -> None:
    """Write a call's lines into its ``第Q题_第N句 = ""`` answer lines, wherever they are."""
    lines, _ = call_answer({**q.spec, "qid": q.qid}, ability, rng)
    for number, text in enumerate(lines, 1):
        blank = f'{_turn_var(q.var, number)} = ""'
        rhs = json.dumps(text, ensure_ascii=False)
        for cell in cells:
            if cell.get("cell_type") == "code" and blank in _src(cell):
                cell["source"] = _src(cell).replace(blank, f"{_turn_var(q.var, number)} = {rhs}", 1)
                break


def fill_notebook(release: dict, nb: SourceNotebook, student: SimStudent, rng: random.Random) -> dict:
    """A copy of the release notebook with this student's answers."""
    out = copy.deepcopy(release)
    by_answer = {q.answer_cell: q for q in nb.questions}
    for q in nb.questions:
        if q.type == "call":
            _fill_call(out["cells"], q, student.ability, rng)
    for cell in out["cells"]:
        q = by_answer.get(_grade_id(cell))
        if q is None or q.type == "call":
            continue
        if q.type == "short":
            text = _short_answer(q, student.ability, rng)
            if text:
                cell["source"] = text
            continue
        if q.type == "call":
            cell["source"] = _call_answer(q, _src(cell), student.ability, rng)
            continue
        rhs = (_rewrite_answer if q.type == "rewrite" else _choice_answer)(q, student.ability, rng)
        cell["source"] = _src(cell).replace(f'{q.var} = ""', f"{q.var} = {rhs}", 1)
    # a student ran the notebook: execution counts and outputs appear
    for i, cell in enumerate(c for c in out["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = i + 1
    return out


def _break(kind: str, nb_json: dict, nb: SourceNotebook, other: dict | None, rng: random.Random) -> dict | str | None:
    """Apply a bad input; returns the notebook dict, raw text (invalid JSON) or None (missing)."""
    cells = nb_json["cells"]
    first = next((q for q in nb.questions if q.type != "short"), None)
    if kind == "invalid_json":
        return json.dumps(nb_json, ensure_ascii=False)[: 2000]
    if kind == "missing_notebook":
        return None
    if kind == "other_assignment" and other is not None:
        return other
    if kind == "deleted_answer_cell" and first:
        nb_json["cells"] = [c for c in cells if _grade_id(c) != first.answer_cell]
    elif kind == "duplicated_answer_cell" and first:
        i = next(i for i, c in enumerate(cells) if _grade_id(c) == first.answer_cell)
        dup = copy.deepcopy(cells[i])
        dup["id"] = dup.get("id", "x") + "-copy"
        cells.insert(i + 1, dup)
    elif kind == "reordered_cells":
        body = cells[1:-2]
        rng.shuffle(body)
        nb_json["cells"] = cells[:1] + body + cells[-2:]
    elif kind == "retyped_answer_cell" and first:
        for c in cells:
            if _grade_id(c) == first.answer_cell:
                c["cell_type"] = "markdown"
                c.pop("outputs", None)
                c.pop("execution_count", None)
    elif kind == "extra_cells":
        cells.insert(2, {"cell_type": "code", "execution_count": None, "id": "scratch-1", "metadata": {},
                         "outputs": [], "source": "print('草稿')\nx = 1 + 1"})
        cells.insert(4, {"cell_type": "markdown", "id": "scratch-2", "metadata": {}, "source": "我的笔记：先看题目。"})
    elif kind == "enormous_output":
        for c in cells:
            if c["cell_type"] == "code":
                c["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "好" * 2_000_000}]
                break
    elif kind == "answer_as_code" and first:
        for c in cells:
            if _grade_id(c) == first.answer_cell:
                c["source"] = f'# 我用代码算出答案\n{first.var} = "A" + "B"[:0] + chr(66)'
    elif kind == "cheat" and first:
        name = rng.choice(sorted(CHEATS))
        code = CHEATS[name].replace("{var}", first.var)
        cells.insert(1, {"cell_type": "code", "execution_count": None, "id": "cheat", "metadata": {},
                         "outputs": [], "source": code})
    return nb_json


def simulate_class(course_dir: str | Path, n_students: int = 40, seed: int = 2026,
                   assignments: list[str] | None = None, bad_inputs: bool = True,
                   students: list[SimStudent] | None = None) -> SimulatedClass:
    """Write ``submitted/<student>/<assignment>/<notebook>.ipynb`` for a simulated class.

    Needs ``release/`` (run ``generate_assignment`` first) and ``source/`` (for
    the keys that decide which answers the simulated students get right).
    """
    course_dir = Path(course_dir)
    students = students or make_roster(n_students, seed)
    notebooks = load_course(course_dir, assignments)
    sim = SimulatedClass(students)
    releases = {}
    for nb in notebooks:
        path = course_dir / "release" / nb.assignment / f"{nb.notebook}.ipynb"
        if not path.exists():
            raise FileNotFoundError(say("作业还没有生成，请先运行 nbgrader generate_assignment",
                                        "not released yet: run nbgrader generate_assignment") + f"：{path}")
        releases[(nb.assignment, nb.notebook)] = json.loads(path.read_text(encoding="utf-8"))

    planted = 0
    for si, student in enumerate(students):
        for ni, nb in enumerate(notebooks):
            srng = random.Random(f"{seed}/{student.id}/{nb.assignment}/{nb.notebook}")
            filled = fill_notebook(releases[(nb.assignment, nb.notebook)], nb, student, srng)
            content: dict | str | None = filled
            # one bad input per (student, notebook) pair, spread over the class
            if bad_inputs and len(students) >= 10 and (si * 7 + ni * 3) % 9 == 0 and planted < len(BAD_INPUTS) * 2:
                kind = BAD_INPUTS[planted % len(BAD_INPUTS)]
                other_nb = notebooks[(ni + 1) % len(notebooks)] if len(notebooks) > 1 else None
                other = (fill_notebook(releases[(other_nb.assignment, other_nb.notebook)], other_nb, student, srng)
                         if other_nb is not None and other_nb is not nb else None)
                if kind == "other_assignment" and other is None:
                    kind = "extra_cells"
                content = _break(kind, filled, nb, other, srng)
                sim.problems[(student.id, nb.assignment)] = kind
                planted += 1
            target = course_dir / "submitted" / student.id / nb.assignment
            target.mkdir(parents=True, exist_ok=True)
            (target / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC", encoding="utf-8")
            path = target / f"{nb.notebook}.ipynb"
            if content is None:
                path.unlink(missing_ok=True)
            elif isinstance(content, str):
                path.write_text(content, encoding="utf-8")
            else:
                path.write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")
    return sim
