"""The simulated class: deterministic, spread in ability, with every kind of bad input."""
from __future__ import annotations

import hashlib
import shutil

import pytest

from autograder.classroom.simulate import BAD_INPUTS, make_roster, simulate_class


def _digest(course):
    h = hashlib.sha256()
    for path in sorted((course / "submitted").rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(course)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def test_same_seed_same_class(released_course, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(released_course, a)
    shutil.copytree(released_course, b)
    simulate_class(a, 12, seed=3)
    simulate_class(b, 12, seed=3)
    assert _digest(a) == _digest(b)


def test_roster_has_odd_ids_and_different_abilities():
    roster = make_roster(40, seed=1)
    ids = [s.id for s in roster]
    assert len(set(ids)) == 40 and any("-" in i for i in ids) and any(not i.isascii() for i in ids)
    abilities = [s.ability for s in roster]
    assert max(abilities) - min(abilities) > 2
    assert all(s.name and s.klass for s in roster)


def test_forty_students_get_every_kind_of_bad_input(released_course, tmp_path):
    course = tmp_path / "c"
    shutil.copytree(released_course, course)
    sim = simulate_class(course, 40, seed=5)
    assert set(sim.problems.values()) == set(BAD_INPUTS)
    missing = [k for k, v in sim.problems.items() if v == "missing_notebook"]
    for student, assignment in missing:
        assert not (course / "submitted" / student / assignment / f"{assignment}.ipynb").exists()


def test_graded_class_scores_spread(graded_class):
    _, sim, report = graded_class
    totals = {}
    for r in report.results:
        totals[r.student] = totals.get(r.student, 0) + r.score
    values = sorted(totals.values())
    assert values[-1] - values[0] > 50  # strong and weak students
    assert len(set(values)) > len(values) // 2


def test_needs_a_released_course(tmp_path):
    from autograder.classroom.release import new_course

    from helpers import EXERCISES

    course = new_course(tmp_path / "c", EXERCISES)
    with pytest.raises(FileNotFoundError, match="not released yet"):
        simulate_class(course, 3)


# --------------------------------------------------------------------------- whole calls

CALL_SPEC = {"qid": "ch9_c01", "model": ["您好，安和客服，请问有什么可以帮您？", "您是想查话费，对吗？",
                                         "我帮您查询一下，请您稍等。", "感谢您的来电，再见！"],
             "bad_call": {"lines": ["喂？", "", "等着。", "行了。"]}}


def test_call_answers_are_good_or_one_realistic_mistake():
    import random

    from autograder.classroom.simulate import CALL_MISTAKES, call_answer

    rng = random.Random(4)
    model = CALL_SPEC["model"]
    seen = set()
    for i in range(400):
        lines, what = call_answer(CALL_SPEC, ability=(i % 5) - 2.0, rng=rng)
        seen.add(what)
        assert len(lines) == len(model)
        if what == "model":
            assert all(line in (m, "嗯，" + m) for line, m in zip(lines, model))
        elif what == "blank":
            assert lines == [""] * 4
        elif what == "empty_turn":
            assert lines.count("") == 1 and lines[0] == model[0]
            assert [x for x in lines if x] == [m for m, x in zip(model, lines) if x]
        elif what == "wrong_order":  # closing one turn early
            assert lines[:-2] == model[:-2] and lines[-2:] == model[-2:][::-1]
        elif what == "rude_turn":
            (changed,) = [(x, m) for x, m in zip(lines, model) if x != m]
            assert "你" in changed[0] or changed[0].startswith(("喂", "这个我不清楚", "那个"))
        else:
            assert what == "bad_call" and lines == CALL_SPEC["bad_call"]["lines"]
    assert seen == {"model", "blank", *CALL_MISTAKES}


def test_strong_students_write_the_model_call_more_often():
    import random

    from autograder.classroom.simulate import call_answer

    def share(ability):
        rng = random.Random(1)
        return sum(call_answer(CALL_SPEC, ability, rng)[1] == "model" for _ in range(300)) / 300

    strong, middle, weak = share(2.5), share(0.0), share(-2.5)
    assert strong > middle + 0.3 and middle > weak and strong > 0.7


def test_submissions_fill_every_turn_line_of_each_call(released_course, tmp_path):
    import json
    import re

    from autograder.grading.sourcenotebooks import load_course

    course = tmp_path / "c"
    shutil.copytree(released_course, course)
    simulate_class(course, 12, seed=8, bad_inputs=False)
    calls = [q for nb in load_course(course) for q in nb.questions if q.type == "call"]
    assert len(calls) >= 4  # one per chapter
    for q in calls:
        n = len(q.spec["model"])
        written = []
        for path in sorted((course / "submitted").glob(f"*/{q.assignment}/{q.notebook}.ipynb")):
            source = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                               for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
            lines = [re.search(rf'^{q.var}_第{k}句 = (".*")$', source, re.M) for k in range(1, n + 1)]
            assert all(lines), (path, q.var)  # every turn line is still there, filled or left ""
            written.append([json.loads(m.group(1)) for m in lines])
        # realistic: some write the model call, some leave a turn empty or change a turn
        assert any(w == q.spec["model"] or [x.removeprefix("嗯，") for x in w] == q.spec["model"] for w in written)
        assert any(w != q.spec["model"] for w in written)
