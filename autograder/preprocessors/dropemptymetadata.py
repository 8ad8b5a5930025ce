"""DropEmptyMetadata: tidy what ``DeduplicateIds`` leaves on duplicated cells."""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

__all__ = ["DropEmptyMetadata"]


class DropEmptyMetadata(NbGraderPreprocessor):
    """Remove nbgrader metadata without a ``grade_id``.

    ``DeduplicateIds`` empties the metadata of a copied cell; nbgrader 0.9.6's
    ``OverwriteCells.add_missing_cells`` then fails with ``KeyError:
    'grade_id'`` and the whole submission goes ungraded.  Run this right
    after ``DeduplicateIds``: the copy becomes an ordinary cell.
    """

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {})
        if "nbgrader" in meta and not meta["nbgrader"].get("grade_id"):
            del meta["nbgrader"]
        return cell, resources
