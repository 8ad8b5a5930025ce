"""The kit's language policy, and the one helper instructor messages go through.

Policy:

* **Student-facing text is Chinese**: grading messages, self-check, feedback,
  the practice widgets.  It never goes through :func:`say`.
* **Instructor messages of the class commands** (``grade``, ``collect``,
  ``export``, ``roster``, ``release-feedback``, ``demo``, ``new-course``,
  ``print-cards``, ``hub``) take one form, ``中文（English）``: the Chinese first,
  the English in full-width brackets after it, built by :func:`say`.  A detail
  that follows (a path, a count, an exception's text) comes after a full-width
  colon: ``say("出错", "error") + "：" + detail`` (that is :func:`error_line`).
  A run summary is such messages; each listed item (a skipped row, a refused
  submission) goes on its own line starting ``- ``.
* **Schema and developer errors are English**: bank and practice YAML
  validation, rule packs, bad arguments to library functions, and the
  content-author and developer commands (``check``, ``scenarios``, ``bank``,
  ``build``, ``evaluate``).

This module imports nothing; every stage may use it.
"""
from __future__ import annotations

__all__ = ["say", "error_line"]


def say(zh: str, en: str) -> str:
    """One instructor message in the kit's form: ``中文（English）``."""
    if not zh or not en:
        raise ValueError("say() needs both the Chinese and the English text")
    return f"{zh}（{en}）"


def error_line(detail: object) -> str:
    """The line a class command prints on stderr when it stops: ``出错（error）：detail``."""
    return f"{say('出错', 'error')}：{detail}"
