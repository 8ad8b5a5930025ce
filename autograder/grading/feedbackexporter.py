"""FeedbackExporter: nbgrader's feedback HTML with the kit's Chinese template."""
from __future__ import annotations

from pathlib import Path

from nbconvert.exporters import HTMLExporter
from traitlets import default

__all__ = ["FeedbackExporter", "TEMPLATE_DIR"]

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "feedback"


class FeedbackExporter(HTMLExporter):
    """``GenerateFeedback.exporter_class`` of the course config.

    nbgrader's ``generate_feedback`` (and formgrader's button) insists on the
    template name ``feedback``; this exporter puts the kit's ``feedback``
    template (labels 第N题（题型）, scores, 待评分, Chinese throughout) ahead
    of nbgrader's own, which still supplies the page's stylesheet.
    """

    @default("template_paths")
    def _template_paths(self, prune=True, root_dirs=None):
        paths = super()._template_paths(prune=prune, root_dirs=root_dirs)
        if self.template_name == "feedback":
            return [str(TEMPLATE_DIR)] + paths
        return paths
