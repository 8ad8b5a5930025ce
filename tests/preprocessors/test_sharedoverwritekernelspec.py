"""SharedOverwriteKernelspec: the source's kernelspec, as OverwriteKernelspec restores it."""
from __future__ import annotations

import copy

from nbgrader.preprocessors import OverwriteKernelspec

from autograder.preprocessors import RestoreKernelspec, SharedOverwriteKernelspec

from helpers import release_notebook
from sharedrun import CH1, add_submission, as_notebook, run_shared, run_stock


def test_a_changed_kernelspec_is_put_back_as_stock_nbgrader_does(course):
    add_submission(course, "s1")
    nb = as_notebook(release_notebook(course, CH1))
    source_spec = dict(nb.metadata["kernelspec"])
    nb.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "python"}
    shared = run_shared(course, SharedOverwriteKernelspec(), copy.deepcopy(nb), "s1")
    stock = run_stock(course, OverwriteKernelspec(), copy.deepcopy(nb), "s1")
    assert shared.metadata["kernelspec"] == stock.metadata["kernelspec"] == source_spec


def test_the_old_name_is_the_same_class():
    assert RestoreKernelspec is SharedOverwriteKernelspec
