"""CheckMetadata: nbgrader's ``CheckCellMetadata`` with its JSON schema compiled once."""
from __future__ import annotations

import fastjsonschema  # nbformat's own fast validator
import jsonschema
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.nbgraderformat.common import BaseMetadataValidator, SchemaTooNewError, SchemaTooOldError
from nbgrader.preprocessors import CheckCellMetadata

__all__ = ["CheckMetadata"]


class _CompiledSchema(BaseMetadataValidator):
    """``BaseMetadataValidator.validate_cell`` with the schema compiled once.

    ``jsonschema.validate`` checks the schema itself and builds a validator on
    every call: ~1 ms a cell, most of a kernel-free grading run.  The schema
    is compiled once with fastjsonschema (which nbformat already uses).
    """

    _compiled = None

    def validate_cell(self, cell) -> None:
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(f"Outdated schema version: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        if version > self.schema_version:
            raise SchemaTooNewError(f"Schema version is too new: {version} (expected {self.schema_version})",
                                    version, self.schema_version)
        cls = type(self)
        if cls._compiled is None:
            jsonschema.validators.validator_for(self.schema).check_schema(self.schema)
            cls._compiled = fastjsonschema.compile(self.schema)
        try:
            cls._compiled(cell.metadata["nbgrader"])
        except fastjsonschema.JsonSchemaException as exc:
            raise jsonschema.ValidationError(exc.message) from None


class _FastValidator(MetadataValidator, _CompiledSchema):
    """nbgrader's current-schema checks, with the compiled schema underneath (see the MRO)."""


class CheckMetadata(CheckCellMetadata):
    """Same checks and errors as ``CheckCellMetadata``, ~50× faster."""

    def preprocess(self, nb, resources):
        import traceback

        from nbgrader.nbgraderformat import ValidationError

        try:
            _FastValidator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(msg)
            raise ValidationError(msg)
        return nb, resources
