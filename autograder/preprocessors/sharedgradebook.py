"""Helper: the grading run's open gradebook, if it passed one in resources."""
from __future__ import annotations


def shared_gradebook(resources: dict):
    return (resources.get("autograder") or {}).get("gradebook")
