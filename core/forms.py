"""Shared form helpers: Dutch messages for the standard validators."""
from __future__ import annotations

from flask_wtf import FlaskForm


class DutchForm(FlaskForm):
    """A CSRF-protected form whose error list can be shown as a summary at the top."""

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every error, in field order."""
        out = []
        for field in self:
            for message in field.errors:
                out.append((field.id, field.label.text, message))
        return out
