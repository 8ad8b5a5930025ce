"""Course notebooks from their text sources: ``course/src/<name>.md`` → ``course/<name>.ipynb``.

The chapters are written in MyST Markdown (jupytext's ``md:myst``): prose is
plain Markdown, a code cell is a ``{code-cell}`` fence, ``+++`` separates two
Markdown cells, and the front matter holds the kernelspec.  Reviews read the
text; students open the generated notebook.  Generation is deterministic
(nbformat's JSON layout, cell ids ``<prefix>-NN`` by position, no outputs), so
``python -m autograder build --check`` compares bytes.

A notebook whose cells were edited after its text (in JupyterLab, say) is
never overwritten: :class:`NotebookEdited` names it, and
:func:`take_notebook` carries its cells into the text instead.

jupytext is a build and test dependency, imported here only: students'
kernels and the grader never load this module.
"""
from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["SOURCE_DIR", "NotebookEdited", "JupytextMissing", "notebook_from_text", "render",
           "text_from_notebook", "write_all", "check_all", "take_notebook",
           "project_chapters", "check_chapters", "write_chapters", "take_notebooks"]

SOURCE_DIR = "src"
READ_FORMAT = "md:myst"
# jupytext's own version stays out of the front matter: a jupytext upgrade must not touch every chapter
WRITE_FORMAT = {"extension": ".md", "format_name": "myst",
                "notebook_metadata_filter": "-jupytext.text_representation.jupytext_version"}
BUILD = "python -m autograder build"


class NotebookEdited(RuntimeError):
    """Generated notebooks whose cells were changed by hand after their text; nothing was written."""


class JupytextMissing(RuntimeError):
    """jupytext (a build/test dependency) is not installed."""


def _jupytext():
    try:
        import jupytext
    except ImportError as exc:
        raise JupytextMissing("course notebooks are generated from course/src/ with jupytext: "
                              "run `make install`, or pip install 'jupytext~=1.19.6'") from exc
    return jupytext


def _id_prefix(name: str) -> str:
    return name.split("_", 1)[0]  # ch1_telephone -> ch1, 00_index -> 00


def notebook_from_text(text: str, name: str):
    """The notebook a MyST text describes: ids by position, language from the kernelspec, no jupytext metadata."""
    import nbformat

    nb = _jupytext().reads(text, fmt=READ_FORMAT)
    nb.metadata.pop("jupytext", None)
    kernelspec = nb.metadata.get("kernelspec")
    if not kernelspec or not kernelspec.get("language"):
        raise ValueError(f"{name}: the front matter needs a kernelspec with a language (see course/src/*.md)")
    nb.metadata["language_info"] = {"name": kernelspec["language"]}
    nb.nbformat, nb.nbformat_minor = 4, 5
    for i, cell in enumerate(nb.cells):
        cell.id = f"{_id_prefix(name)}-{i:02d}"
    nbformat.validate(nb)
    return nb


def render(text: str, name: str) -> str:
    """The .ipynb file's exact text (nbformat's layout, as JupyterLab saves it)."""
    import nbformat

    return nbformat.writes(notebook_from_text(text, name)) + "\n"


def text_from_notebook(nb) -> str:
    """The MyST text of a notebook (outputs, ids and language_info are not kept)."""
    import copy

    nb = copy.deepcopy(nb)
    nb.metadata.pop("language_info", None)
    nb.metadata.pop("jupytext", None)
    return _jupytext().writes(nb, fmt=dict(WRITE_FORMAT))


def _sources(course: Path) -> list[Path]:
    return sorted((course / SOURCE_DIR).glob("*.md"))


def _target(text_path: Path) -> Path:
    return text_path.parent.parent / f"{text_path.stem}.ipynb"


def _cells(notebook_text: str) -> list[tuple[str, str]] | None:
    """(type, source) of each cell: what a person edits; None when unreadable."""
    import nbformat

    try:
        nb = nbformat.reads(notebook_text, as_version=4)
    except Exception:  # noqa: BLE001 - any unreadable file counts as edited by hand
        return None
    return [(c.cell_type, c.source.rstrip("\n")) for c in nb.cells]


def _edited_by_hand(text_path: Path, notebook: Path, wanted: str) -> bool:
    """The notebook is newer than its text and its cells say something the text does not."""
    if notebook.stat().st_mtime <= text_path.stat().st_mtime:
        return False
    return _cells(notebook.read_text(encoding="utf-8")) != _cells(wanted)


