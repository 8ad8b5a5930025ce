"""SharedOverwriteKernelspec: nbgrader's ``OverwriteKernelspec`` on the run's shared gradebook."""
from __future__ import annotations

import json

from nbgrader.preprocessors import OverwriteKernelspec

from ..grading.session import shared_gradebook

__all__ = ["SharedOverwriteKernelspec"]


class SharedOverwriteKernelspec(OverwriteKernelspec):
    """Give the submission the source notebook's kernelspec, as ``OverwriteKernelspec`` does."""

    def preprocess(self, nb, resources):
        gb = shared_gradebook(resources)
        if gb is None:
            return super().preprocess(nb, resources)
        spec = gb.kernelspec(resources["nbgrader"]["notebook"], resources["nbgrader"]["assignment"])
        if spec:
            nb.metadata["kernelspec"] = json.loads(spec)
        return nb, resources
