"""The rewrite-checking rule engine.

Three rule *kinds* live in code; the rules themselves are YAML data in
``autograder/rules/`` (one file per family, plus ``scenarios.yaml``):

``forbid``   a phrase or pattern that must not appear (with exceptions);
             ``level: error`` fails the answer, ``level: warning`` only reports.
``require``  a required element: any one of a group of phrasings.
``count``    occurrences of a group counted against a maximum (fillers).

``check(text, scenario)`` applies the global families, the families the
scenario adds and the scenario's own rules.  ``score`` is the share of the
scenario's requirements met, 0 when an error-level rule fires; ``passed`` is
true only when every requirement is met and no error-level rule fires.

Rule files (the YAML format; see the header of ``rules/scenarios.yaml``):

* a family file: ``family``, ``title``, ``scope`` (``global`` | ``scenario``),
  optional ``macros``, ``rules``; each rule: ``id``, ``kind``, ``level``,
  ``phrases`` (literal, normalised) and/or ``patterns`` (regexes on the
  normalised answer), ``unless`` (regexes: a match lying wholly inside one is
  excused), ``message`` (``{match}`` quotes the student's text; count rules
  may use ``{count}``/``{max}``), ``examples: {flag: [...], ok: [...]}``,
  ``name`` (requirements), ``max`` (count rules), ``note``.
* ``_macros.yaml``: shared regex fragments, written ``{name}`` in patterns
  (extension: names are lower-case identifiers, so never confused with
  ``{3}``-style quantifiers); a file may add its own under ``macros:``.
  Other files whose name starts with ``_`` are not rule files.

Speed (a practice widget checks on every click; a class is graded in bulk):

* each rule's alternatives are regrouped into "scanners" that start with a
  literal character or class, so the regex engine skips ahead instead of
  trying every alternative at every position; a scanner whose possible first
  characters are absent from the answer is not even run.  Only when a
  scanner finds something does the rule's own combined regex (the single
  source of truth for matches, spans and excuses) run.
* loading parses and checks the YAML (~15 ms) but compiles nothing: each
  regex is compiled the first time a check needs it (``_Lazy``), and the
  first-character pre-check means an answer needs only the few rules whose
  opening characters it contains.  Compiling all ~200 regexes up front
  costs ~100 ms, more than a practice widget's whole start-up budget.
  ``load_pack`` (tests, rule authors) still compiles every pattern, so a bad
  regex is reported with its file and rule id before anyone uses it.
* the load cache (``_cached_spec``) keeps the validated pack and every
  pattern's compiled regex program, so a later process neither parses the
  YAML nor compiles a regex; building the cache after a rule file changes
  takes a second or two, once.
* each scenario has one index (``_Index``) from characters and character
  pairs to the scanners they may open, as bits of an int: a check looks up
  the answer's characters and pairs once and runs only the scanners left.

Layout (one job per module): ``model`` (Finding, Result, Rule, Scenario,
Order, Pack), ``loader`` (YAML to validated specs), ``catalogue`` (rule
objects from specs, the load cache, ``scenarios``/``get_scenario``/``rules``),
``prefilter`` (what a pattern's matches can start with), ``scanindex`` (a
scenario's index of scanners), ``lazyregex`` (regexes compiled on first use)
and ``check``.  This module re-exports the names other modules import.
"""

from __future__ import annotations

# ruff: noqa: F401  (re-exports)
from .catalogue import _build_pack, _pack, get_scenario, load_pack, rules, scenarios
from .check import _check_with, _fill, _phrase, check, check_normalised
from .lazyregex import _Lazy
from .loader import _expand, _load_macros, pack_spec
from .model import (FREE, MAX_ANSWER_CHARS, MAX_HITS_PER_RULE, RULES_DIR, Finding, Order, Pack, Result, Rule, Scenario,
                    UnknownScenario, _joined_view)
from .prefilter import _CHARSET_LIMIT, _gate, _gate_open, _pairs, _scan, _scanner_specs, _split_by_first
from .scanindex import _candidates, _Index, _scenario_index
from .text import normalise

__all__ = [
    "Finding", "Result", "Rule", "Scenario", "UnknownScenario",
    "check", "check_normalised", "scenarios", "get_scenario", "rules", "load_pack", "RULES_DIR",
]
