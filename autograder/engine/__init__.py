"""Stage 1, the engine: judging what a student wrote, with no notebook or gradebook in sight.

``text`` normalises (NFKC, Traditional → Simplified, an index map back to the
original), ``engine`` holds the rule model, the YAML loader and ``check``,
``typos`` the homophone slips, ``calls``/``callrules`` whole calls, and
``evaluate``/``callevaluate`` measure the checker against labelled sets.
The rule packs are data in ``rules/``.  ``schema`` (YAML with file-and-item
errors) serves every later stage too.  Nothing here imports a later stage.
"""

from .engine import (
    Finding,
    Result,
    Rule,
    Scenario,
    check,
    check_normalised,
    get_scenario,
    rules,
    scenarios,
)

__all__ = ["Finding", "Result", "Rule", "Scenario", "check", "check_normalised", "get_scenario", "rules", "scenarios"]
