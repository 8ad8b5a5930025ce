"""The simulated class: deterministic, spread in ability, with every kind of bad input."""
from __future__ import annotations

import hashlib
import shutil

import pytest

from autograder.simulate import BAD_INPUTS, make_roster, simulate_class


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
    from autograder.release import new_course

    from conftest import EXERCISES

    course = new_course(tmp_path / "c", EXERCISES)
    with pytest.raises(FileNotFoundError, match="not released yet"):
        simulate_class(course, 3)
