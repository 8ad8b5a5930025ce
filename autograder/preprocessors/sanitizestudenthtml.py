"""SanitizeStudentHtml: nothing a student wrote reaches a page as live HTML."""
from __future__ import annotations

import re

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, List, Set

__all__ = ["SanitizeStudentHtml", "clean_html", "clean_markdown"]

# MathJax commands that make links, attach classes/styles/ids or load code.
_MATH_COMMANDS = re.compile(r"\\(?=(?:href|url|class|cssId|style|unicode|require|html\w*|data|bbox|mmlToken)(?![A-Za-z]))")
# Formatting a written answer may use; no script, style, svg, math, form, iframe, details.
TEXT_TAGS = frozenset("""p br hr div span strong b em i u s del ins mark sub sup small code pre kbd samp
    blockquote q cite ul ol li dl dt dd h1 h2 h3 h4 h5 h6 table thead tbody tfoot tr th td caption a img""".split())
_SAFE_TAG = re.compile(r"[A-Za-z0-9_\-]{1,64}")


def clean_html(html: str, tags: set[str] | None = None, url_schemes: set[str] | None = None) -> str:
    """``html`` through the allow-list sanitiser (nh3), MathJax link/style commands defused."""
    import nh3

    kwargs = {}
    if tags is not None:
        kwargs["tags"] = set(tags)
    if url_schemes is not None:
        kwargs["url_schemes"] = set(url_schemes)
    return _MATH_COMMANDS.sub(r"\\ ", nh3.clean(html, **kwargs))


def clean_markdown(source: str, tags: set[str] | None = None, url_schemes: set[str] | None = None) -> str:
    """Markdown as sanitised HTML that every later markdown renderer passes through untouched.

    The source is rendered with nbconvert's renderer (the one formgrader and
    feedback use), so markdown links such as ``[x](javascript:…)`` are
    cleaned too, then sanitised and put on one line inside a ``<div>``: one
    HTML block, which markdown renderers copy verbatim.
    """
    from nbconvert.filters.markdown import markdown2html

    if not source.strip():
        return ""
    html = clean_html(markdown2html(source), tags, url_schemes).strip()
    html = html.replace("\r", "").replace("\n", "&#10;")
    return f"<div>{html}</div>" if html else ""


class SanitizeStudentHtml(NbGraderPreprocessor):
    """Sanitise whatever a student could have written before a page renders it.

    Formgrader and ``generate_feedback`` render markdown cells, raw cells,
    outputs and comments as HTML without sanitising them.  This runs last
    when a submission is autograded (and again in feedback) and cleans, with
    an allow-list:

    - every markdown or raw cell that is not a locked cell restored from the
      source (a forged ``locked`` flag without a known ``grade_id`` is not
      trusted): rendered, sanitised, stored as one HTML block;
    - every code cell's outputs: only plain text, raster images and
      sanitised HTML/markdown are kept; scripts, SVG, widget views and
      output metadata are dropped;
    - comments put in the cell metadata by ``GetGrades`` (feedback);
    - the notebook's widget state.

    Streams and tracebacks are left as they are: templates escape them, and
    nbgrader reads scores from them.
    """

    allowed_tags = Set(
        set(TEXT_TAGS),
        help="HTML tags kept in student content (attributes are nh3's allow-list: no event handlers, "
             "no style).  Never add script, style, iframe, object, embed, svg, math, form or input.",
    ).tag(config=True)

    url_schemes = Set(
        {"http", "https", "mailto"},
        help="URL schemes kept in links and images of student content; anything else "
             "(javascript:, data:, vbscript:) is removed.",
    ).tag(config=True)

    kept_output_types = List(
        ["text/plain", "image/png", "image/jpeg", "image/gif"],
        help="Output mime types kept as they are (templates escape or base64-embed them).",
    ).tag(config=True)

    cleaned_output_types = List(
        ["text/html", "text/markdown"],
        help="Output mime types kept after sanitising; every other type is dropped.",
    ).tag(config=True)

    trust_locked_cells = Bool(
        True,
        help="Leave locked cells that carry a known grade_id as written (autograding restores their "
             "source from the gradebook, so they are the instructor's).",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        if cell.cell_type in ("markdown", "raw") and not self._trusted(cell):
            cell.source = self._markdown(cell.source) if cell.cell_type == "markdown" else self._html(cell.source)
            if "attachments" in cell:
                cell.attachments = {}
        elif cell.cell_type == "code":
            cell.outputs = [self._output(out) for out in cell.get("outputs", [])]
        meta = cell.get("metadata", {})
        tags = meta.get("tags")
        if tags is not None:
            meta["tags"] = [t for t in tags if isinstance(t, str) and _SAFE_TAG.fullmatch(t)]
        grading = meta.get("nbgrader", {})
        if isinstance(grading.get("comment"), str):
            grading["comment"] = self._markdown(grading["comment"])
        return cell, resources

    def _trusted(self, cell: NotebookNode) -> bool:
        return (self.trust_locked_cells and utils.is_locked(cell)
                and bool(cell.metadata.get("nbgrader", {}).get("grade_id")))

    def _html(self, text: str) -> str:
        return clean_html(text, self.allowed_tags, self.url_schemes)

    def _markdown(self, text: str) -> str:
        return clean_markdown(text, self.allowed_tags, self.url_schemes)

    def _output(self, out: NotebookNode) -> NotebookNode:
        if "data" not in out:
            return out  # stream and error: escaped by every template
        data = {}
        for mime, value in out.data.items():
            text = "".join(value) if isinstance(value, list) else value
            if mime in self.kept_output_types:
                data[mime] = value
            elif mime in self.cleaned_output_types and isinstance(text, str):
                data[mime] = self._html(text) if mime == "text/html" else self._markdown(text)
        out.data = data
        out.metadata = {}
        return out
