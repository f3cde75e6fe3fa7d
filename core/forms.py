"""Shared form helpers: the standard validators' messages in the reader's language, the error summary."""
from __future__ import annotations

from functools import cache

from flask_wtf import FlaskForm
from wtforms.i18n import get_translations


@cache
def _builtin_messages(language: str):
    """WTForms' own catalogue for `language` ("Ongeldige datum.", "Ongeldige keuze.")."""
    return get_translations([language])


class DutchForm(FlaskForm):
    """A CSRF-protected form whose error list can be shown as a summary at the top."""

    class Meta:
        def get_translations(self, form):
            # Built-in messages (an unparseable date, a choice not offered) in the reader's language.
            from core.i18n import current_language

            return _builtin_messages(current_language())

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every error, in field order."""
        out = []
        for field in self:
            for message in field.errors:
                out.append((field.id, field.label.text, message))
        return out
