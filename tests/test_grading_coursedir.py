"""Course access: the narrow warning filter and the scripts folder on PATH."""
from __future__ import annotations

import os
import sys
import warnings

from sqlalchemy.exc import SAWarning

from autograder.grading.coursedir import ensure_scripts_on_path, quiet_nbgrader_warnings, scripts_env

KNOWN = ("Object of type <SubmittedNotebook> not in session, add operation along 'Notebook.submissions' "
         "will not proceed (This warning originated from the Session 'autoflush' process)")


def test_only_the_known_nbgrader_session_warning_is_hidden():
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        with quiet_nbgrader_warnings():
            warnings.warn(KNOWN, SAWarning)
            warnings.warn("relationship X will copy column y to z, which conflicts", SAWarning)
            warnings.warn(KNOWN, UserWarning)
            warnings.warn("something else", DeprecationWarning)
    assert [(w.category, str(w.message)[:12]) for w in shown] == [
        (SAWarning, "relationship"), (UserWarning, "Object of ty"), (DeprecationWarning, "something el")]


def test_the_filter_is_gone_after_the_block():
    with quiet_nbgrader_warnings():
        pass
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("default")
        warnings.warn(KNOWN, SAWarning)
    assert len(shown) == 1


def test_scripts_folder_goes_first_on_path_once(monkeypatch):
    bindir = os.path.dirname(sys.executable)
    monkeypatch.setenv("PATH", os.pathsep.join(["/usr/bin", "/bin"]))
    assert ensure_scripts_on_path() == bindir
    ensure_scripts_on_path()
    assert os.environ["PATH"].split(os.pathsep) == [bindir, "/usr/bin", "/bin"]
    assert scripts_env(AUTOGRADER_EXECUTE="1")["PATH"].split(os.pathsep)[0] == bindir