def write_all(course_dir: str | Path) -> list[Path]:
    """Write every ``course/<name>.ipynb`` from ``course/src/<name>.md``; all or nothing.

    Raises :class:`NotebookEdited` (writing nothing) when a notebook's cells
    were changed after its text: regenerating would lose those changes.
    """
    course = Path(course_dir)
    planned, edited = [], []
    for text_path in _sources(course):
        notebook = _target(text_path)
        wanted = render(text_path.read_text(encoding="utf-8"), text_path.stem)
        current = notebook.read_text(encoding="utf-8") if notebook.exists() else None
        if current is not None and current != wanted and _edited_by_hand(text_path, notebook, wanted):
            edited.append(f"{notebook}: its cells were changed after {text_path}; regenerating would lose "
                          f"that change. Put it into the text (`{BUILD} --take-notebook {text_path.stem}` "
                          f"copies the notebook's cells into {text_path}), or delete the notebook to regenerate it")
        planned.append((notebook, wanted, current))
    if edited:
        raise NotebookEdited("\n".join(edited))
    for notebook, wanted, current in planned:
        if current != wanted:
            notebook.write_text(wanted, encoding="utf-8")
    return [notebook for notebook, _, _ in planned]


def check_all(course_dir: str | Path) -> list[str]:
    """Why the committed notebooks differ from their text sources (empty: up to date)."""
    course = Path(course_dir)
    problems = []
    sources = _sources(course)
    for text_path in sources:
        notebook = _target(text_path)
        if not notebook.exists():
            problems.append(f"{notebook}: missing (run `{BUILD}`)")
        elif notebook.read_text(encoding="utf-8") != render(text_path.read_text(encoding="utf-8"), text_path.stem):
            problems.append(f"{notebook}: differs from {text_path} (edit the text, then run `{BUILD}`)")
    generated = {_target(p) for p in sources}
    for notebook in sorted(course.glob("*.ipynb")):
        if notebook not in generated:
            problems.append(f"{notebook}: has no text source {course / SOURCE_DIR / notebook.stem}.md "
                            f"(create it with `{BUILD} --take-notebook {notebook.stem}`)")
    return problems


def take_notebook(course_dir: str | Path, name: str) -> Path:
    """Write ``course/src/<name>.md`` from ``course/<name>.ipynb`` (its cells and kernelspec; outputs dropped)."""
    import nbformat

    course = Path(course_dir)
    notebook = course / f"{name}.ipynb"
    if not notebook.is_file():
        raise FileNotFoundError(f"{notebook}: no such notebook")
    text_path = course / SOURCE_DIR / f"{name}.md"
    text_path.parent.mkdir(parents=True, exist_ok=True)
    text_path.write_text(text_from_notebook(nbformat.read(notebook, as_version=4)), encoding="utf-8")
    return text_path


# --------------------------------------------------------------------------- `build`'s part (prints)


def project_chapters(course_option: str | None) -> Path | None:
    """The project's course/ when its chapters have text sources (run from the project root, no --course)."""
    chapters = Path("course")
    return chapters if course_option is None and (chapters / SOURCE_DIR).is_dir() else None


def check_chapters(chapters: Path) -> list[str]:
    """``build --check``: the drift problems, or a line saying the notebooks are up to date."""
    try:
        problems = check_all(chapters)
    except (JupytextMissing, ValueError) as exc:
        return [f"error: {exc}"]
    if not problems:
        print(f"{chapters}/*.ipynb are up to date with {chapters}/{SOURCE_DIR}/*.md")
    return problems


def write_chapters(chapters: Path) -> int:
    """``build``: regenerate the notebooks; exit status 1 with the reason when nothing could be written.

    Without jupytext (an environment without the test extras) the notebooks
    are left as they are with a warning: the bank's notebooks were built, and
    ``build --check`` still fails until the chapters can be checked.
    """
    try:
        for path in write_all(chapters):
            print(f"wrote {path}")
    except JupytextMissing as exc:
        print(f"warning: {chapters}/*.ipynb not regenerated: {exc}", file=sys.stderr)
    except (NotebookEdited, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def take_notebooks(chapters: Path | None, names: list[str]) -> int:
    """``build --take-notebook NAME``: the notebook's cells into its text, then regenerate."""
    if chapters is None:
        print(f"error: --take-notebook works on the project's course/ (run it from the project root, "
              f"where course/{SOURCE_DIR}/ is)", file=sys.stderr)
        return 2
    try:
        for name in names:
            print(f"wrote {take_notebook(chapters, name)}")
    except (JupytextMissing, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return write_chapters(chapters)
